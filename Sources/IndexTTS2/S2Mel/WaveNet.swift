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
// Keys: cond_layer.conv.conv.*, in_layers.l.conv.conv.*, res_skip_layers.l.conv.conv.* ({weight_g, weight_v, bias}).
import Foundation
import Neural
import Tensors

struct WaveNet: Sendable {
    let condLayer: Conv1d
    let inLayers: [Conv1d]
    let resSkipLayers: [Conv1d]
    let hidden: Int

    init(_ scope: WeightScope, config: S2MelConfig.WaveNet) throws {
        let c = config.hiddenDim, n = config.numLayers
        hidden = c
        condLayer = try Conv1d(scope.scope("cond_layer.conv.conv"), inChannels: c, outChannels: 2 * c * n, kernelSize: 1)
        inLayers = try (0..<n).map { l in
            var dilation = 1
            for _ in 0..<l { dilation *= config.dilationRate }
            let total = (config.kernelSize - 1) * dilation
            let spec = Conv1dSpec(padLeft: total - total / 2, padRight: total / 2, dilation: dilation, paddingMode: .reflect)
            return try Conv1d(scope.scope("in_layers.\(l).conv.conv"), inChannels: c, outChannels: 2 * c,
                              kernelSize: config.kernelSize, spec: spec)
        }
        resSkipLayers = try (0..<n).map { l in
            try Conv1d(scope.scope("res_skip_layers.\(l).conv.conv"), inChannels: c, outChannels: l < n - 1 ? 2 * c : c, kernelSize: 1)
        }
    }

    /// x (B, C, T), time conditioning t2 (B, C) → (B, C, T)
    func callAsFunction(_ x: Tensor, condition t2: Tensor) throws -> Tensor {
        let (bsz, c, t) = (x.shape[0], x.shape[1], x.shape[2])
        let maxPad = inLayers.map { Swift.max($0.spec.padLeft, $0.spec.padRight) }.max() ?? 0
        guard t > maxPad else {
            // encodec's pad1d zero-extends inputs shorter than the reflect padding; IndexTTS2 never gets there.
            throw S2MelError.badInput(name: "WaveNet input", expected: "more than \(maxPad) frames for reflect padding", got: x.shape)
        }
        let g = condLayer(t2.reshaped([bsz, c, 1])) // (B, 2Cn, 1)
        var h = x
        var skip = Tensor(zeros: [bsz, c, t]) // (B, C, T)
        for (l, (inLayer, resSkip)) in zip(inLayers, resSkipLayers).enumerated() {
            let a = inLayer(h) // (B, 2C, T)
            let z = WaveNet.gate(a, g: g, offset: 2 * c * l, channels: c) // (B, C, T)
            let r = resSkip(z) // (B, 2C or C, T)
            if l < inLayers.count - 1 {
                let parts = r.split(axis: 1, sizes: [c, c])
                h.add(parts[0])
                skip.add(parts[1])
            } else {
                skip.add(r)
            }
        }
        return skip
    }

    /// tanh(a[:, :C] + g[off ..< off+C]) ⊙ sigmoid(a[:, C:] + g[off+C ..< off+2C]) with g (B, G, 1) broadcast over time.
    static func gate(_ a: Tensor, g: Tensor, offset: Int, channels c: Int) -> Tensor {
        let (bsz, t) = (a.shape[0], a.shape[2])
        let gw = g.shape[1]
        var out = Tensor(zeros: [bsz, c, t]) // (B, C, T)
        let ap = a.pointer, gp = g.pointer
        out.withUnsafeMutableBufferPointer { ob in
            let o = ob.baseAddress!
            Tensors.parallelFor(bsz * c, minChunk: 4) { rows in
                for row in rows {
                    let (b, ch) = (row / c, row % c)
                    let ta = ap + (b * 2 * c + ch) * t, sa = ap + (b * 2 * c + c + ch) * t
                    let tg = gp[b * gw + offset + ch], sg = gp[b * gw + offset + c + ch]
                    let y = o + row * t
                    for j in 0..<t { y[j] = tanhf(ta[j] + tg) * DiTKernels.sigmoid(sa[j] + sg) }
                }
            }
        }
        return out
    }
}
