// Shared helpers for the IndexTTS2 module parity tests: run a case through the registry as
// `bookvox dev parity` does, and copy a case with one expected output perturbed.
import Foundation
import XCTest
import IndexTTS2
import Neural
import Tensors
import TestSupport

enum IndexTTS2ParityHarness {
    static func run(_ name: String, directory: URL? = nil) throws -> [OutputReport] {
        let c = try directory.map { try ParityCase(directory: $0) } ?? Fixtures.load(name)
        guard let runner = IndexTTS2Parity.cases[c.name] else { throw ParityError.unknownCase(c.name) }
        return try runner(c)
    }

    /// Runs the case and asserts every listed output was checked and passed.
    static func assertAllPass(_ name: String, file: StaticString = #filePath, line: UInt = #line) throws {
        let reports = try run(name)
        let c = try Fixtures.load(name)
        let checked = Set(reports.map(\.outputName))
        XCTAssertEqual(checked.sorted(), c.outputNames.sorted(), "\(name): every output is checked", file: file, line: line)
        for r in reports { XCTAssertTrue(r.passed, "\(name): \(r)", file: file, line: line) }
        print("parity \(name):\n" + reports.map { "  \($0)" }.joined(separator: "\n"))
    }

    /// Copies a case with expected output `output` changed by `change`.
    static func perturbed(_ name: String, output: String, change: (inout [Float]) -> Void) throws -> URL {
        let src = Fixtures.caseDir(name)
        let dir = FileManager.default.temporaryDirectory
            .appendingPathComponent("bookvox-itts-perturb-\(getpid())-\(name.replacingOccurrences(of: "/", with: "_"))-\(output)")
        try? FileManager.default.removeItem(at: dir)
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        for file in ["manifest.json", "weights.safetensors"] {
            try FileManager.default.createSymbolicLink(at: dir.appendingPathComponent(file), withDestinationURL: src.appendingPathComponent(file))
        }
        let io = try SafeTensorsFile(path: src.appendingPathComponent("io.safetensors").path)
        var values: [String: SafeTensorsWriter.Value] = [:]
        for (key, raw) in io.tensors {
            if raw.dtype == .i64 {
                var v = raw.int64Array()
                if key == "out." + output { var f = v.map(Float.init); change(&f); v = f.map { Int64($0) } }
                values[key] = .int64(shape: raw.shape, values: v)
            } else {
                var t = try raw.floatTensor(key: key)
                if key == "out." + output { var a = t.array; change(&a); t = Tensor(shape: t.shape, data: a) }
                values[key] = .float32(t)
            }
        }
        try SafeTensorsWriter.write(values: values, to: dir.appendingPathComponent("io.safetensors"))
        return dir
    }

    /// The perturbed case must fail on exactly `output`, and the report must name it.
    static func assertPerturbationFails(_ name: String, output: String, change: (inout [Float]) -> Void,
                                        file: StaticString = #filePath, line: UInt = #line) throws {
        let dir = try perturbed(name, output: output, change: change)
        defer { try? FileManager.default.removeItem(at: dir) }
        let reports = try run(name, directory: dir)
        XCTAssertEqual(reports.filter { !$0.passed }.map(\.name), [output], "\(name): only the perturbed output fails",
                       file: file, line: line)
        let text = reports.first { $0.name == output }.map { "\($0)" } ?? ""
        XCTAssertTrue(text.contains(output) && text.contains("FAIL"), "report names the failing output: \(text)", file: file, line: line)
    }
}
