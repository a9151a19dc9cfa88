// Shared by the oneDNN convolution tests (float32 and bf16): seeded random tensors and the largest difference
// relative to the largest reference value.
import Neural
import Tensors
import TestSupport
import XCTest

enum ConvolutionTestTensors {
    static func random(_ shape: [Int], seed: UInt64, std: Float = 1) -> Tensor {
        var rng = SeededRNG(seed: seed)
        var t = Tensor(zeros: shape)
        t.withUnsafeMutableBufferPointer { p in for i in 0..<p.count { p[i] = (2 * rng.nextFloat() - 1) * std } }
        return t
    }

    /// max |a − b| relative to max |b|, over equal shapes.
    static func relativeError(_ a: Tensor, _ b: Tensor, file: StaticString = #filePath, line: UInt = #line) -> Float {
        XCTAssertEqual(a.shape, b.shape, file: file, line: line)
        guard a.shape == b.shape else { return .infinity }
        var diff: Float = 0, scale: Float = 0
        for i in 0..<a.count {
            diff = max(diff, abs(a.pointer[i] - b.pointer[i]))
            scale = max(scale, abs(b.pointer[i]))
        }
        return diff / max(scale, 1e-30)
    }
}
