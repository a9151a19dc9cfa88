import XCTest
@testable import Tensors

/// The tiled residual unit against the same unit composed from separate ops (pad + conv1d, activation over whole
/// rows, pointwise conv1d onto the residual) and a direct loop.
final class CausalResidualUnitTests: XCTestCase {
    struct Unit {
        let w1: Tensor, b1: Tensor?, w2: Tensor, b2: Tensor?, alpha: [Float], invBeta: [Float], dilation: Int
    }

    func makeUnit(channels c: Int, kernel k: Int, dilation: Int, bias: Bool, rng: inout TestRNG) -> Unit {
        let s1 = 1 / Float(c * k).squareRoot(), s2 = 1 / Float(c).squareRoot()
        var w1 = rng.tensor([c, c, k]), w2 = rng.tensor([c, c, 1])
        w1 = w1 * s1
        w2 = w2 * s2
        return Unit(w1: w1, b1: bias ? rng.tensor([c]) : nil, w2: w2, b2: bias ? rng.tensor([c]) : nil,
                    alpha: (0..<c).map { _ in 1 + 0.5 * rng.next() }, invBeta: (0..<c).map { _ in 1 + 0.25 * rng.next() },
                    dilation: dilation)
    }

    func snakeRows(_ x: Tensor, _ u: Unit) -> Tensor {
        var y = x
        let (c, t) = (x.shape[1], x.shape[2])
        y.withUnsafeMutableBufferPointer { p in
            for row in 0..<(x.shape[0] * c) {
                let r = p.baseAddress! + row * t
                VectorMath.snake(r, r, t, alpha: u.alpha[row % c], invBeta: u.invBeta[row % c])
            }
        }
        return y
    }

    func composed(_ a: Tensor, residual x: Tensor, _ u: Unit) -> Tensor {
        let k = u.w1.shape[2]
        let h = a.conv1d(weight: u.w1, bias: u.b1, spec: Conv1dSpec(padLeft: (k - 1) * u.dilation, padRight: 0,
                                                                   dilation: u.dilation))
        return snakeRows(h, u).conv1d(weight: u.w2, bias: u.b2, spec: Conv1dSpec(), residual: x)
    }

    func tiled(_ a: Tensor, residual x: Tensor, _ u: Unit) -> Tensor {
        a.causalResidualUnit(residual: x, weight1: u.w1, bias1: u.b1, dilation: u.dilation, weight2: u.w2, bias2: u.b2) {
            ch, row, n in VectorMath.snake(row, row, n, alpha: u.alpha[ch], invBeta: u.invBeta[ch])
        }
    }

    func testTiledUnitMatchesTheComposedOps() {
        var rng = TestRNG(11)
        // Lengths below one tile, exactly one, and several with a partial last tile; dilations as in the codec.
        // Not bit for bit: OpenBLAS's Haswell sgemm rounds differently for different column counts (from column 248
        // on), and the pointwise product here runs per tile instead of over the whole length.
        for (c, t, d, bias) in [(8, 37, 1, true), (16, 512, 3, false), (24, 1300, 9, true), (12, 2051, 3, true)] {
            let u = makeUnit(channels: c, kernel: 7, dilation: d, bias: bias, rng: &rng)
            let x = rng.tensor([2, c, t]), a = snakeRows(rng.tensor([2, c, t]), u)
            let want = composed(a, residual: x, u), got = tiled(a, residual: x, u)
            XCTAssertEqual(got.shape, want.shape)
            assertClose(got.array, want.array, atol: 1e-6, rtol: 1e-6, "C \(c), T \(t), dilation \(d)")
        }
    }

    func testTiledUnitDoesNotDependOnTheThreadCount() {
        var rng = TestRNG(13)
        let u = makeUnit(channels: 16, kernel: 7, dilation: 9, bias: true, rng: &rng)
        let x = rng.tensor([1, 16, 3000]), a = rng.tensor([1, 16, 3000])
        let saved = Tensors.threadCount
        defer { Tensors.threadCount = saved }
        Tensors.threadCount = 1
        let one = tiled(a, residual: x, u).array
        Tensors.threadCount = 3
        XCTAssertEqual(tiled(a, residual: x, u).array, one, "results must not depend on how tiles are spread over workers")
    }

    func testTiledUnitMatchesADirectLoop() {
        var rng = TestRNG(12)
        let (c, t, k, d) = (6, 700, 7, 3)
        let u = makeUnit(channels: c, kernel: k, dilation: d, bias: true, rng: &rng)
        let x = rng.tensor([1, c, t]), a = rng.tensor([1, c, t])
        var h = [Double](repeating: 0, count: c * t)
        for co in 0..<c { for i in 0..<t {
            var s = Double(u.b1![flat: co])
            for ci in 0..<c { for kk in 0..<k {
                let src = i + kk * d - (k - 1) * d
                if src >= 0 { s += Double(u.w1[flat: (co * c + ci) * k + kk]) * Double(a[flat: ci * t + src]) }
            } }
            let sv = sin(s * Double(u.alpha[co]))
            h[co * t + i] = s + Double(u.invBeta[co]) * sv * sv
        } }
        var want = [Float](repeating: 0, count: c * t)
        for co in 0..<c { for i in 0..<t {
            var s = Double(x[flat: co * t + i]) + Double(u.b2![flat: co])
            for ci in 0..<c { s += Double(u.w2[flat: co * c + ci]) * h[ci * t + i] }
            want[co * t + i] = Float(s)
        } }
        assertClose(tiled(a, residual: x, u).array, want, atol: 1e-4, rtol: 1e-4)
    }
}
