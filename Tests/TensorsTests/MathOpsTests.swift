import XCTest
@testable import Tensors

final class MathOpsTests: XCTestCase {
    func naiveMatmul(_ a: [Float], _ b: [Float], m: Int, n: Int, k: Int, ta: Bool, tb: Bool) -> [Float] {
        var c = [Float](repeating: 0, count: m * n)
        for i in 0..<m { for j in 0..<n {
            var s: Double = 0
            for p in 0..<k { s += Double(ta ? a[p * m + i] : a[i * k + p]) * Double(tb ? b[j * k + p] : b[p * n + j]) }
            c[i * n + j] = Float(s)
        } }
        return c
    }

    func testMatmulTransposesAndBatches() {
        var rng = TestRNG(1)
        for (ta, tb) in [(false, false), (true, false), (false, true), (true, true)] {
            let (m, n, k) = (3, 5, 4)
            let a = rng.tensor(ta ? [k, m] : [m, k]), b = rng.tensor(tb ? [n, k] : [k, n])
            let c = a.matmul(b, transposeSelf: ta, transposeOther: tb)
            XCTAssertEqual(c.shape, [m, n])
            assertClose(c.array, naiveMatmul(a.array, b.array, m: m, n: n, k: k, ta: ta, tb: tb), atol: 1e-5)
        }
        // batched (2, 3, 4) @ (2, 4, 5) and shared right operand (4, 5)
        let a = rng.tensor([2, 3, 4]), b = rng.tensor([2, 4, 5]), w = rng.tensor([4, 5])
        let c = a.matmul(b)
        for i in 0..<2 {
            let want = naiveMatmul(Array(a.array[(i * 12)..<(i * 12 + 12)]), Array(b.array[(i * 20)..<(i * 20 + 20)]),
                                   m: 3, n: 5, k: 4, ta: false, tb: false)
            assertClose(Array(c.array[(i * 15)..<(i * 15 + 15)]), want)
        }
        let cw = a.matmul(w)
        XCTAssertEqual(cw.shape, [2, 3, 5])
        assertClose(Array(cw.array[15..<30]), naiveMatmul(Array(a.array[12..<24]), w.array, m: 3, n: 5, k: 4, ta: false, tb: false))
    }

    func testLinearSmallMBothStrategies() {
        var rng = TestRNG(2)
        let (n, k) = (37, 29)
        let w = rng.tensor([n, k]), bias = rng.tensor([n])
        for m in [1, 2, 3, 8, 11] {
            let x = rng.tensor([m, k])
            var want = naiveMatmul(x.array, w.array, m: m, n: n, k: k, ta: false, tb: true)
            for r in 0..<m { for j in 0..<n { want[r * n + j] += bias[flat: j] } }
            for strategy in SmallMStrategy.allCases {
                let saved = LinearKernel.smallMStrategy
                LinearKernel.smallMStrategy = strategy
                defer { LinearKernel.smallMStrategy = saved }
                assertClose(x.linear(weight: w, bias: bias).array, want, atol: 1e-5, "m=\(m) \(strategy)")
            }
        }
    }

    func testBroadcastArithmeticAndBias() {
        let a = Tensor(shape: [2, 3], data: [1, 2, 3, 4, 5, 6])
        XCTAssertEqual((a + Tensor(shape: [3], data: [10, 20, 30])).array, [11, 22, 33, 14, 25, 36])
        XCTAssertEqual((a * Tensor(shape: [2, 1], data: [2, 3])).array, [2, 4, 6, 12, 15, 18])
        XCTAssertEqual((a - Tensor(shape: [1], data: [1])).array, [0, 1, 2, 3, 4, 5])
        let outer = Tensor(shape: [2, 1], data: [1, 2]) + Tensor(shape: [1, 3], data: [10, 20, 30])
        XCTAssertEqual(outer.shape, [2, 3])
        XCTAssertEqual(outer.array, [11, 21, 31, 12, 22, 32])
        let x = Tensor(shape: [1, 2, 3], data: [0, 0, 0, 1, 1, 1])
        XCTAssertEqual(x.addingBias(Tensor(shape: [2], data: [5, 7]), axis: 1).array, [5, 5, 5, 8, 8, 8])
        XCTAssertEqual(x.addingBias(Tensor(shape: [3], data: [1, 2, 3]), axis: -1).array, [1, 2, 3, 2, 3, 4])
        var y = a
        y.scale(by: 0.5)
        XCTAssertEqual(y.array, [0.5, 1, 1.5, 2, 2.5, 3])
        XCTAssertEqual(a.array, [1, 2, 3, 4, 5, 6], "copy-on-write keeps the original")
    }

    func testReductionsAndSoftmax() {
        let a = Tensor(shape: [2, 3], data: [1, 2, 3, 4, 5, 9])
        XCTAssertEqual(a.sum(axis: 1).array, [6, 18])
        XCTAssertEqual(a.sum(axis: 0).array, [5, 7, 12])
        XCTAssertEqual(a.mean(axis: 1, keepDims: true).shape, [2, 1])
        XCTAssertEqual(a.max(axis: 1).array, [3, 9])
        XCTAssertEqual(a.sumAll(), 24)
        XCTAssertEqual(a.argmaxLastAxis(), [2, 2])
        // softmax([1, 2, 3]) = e^(x−3) / Σ
        let s = Tensor(shape: [1, 3], data: [1, 2, 3]).softmax().array
        assertClose(s, [0.09003057, 0.24472847, 0.66524096], atol: 1e-7)
        let ls = Tensor(shape: [1, 3], data: [1, 2, 3]).logSoftmax().array
        assertClose(ls, [-2.40760596, -1.40760596, -0.40760596], atol: 1e-6)
        let masked = Tensor(shape: [1, 3], data: [-.infinity, 0, -.infinity]).softmax().array
        XCTAssertEqual(masked, [0, 1, 0])
    }

    func testNormsAgainstHandComputation() {
        let x = Tensor(shape: [1, 4], data: [1, 2, 3, 6])
        // mean 3, var (4+1+0+9)/4 = 3.5
        let inv = 1 / (3.5 + 1e-5 as Float).squareRoot()
        let ln = x.layerNorm(weight: Tensor(shape: [4], data: [1, 2, 1, 1]), bias: Tensor(shape: [4], data: [0, 0, 1, 0]), eps: 1e-5)
        assertClose(ln.array, [-2 * inv, -1 * inv * 2, 0 + 1, 3 * inv], atol: 1e-6)
        // rms = sqrt((1+4+9+36)/4) = sqrt(12.5)
        let r = 1 / (12.5 + 1e-6 as Float).squareRoot()
        assertClose(x.rmsNorm(weight: Tensor(shape: [4], data: [1, 1, 2, 1]), eps: 1e-6).array, [r, 2 * r, 6 * r, 6 * r], atol: 1e-6)
        // group norm: (1, 4, 2) two groups of two channels
        let g = Tensor(shape: [1, 4, 2], data: [1, 2, 3, 4, 10, 10, 10, 14])
        let gn = g.groupNorm(groups: 2, weight: nil, bias: nil, eps: 0).array
        let s1 = (1.25 as Float).squareRoot() // group 1 values 1,2,3,4: mean 2.5 var 1.25
        assertClose(Array(gn[0..<4]), [-1.5 / s1, -0.5 / s1, 0.5 / s1, 1.5 / s1], atol: 1e-6)
        let s2 = (3 as Float).squareRoot() // group 2: 10,10,10,14 mean 11 var 3
        assertClose(Array(gn[4..<8]), [-1 / s2, -1 / s2, -1 / s2, 3 / s2], atol: 1e-6)
        let bn = g.batchNorm(runningMean: Tensor(shape: [4], data: [1, 0, 0, 0]), runningVar: Tensor(shape: [4], data: [4, 1, 1, 1]),
                             weight: Tensor(shape: [4], data: [2, 1, 1, 1]), bias: Tensor(shape: [4], data: [0, 0, 0, 1]), eps: 0)
        assertClose(bn.array, [0, 1, 3, 4, 10, 10, 11, 15], atol: 1e-6)
    }

    func testVectorSinMatchesLibm() {
        let xs: [Float] = (0..<4000).map { Float($0 - 2000) * 0.0371 } + [1e5, -3e4, 0, .pi, 1e-20]
        var out = [Float](repeating: 0, count: xs.count)
        xs.withUnsafeBufferPointer { x in out.withUnsafeMutableBufferPointer { y in VectorMath.sin(x.baseAddress!, y.baseAddress!, xs.count) } }
        for (i, x) in xs.enumerated() {
            XCTAssertEqual(out[i], sinf(x), accuracy: 3e-7 * Swift.max(1, abs(x) / 64), "sin(\(x))")
        }
        var snake = [Float](repeating: 0, count: xs.count)
        xs.withUnsafeBufferPointer { x in snake.withUnsafeMutableBufferPointer { y in
            VectorMath.snake(x.baseAddress!, y.baseAddress!, xs.count, alpha: 1.7, invBeta: 0.8) } }
        for (i, x) in xs.enumerated() where abs(x) < 100 {
            let s = sinf(x * 1.7)
            XCTAssertEqual(snake[i], x + 0.8 * s * s, accuracy: 1e-6 * Swift.max(1, abs(x)), "snake(\(x))")
        }
    }

    func testWeightedSumMatchesTheDirectSum() {
        // 5 taps each reading its own offset window of one signal; lengths cover the 16-, 8- and 1-wide paths.
        let signal: [Float] = (0..<200).map { Float(($0 * 37) % 23) * 0.173 - 1.9 }
        let taps: [Float] = [0.25, -1.5, 3.0, 0.125, -0.75]
        let offsets = [0, 3, 1, 7, 2]
        for n in [0, 1, 7, 8, 15, 16, 31, 150] {
            var out = [Float](repeating: .nan, count: n)
            signal.withUnsafeBufferPointer { s in
                let sources = offsets.map { UnsafePointer(s.baseAddress! + $0) }
                sources.withUnsafeBufferPointer { src in taps.withUnsafeBufferPointer { t in
                    out.withUnsafeMutableBufferPointer { o in
                        VectorMath.weightedSum(src.baseAddress!, t.baseAddress!, taps.count, o.baseAddress!, n)
                    }
                } }
            }
            for i in 0..<n {
                let expected = zip(taps, offsets).reduce(Float(0)) { $0 + $1.0 * signal[i + $1.1] }
                XCTAssertEqual(out[i], expected, accuracy: 2e-5, "n=\(n) i=\(i)")
            }
        }
    }
}

