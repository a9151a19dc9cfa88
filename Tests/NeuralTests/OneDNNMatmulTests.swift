// DNNLMatmul (oneDNN matmul, bf16 or f32) against a float64 reference of the same products: bf16 mode against the
// product of the bf16-rounded operands (only the float32 summation differs), f32 mode against the float32 operands;
// bias, accumulation, row strides, batches (each item its own call: batch == alone) and the bf16 rounding itself.
import XCTest
import Tensors
@testable import Neural

final class OneDNNMatmulTests: XCTestCase {
    private func random(_ shape: [Int], seed: UInt64) -> Tensor {
        var rng = SeededRNG(seed: seed)
        var t = Tensor(zeros: shape)
        t.withUnsafeMutableBufferPointer { p in for i in 0..<p.count { p[i] = 2 * rng.nextFloat() - 1 } }
        return t
    }

    private func bf16Value(_ x: Float) -> Float { Float(bitPattern: UInt32(DNNLMatmul.bf16(x)) << 16) }

    /// y (M, N) = x (M, K) · wᵀ + b in float64, operands rounded to bf16 first when `round`.
    private func reference(_ x: [Float], _ w: Tensor, _ b: Tensor?, rows m: Int, round: Bool) -> [Double] {
        let (n, k) = (w.shape[0], w.shape[1])
        let r: (Float) -> Double = { round ? Double(self.bf16Value($0)) : Double($0) }
        var y = [Double](repeating: 0, count: m * n)
        for i in 0..<m {
            for j in 0..<n {
                var s = b.map { Double($0.pointer[j]) } ?? 0
                for kk in 0..<k { s += r(x[i * k + kk]) * r(w.pointer[j * k + kk]) }
                y[i * n + j] = s
            }
        }
        return y
    }

    /// max |got − want| / max |want|
    private func relativeError(_ got: [Float], _ want: [Double]) -> Double {
        var d = 0.0, s = 0.0
        for (g, w) in zip(got, want) { d = max(d, abs(Double(g) - w)); s = max(s, abs(w)) }
        return d / max(s, 1e-30)
    }

    func testBF16RoundsToNearestEven() {
        XCTAssertEqual(DNNLMatmul.bf16(1), 0x3F80)
        XCTAssertEqual(DNNLMatmul.bf16(Float(bitPattern: 0x3F80_8000)), 0x3F80, "tie goes to the even mantissa")
        XCTAssertEqual(DNNLMatmul.bf16(Float(bitPattern: 0x3F81_8000)), 0x3F82, "tie goes to the even mantissa")
        XCTAssertEqual(DNNLMatmul.bf16(Float(bitPattern: 0x3F80_8001)), 0x3F81)
        XCTAssertEqual(DNNLMatmul.bf16(-2.5), 0xC020)
        XCTAssertTrue(Float(bitPattern: UInt32(DNNLMatmul.bf16(.nan)) << 16).isNaN)
    }

    func testBothPrecisionsMatchTheReferenceWithBiasAndBatches() throws {
        for (m, k, n, batch, bias) in [(37, 96, 80, 2, true), (5, 200, 33, 1, false), (64, 512, 128, 3, true)] {
            let w = random([n, k], seed: UInt64(k * 7 + n)), b = bias ? random([n], seed: 99) : nil
            let x = random([batch, m, k], seed: UInt64(m * 13 + k))
            for precision in [DNNLMatmul.Precision.f32, .bf16] {
                let mm = DNNLMatmul(weight: w, bias: b, precision: precision)
                let y = try mm(x) // (B, M, N)
                XCTAssertEqual(y.shape, [batch, m, n])
                for item in 0..<batch {
                    let xi = Array(x.array[(item * m * k)..<((item + 1) * m * k)])
                    let want = reference(xi, w, b, rows: m, round: precision == .bf16)
                    let got = Array(y.array[(item * m * n)..<((item + 1) * m * n)])
                    // float32 sums of k products: a few ulps of the largest output.
                    XCTAssertLessThan(relativeError(got, want), 1e-5, "\(precision) M \(m) K \(k) N \(n) item \(item)")
                    // batch == alone: the item run by itself gives the same bytes.
                    let alone = try mm(Tensor(shape: [1, m, k], data: xi))
                    XCTAssertEqual(alone.array, got, "\(precision): item \(item) alone differs from the batch")
                }
            }
            // bf16 really rounds: against the unrounded float32 product it is off by bf16's precision, not float32's.
            let bfErr = relativeError(try DNNLMatmul(weight: w, bias: b, precision: .bf16)(x).array,
                                      (0..<batch).flatMap { i in
                                          reference(Array(x.array[(i * m * k)..<((i + 1) * m * k)]), w, b, rows: m, round: false)
                                      })
            XCTAssertGreaterThan(bfErr, 1e-4, "bf16 result equals the float32 product: the bf16 path did not run")
            XCTAssertLessThan(bfErr, 3e-2)
        }
    }

    func testStridedRowsAndAccumulation() throws {
        let (m, k, n, lda, ldc) = (19, 48, 24, 64, 40)
        let w = random([n, k], seed: 5)
        let x = random([m, lda], seed: 6) // row stride lda > K: the first K values of each row are used
        let prior = random([m, ldc], seed: 7)
        let mm = DNNLMatmul(weight: w, bias: nil, precision: .f32)
        var y = prior
        try y.withUnsafeMutableBufferPointer { yb in
            try mm.run(x.pointer, rows: m, lda: lda, into: yb.baseAddress!, ldc: ldc, accumulate: true)
        }
        let xs = (0..<m).flatMap { i in Array(x.array[(i * lda)..<(i * lda + k)]) }
        let want = reference(xs, w, nil, rows: m, round: false)
        for i in 0..<m {
            for j in 0..<ldc {
                let got = y.pointer[i * ldc + j], before = prior.pointer[i * ldc + j]
                if j < n {
                    XCTAssertEqual(Double(got), want[i * n + j] + Double(before), accuracy: 1e-4)
                } else {
                    XCTAssertEqual(got, before, "columns past N are left alone")
                }
            }
        }
    }
}
