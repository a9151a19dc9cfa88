// Shared check of the engine tests: a batched layer gives every batch item the same bytes as the item alone, and
// the same bytes run after run.
import XCTest
import Tensors

enum BatchItemChecks {
    /// parts: (name, input (B, …), run(input, item)) with item −1 for the whole batch, else the item run alone.
    static func assertItemsEqualAlone(_ parts: [(String, Tensor, (Tensor, Int) throws -> Tensor)],
                                      file: StaticString = #filePath, line: UInt = #line) throws {
        for (name, input, run) in parts {
            let both = try run(input, -1)
            XCTAssertEqual(try run(input, -1).array, both.array, "\(name): not deterministic", file: file, line: line)
            for b in 0..<input.shape[0] {
                let alone = try run(input.slice(axis: 0, start: b, end: b + 1), b)
                XCTAssertEqual(both.slice(axis: 0, start: b, end: b + 1).array, alone.array, "\(name): item \(b) alone differs",
                               file: file, line: line)
            }
        }
    }
}
