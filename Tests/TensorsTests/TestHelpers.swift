import XCTest
@testable import Tensors

/// Small deterministic generator for test data (64-bit LCG, top bits → [-1, 1)).
struct TestRNG {
    var state: UInt64
    init(_ seed: UInt64) { state = seed &* 6364136223846793005 &+ 1442695040888963407 }
    mutating func next() -> Float {
        state = state &* 6364136223846793005 &+ 1442695040888963407
        return Float(state >> 40) / Float(1 << 24) * 2 - 1
    }
    mutating func tensor(_ shape: [Int]) -> Tensor {
        Tensor(shape: shape, data: (0..<shape.reduce(1, *)).map { _ in next() })
    }
}

func assertClose(_ got: [Float], _ want: [Float], atol: Float = 1e-5, rtol: Float = 1e-5,
                 _ message: String = "", file: StaticString = #filePath, line: UInt = #line) {
    XCTAssertEqual(got.count, want.count, "count \(message)", file: file, line: line)
    guard got.count == want.count else { return }
    for i in 0..<got.count {
        let d = abs(got[i] - want[i])
        if !(d <= atol + rtol * abs(want[i])) {
            XCTFail("index \(i): got \(got[i]), want \(want[i]) \(message)", file: file, line: line)
            return
        }
    }
}
