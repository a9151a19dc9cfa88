// VectorMath.softmaxRow / silu (AVX2 Cephes expf where available) against double-precision references.
import Foundation
import Tensors
import XCTest

final class VectorExpTests: XCTestCase {
    /// Rows of awkward lengths (vector tails), wide ranges, −inf entries and an all −inf row.
    func testSoftmaxRowMatchesDoubleReference() {
        for n in [1, 7, 8, 9, 31, 499, 1000] {
            var x = (0..<n).map { i in Float(sin(Double(i) * 1.7) * 40) }
            if n > 3 { x[1] = -.infinity; x[n - 1] = -.infinity }
            // Reference from the same float differences x − max the kernel exponentiates.
            let m = x.max()!
            let e = x.map { exp(Double($0 - m)) }, s = e.reduce(0, +)
            var y = x
            y.withUnsafeMutableBufferPointer { VectorMath.softmaxRow($0.baseAddress!, n) }
            for i in 0..<n {
                XCTAssertEqual(Double(y[i]), e[i] / s, accuracy: 4e-7 * e[i] / s + 1e-37, "n \(n) i \(i)")
            }
            if n > 3 { XCTAssertEqual(y[1], 0); XCTAssertEqual(y[n - 1], 0) }
        }
        var dead = [Float](repeating: -.infinity, count: 13)
        dead.withUnsafeMutableBufferPointer { VectorMath.softmaxRow($0.baseAddress!, 13) }
        XCTAssertEqual(dead, [Float](repeating: 0, count: 13))
    }

    func testSiLUMatchesDoubleReference() {
        let n = 1003
        var x = (0..<n).map { i in Float(i - 501) * 0.23 } // −115 … 115: both clamps and the tail
        x[0] = -200
        x[1] = 200
        var y = [Float](repeating: 0, count: n)
        x.withUnsafeBufferPointer { xb in
            y.withUnsafeMutableBufferPointer { VectorMath.silu(xb.baseAddress!, $0.baseAddress!, n) }
        }
        for i in 0..<n {
            let v = Double(x[i]), ref = v / (1 + exp(-v))
            XCTAssertEqual(Double(y[i]), ref, accuracy: 3e-7 * abs(ref) + 1e-30, "x \(x[i])")
        }
        var t = Tensor(shape: [n], data: x)
        VectorMath.silu(&t)
        XCTAssertEqual(t.array, y)
    }
}
