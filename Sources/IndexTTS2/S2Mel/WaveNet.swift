// WN (indextts/s2mel/modules/wavenet.py) as the DiT's final stage builds it: hidden C, kernel k, dilation
// rate r, n layers, gin_channels = C, non-causal, dropout off. All convs are encodec SConv1d with weight norm
// (folded at load) and REFLECT padding of the dilated kernel ((k−1)·d split left = total − total/2,
// right = total/2); the `padding=` WN passes is swallowed by SConv1d.
//   g = cond_layer(t2[:, :, None])                  (C → 2·C·n, k 1) → (B, 2Cn, 1)
//   for layer l: a = in_layers[l](x) (C → 2C, k, dilation r^l)
//                z = tanh(a[:C] + g_l[:C]) ⊙ sigmoid(a[C:] + g_l[C:]),  g_l = g[2Cl ..< 2C(l+1)] over time
//                r = res_skip_layers[l](z) (k 1; 2C wide, the last layer C wide)
//                l < n−1: x = (x + r[:C])·mask, skip += r[C:];  last: skip += r
//   out = skip · mask        (mask all ones: one length per batch)
// Computed time-major ((B, T, C) rows, `TimeMajorConv1d`), the layout of the DiT around it.
// Keys: cond_layer.conv.conv.*, in_layers.l.conv.conv.*, res_skip_layers.l.conv.conv.* ({weight_g, weight_v, bias}).
import Foundation
import Neural
import Tensors

struct WaveNet: Sendable {
    var condLayer: TimeMajorConv1d
    var inLayers: [TimeMajorConv1d]
    var resSkipLayers: [TimeMajorConv1d]
    let hidden: Int
    let maxPad: Int

    init(_ scope: WeightScope, config: S2MelConfig.WaveNet) throws {
        let c = config.hiddenDim, n = config.numLayers
        hidden = c
        condLayer = TimeMajorConv1d(try Conv1d(scope.scope("cond_layer.conv.conv"), inChannels: c, outChannels: 2 * c * n, kernelSize: 1))
        var pads: [Int] = []
        inLayers = try (0..<n).map { l in
            var dilation = 1
            for _ in 0..<l { dilation *= config.dilationRate }
            let total = (config.kernelSize - 1) * dilation
            pads.append(total - total / 2)
            let spec = Conv1dSpec(padLeft: total - total / 2, padRight: total / 2, dilation: dilation, paddingMode: .reflect)
            return TimeMajorConv1d(try Conv1d(scope.scope("in_layers.\(l).conv.conv"), inChannels: c, outChannels: 2 * c,
                                              kernelSize: config.kernelSize, spec: spec))
        }
        resSkipLayers = try (0..<n).map { l in
            TimeMajorConv1d(try Conv1d(scope.scope("res_skip_layers.\(l).conv.conv"), inChannels: c,
                                       outChannels: l < n - 1 ? 2 * c : c, kernelSize: 1))
        }
        maxPad = pads.max() ?? 0
    }

    /// x (B, T, C), time conditioning t2 (B, C) → (B, T, C)
    func callAsFunction(_ x: Tensor, condition t2: Tensor) throws -> Tensor {
        let (bsz, t, c) = (x.shape[0], x.shape[1], x.shape[2])
        guard t > maxPad else {
            // encodec's pad1d zero-extends inputs shorter than the reflect padding; IndexTTS2 never gets there.
            throw S2MelError.badInput(name: "WaveNet input", expected: "more than \(maxPad) frames for reflect padding", got: x.shape)
        }
        let g = try condLayer(t2.reshaped([bsz, 1, c])) // (B, 1, 2Cn)
        var h = x
        var skip = Tensor(zeros: [bsz, t, c]) // (B, T, C)
        for (l, (inLayer, resSkip)) in zip(inLayers, resSkipLayers).enumerated() {
            let a = try inLayer(h) // (B, T, 2C)
            let z = WaveNet.gate(a, g: g, offset: 2 * c * l, channels: c) // (B, T, C)
            let r = try resSkip(z) // (B, T, 2C or C)
            if l < inLayers.count - 1 {
                WaveNet.accumulate(&h, r, from: 0, width: c)
                WaveNet.accumulate(&skip, r, from: c, width: c)
            } else {
                skip.add(r)
            }
        }
        return skip
    }

    /// tanh(a[…, :C] + g[off ..< off+C]) ⊙ sigmoid(a[…, C:] + g[off+C ..< off+2C]) for a (B, T, 2C), g (B, 1, G).
    static func gate(_ a: Tensor, g: Tensor, offset: Int, channels c: Int) -> Tensor {
        let (bsz, t) = (a.shape[0], a.shape[1])
        let gw = g.shape[2]
        var out = Tensor(zeros: [bsz, t, c]) // (B, T, C)
        let ap = a.pointer, gp = g.pointer
        out.withUnsafeMutableBufferPointer { ob in
            let o = ob.baseAddress!
            Tensors.parallelFor(bsz * t, minChunk: 16) { rows in
                for row in rows {
                    let ta = ap + row * 2 * c, sa = ta + c
                    let tg = gp + (row / t) * gw + offset, sg = tg + c
                    let y = o + row * c
                    DiTKernels.gatedTanhSigmoid(ta, tg, sa, sg, y, c)
                }
            }
        }
        return out
    }

    /// x (B, T, C) += r[…, from ..< from + C] for r (B, T, W).
    static func accumulate(_ x: inout Tensor, _ r: Tensor, from: Int, width c: Int) {
        let rows = x.count / c, rw = r.shape[2]
        let rp = r.pointer
        x.withUnsafeMutableBufferPointer { xb in
            let xp = xb.baseAddress!
            Tensors.parallelFor(rows, minChunk: 64) { rr in
                for row in rr {
                    let src = rp + row * rw + from, dst = xp + row * c
                    for j in 0..<c { dst[j] += src[j] }
                }
            }
        }
    }
}
