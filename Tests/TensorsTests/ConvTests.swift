import XCTest
@testable import Tensors

/// Convolutions against direct loops written from torch's definitions.
final class ConvTests: XCTestCase {
    func naiveConv1d(_ x: Tensor, _ w: Tensor, _ b: Tensor?, stride: Int, padL: Int, padR: Int, dil: Int, groups: Int,
                     mode: PaddingMode) -> Tensor {
        let (bs, cin, l) = (x.shape[0], x.shape[1], x.shape[2])
        let (cout, cinG, k) = (w.shape[0], w.shape[1], w.shape[2])
        let lout = (l + padL + padR - dil * (k - 1) - 1) / stride + 1
        var out = [Float](repeating: 0, count: bs * cout * lout)
        func xAt(_ b: Int, _ c: Int, _ i: Int) -> Float {
            var j = i
            if j < 0 || j >= l {
                switch mode {
                case .zeros: return 0
                case .replicate: j = Swift.min(Swift.max(j, 0), l - 1)
                case .reflect: j = j < 0 ? -j : 2 * (l - 1) - j
                }
            }
            return x[flat: (b * cin + c) * l + j]
        }
        for bi in 0..<bs { for co in 0..<cout {
            let g = co / (cout / groups)
            for t in 0..<lout {
                var s = Double(b?[flat: co] ?? 0)
                for ci in 0..<cinG { for kk in 0..<k {
                    s += Double(w[flat: (co * cinG + ci) * k + kk]) * Double(xAt(bi, g * cinG + ci, t * stride + kk * dil - padL))
                } }
                out[(bi * cout + co) * lout + t] = Float(s)
            }
        } }
        return Tensor(shape: [bs, cout, lout], data: out)
    }

    func testConv1dStrideDilationGroupsPadding() {
        var rng = TestRNG(3)
        let configs: [(cin: Int, cout: Int, k: Int, s: Int, pl: Int, pr: Int, d: Int, g: Int, mode: PaddingMode)] = [
            (4, 6, 3, 1, 1, 1, 1, 1, .zeros),
            (4, 6, 5, 2, 2, 2, 1, 1, .zeros),
            (6, 4, 3, 1, 3, 3, 3, 2, .reflect),
            (4, 4, 7, 1, 6, 0, 1, 4, .replicate),   // depthwise, causal-style left padding
            (4, 8, 3, 1, 2, 2, 2, 4, .zeros),       // depthwise with channel multiplier 2
            (3, 5, 1, 1, 0, 0, 1, 1, .zeros),       // pointwise
            (5, 3, 4, 3, 2, 1, 2, 1, .replicate),
        ]
        for cfg in configs {
            let x = rng.tensor([2, cfg.cin, 17])
            let w = rng.tensor([cfg.cout, cfg.cin / cfg.g, cfg.k])
            let b = rng.tensor([cfg.cout])
            let spec = Conv1dSpec(stride: cfg.s, padLeft: cfg.pl, padRight: cfg.pr, dilation: cfg.d, groups: cfg.g,
                                  paddingMode: cfg.mode)
            let got = x.conv1d(weight: w, bias: b, spec: spec)
            let want = naiveConv1d(x, w, b, stride: cfg.s, padL: cfg.pl, padR: cfg.pr, dil: cfg.d, groups: cfg.g, mode: cfg.mode)
            XCTAssertEqual(got.shape, want.shape, "\(cfg)")
            assertClose(got.array, want.array, atol: 1e-5, "\(cfg)")
            let r = rng.tensor(want.shape)
            let withResidual = x.conv1d(weight: w, bias: b, spec: spec, residual: r)
            assertClose(withResidual.array, (want + r).array, atol: 1e-5, "residual \(cfg)")
        }
    }

    func testConv1dHandExample() {
        // x = [1, 2, 3, 4], w = [1, 0, −1], dilation 2, zero padding 2 → y[t] = x[t−2] − x[t+2]
        let x = Tensor(shape: [1, 1, 4], data: [1, 2, 3, 4])
        let w = Tensor(shape: [1, 1, 3], data: [1, 0, -1])
        XCTAssertEqual(x.conv1d(weight: w, padding: 2, dilation: 2).array, [-3, -4, 1, 2])
    }

    func naiveConvTranspose1d(_ x: Tensor, _ w: Tensor, _ b: Tensor?, stride: Int, pad: Int, outPad: Int, dil: Int,
                              groups: Int) -> Tensor {
        let (bs, cin, l) = (x.shape[0], x.shape[1], x.shape[2])
        let (coutG, k) = (w.shape[1], w.shape[2])
        let cout = coutG * groups, cinG = cin / groups
        let lout = (l - 1) * stride - 2 * pad + dil * (k - 1) + outPad + 1
        var out = [Double](repeating: 0, count: bs * cout * lout)
        for bi in 0..<bs { for ci in 0..<cin {
            let g = ci / cinG
            for t in 0..<l { for co in 0..<coutG { for kk in 0..<k {
                let pos = t * stride + kk * dil - pad
                if pos < 0 || pos >= lout { continue }
                out[(bi * cout + g * coutG + co) * lout + pos] += Double(x[flat: (bi * cin + ci) * l + t]) * Double(w[flat: (ci * coutG + co) * k + kk])
            } } }
        } }
        if let b { for bi in 0..<bs { for co in 0..<cout { for t in 0..<lout { out[(bi * cout + co) * lout + t] += Double(b[flat: co]) } } } }
        return Tensor(shape: [bs, cout, lout], data: out.map(Float.init))
    }

    func testConvTranspose1dAgainstNaive() {
        var rng = TestRNG(4)
        let configs: [(cin: Int, cout: Int, k: Int, s: Int, p: Int, op: Int, d: Int, g: Int)] = [
            (4, 6, 8, 4, 2, 0, 1, 1),   // BigVGAN-style k = 2u, padding (k − u)/2
            (4, 2, 4, 2, 1, 1, 1, 1),
            (6, 4, 3, 1, 0, 0, 2, 2),
            (3, 3, 12, 2, 0, 0, 1, 3),  // depthwise, as UpSample1d uses it
        ]
        for cfg in configs {
            let x = rng.tensor([2, cfg.cin, 9])
            let w = rng.tensor([cfg.cin, cfg.cout / cfg.g, cfg.k])
            let b = rng.tensor([cfg.cout])
            let got = x.convTranspose1d(weight: w, bias: b, stride: cfg.s, padding: cfg.p, outputPadding: cfg.op,
                                        dilation: cfg.d, groups: cfg.g)
            let want = naiveConvTranspose1d(x, w, b, stride: cfg.s, pad: cfg.p, outPad: cfg.op, dil: cfg.d, groups: cfg.g)
            XCTAssertEqual(got.shape, want.shape, "\(cfg)")
            assertClose(got.array, want.array, atol: 1e-5, "\(cfg)")
        }
    }

    func testConv2dAgainstNaive() {
        var rng = TestRNG(5)
        let x = rng.tensor([2, 4, 7, 6])
        for (g, s, p, d) in [(1, (1, 1), (1, 1), (1, 1)), (2, (2, 1), (0, 2), (1, 2)), (4, (1, 2), (1, 0), (2, 1))] {
            let w = rng.tensor([4, 4 / g, 3, 3])
            let b = rng.tensor([4])
            let got = x.conv2d(weight: w, bias: b, spec: Conv2dSpec(stride: s, padding: p, dilation: d, groups: g))
            let ho = (7 + 2 * p.0 - d.0 * 2 - 1) / s.0 + 1, wo = (6 + 2 * p.1 - d.1 * 2 - 1) / s.1 + 1
            XCTAssertEqual(got.shape, [2, 4, ho, wo])
            var want = [Float]()
            for bi in 0..<2 { for co in 0..<4 { for oy in 0..<ho { for ox in 0..<wo {
                var sum = Double(b[flat: co])
                let cg = 4 / g, gi = co / (4 / g)
                for ci in 0..<cg { for i in 0..<3 { for j in 0..<3 {
                    let iy = oy * s.0 + i * d.0 - p.0, ix = ox * s.1 + j * d.1 - p.1
                    if iy < 0 || iy >= 7 || ix < 0 || ix >= 6 { continue }
                    sum += Double(w[flat: ((co * cg + ci) * 3 + i) * 3 + j]) * Double(x[flat: ((bi * 4 + gi * cg + ci) * 7 + iy) * 6 + ix])
                } } }
                want.append(Float(sum))
            } } } }
            assertClose(got.array, want, atol: 1e-5, "groups \(g)")
        }
    }

    func testResultsIndependentOfThreadCount() {
        var rng = TestRNG(6)
        let x = rng.tensor([1, 64, 3000]), w = rng.tensor([48, 64, 7]), b = rng.tensor([48])
        let a = rng.tensor([300, 200]), m = rng.tensor([200, 500])
        let saved = Tensors.threadCount
        defer { Tensors.threadCount = saved }
        var results: [[[Float]]] = []
        for threads in [1, 2, 3] {
            Tensors.threadCount = threads
            let c = x.conv1d(weight: w, bias: b, padding: 9, dilation: 3)
            let t = c.convTranspose1d(weight: rng.tensorSeeded([48, 16, 8], seed: 9), stride: 4, padding: 2)
            let mm = a.matmul(m)
            let sm = mm.softmax()
            let ln = x.reshaped([64, 3000]).layerNorm(weight: nil, bias: nil, eps: 1e-5)
            results.append([c.array, t.array, mm.array, sm.array, ln.array])
        }
        for r in 1..<results.count {
            for (i, name) in ["conv1d", "convTranspose1d", "matmul", "softmax", "layerNorm"].enumerated() {
                let d = zip(results[0][i], results[r][i]).map { abs($0 - $1) }.max() ?? 0
                XCTAssertEqual(d, 0, "\(name) differs between 1 and \([1, 2, 3][r]) threads")
            }
        }
    }
}

extension TestRNG {
    func tensorSeeded(_ shape: [Int], seed: UInt64) -> Tensor {
        var r = TestRNG(seed)
        return r.tensor(shape)
    }
}
