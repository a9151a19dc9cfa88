// PerceiverResampler of indextts/gpt/perceiver.py (after lucidrains' naturalspeech2), non-flash path:
//   context = proj_context(x) (Linear dim_context → dim, present only when the widths differ)
//   latents (N, dim) repeated over the batch; `depth` times:
//     latents = Attn(latents, context) + latents;  latents = FF(latents) + latents
//   out = F.normalize(latents, dim=−1) · √dim · gamma      (L2 normalisation, eps 1e-12 — not mean-square RMS)
// Attn (no biases): q = to_q(latents); k | v = to_kv([latents ; context]) split in halves (keys include the
//   latents: cross_attn_include_queries); heads of dim_head, "(h d)" head-major; sim = q·kᵀ · dim_head^−½;
//   masked keys → −float32.max; softmax; to_out.
// FF: Linear(dim → 2·inner) → GEGLU (value | gate halves, value · gelu_erf(gate)) → Linear(inner → dim),
//   inner = int(dim · mult · 2/3).
// Keys: proj_context.*, latents, layers.j.0.{to_q,to_kv,to_out}.weight, layers.j.1.0.*, layers.j.1.2.*, norm.gamma.
import Foundation
import Neural
import Tensors

struct PerceiverResampler: Sendable {
    struct Layer: Sendable {
        let toQ: Linear
        let toKV: Linear
        let toOut: Linear
        let ff1: Linear
        let ff2: Linear
    }

    let projContext: Linear?
    let latents: Tensor // (N, dim)
    let layers: [Layer]
    let gamma: Tensor // (dim)
    let heads: Int
    let dimHead: Int

    init(_ scope: WeightScope, dim: Int, contextDim: Int, numLatents: Int, heads: Int, dimHead: Int, depth: Int,
         ffMult: Int) throws {
        projContext = contextDim != dim
            ? try Linear(scope.scope("proj_context"), inFeatures: contextDim, outFeatures: dim) : nil
        latents = try scope.tensor("latents", shape: [numLatents, dim])
        let inner = heads * dimHead
        let ffInner = Int(Double(dim * ffMult) * 2.0 / 3.0)
        layers = try (0..<depth).map { j in
            let l = scope.scope("layers.\(j)")
            return Layer(toQ: try Linear(l.scope("0.to_q"), inFeatures: dim, outFeatures: inner, bias: false),
                         toKV: try Linear(l.scope("0.to_kv"), inFeatures: dim, outFeatures: 2 * inner, bias: false),
                         toOut: try Linear(l.scope("0.to_out"), inFeatures: inner, outFeatures: dim, bias: false),
                         ff1: try Linear(l.scope("1.0"), inFeatures: dim, outFeatures: 2 * ffInner),
                         ff2: try Linear(l.scope("1.2"), inFeatures: ffInner, outFeatures: dim))
        }
        gamma = try scope.scope("norm").tensor("gamma", shape: [dim])
        self.heads = heads
        self.dimHead = dimHead
    }

    var numLatents: Int { latents.shape[0] }
    var dim: Int { latents.shape[1] }

    /// (B, T, h·d) → (B, h, T, d)
    func splitHeads(_ x: Tensor) -> Tensor {
        x.reshaped([x.shape[0], x.shape[1], heads, dimHead]).permuted([0, 2, 1, 3])
    }

    /// x (B, T, dim_context), keyValid [B][N + T] → (B, N, dim)
    func callAsFunction(_ x: Tensor, keyValid: [[Bool]]) -> Tensor {
        let b = x.shape[0]
        let context = projContext.map { $0(x) } ?? x // (B, T, dim)
        var lat = Tensor.concat(Array(repeating: latents.reshaped([1, numLatents, dim]), count: b), axis: 0) // (B, N, dim)
        // −float32.max rather than −inf: a masked key gets weight exp(−max − m) = 0, exactly like excluding it.
        let mask = AttentionMask(keyValid: keyValid)
        for layer in layers {
            let kv = layer.toKV(Tensor.concat([lat, context], axis: 1)) // (B, N + T, 2·inner)
            let halves = kv.split(axis: 2, sizes: [heads * dimHead, heads * dimHead])
            let q = splitHeads(layer.toQ(lat)) // (B, h, N, d)
            let att = Attention.scaledDotProduct(q: q, k: splitHeads(halves[0]), v: splitHeads(halves[1]), mask: mask,
                                                 scale: 1 / Float(dimHead).squareRoot()) // (B, h, N, d)
            lat.add(layer.toOut(att.permuted([0, 2, 1, 3]).reshaped([b, numLatents, heads * dimHead])))
            lat.add(feedForward(layer, lat))
        }
        return norm(lat)
    }

    /// GEGLU feed-forward: (B, N, dim) → (B, N, dim)
    func feedForward(_ layer: Layer, _ x: Tensor) -> Tensor {
        let h = layer.ff1(x) // (B, N, 2·inner)
        let inner = h.shape[2] / 2
        var g = Tensor(zeros: Array(h.shape.dropLast()) + [inner]) // (B, N, inner)
        let src = h.pointer
        g.withUnsafeMutableBufferPointer { o in
            for row in 0..<(h.count / (2 * inner)) {
                for j in 0..<inner {
                    let value = src[row * 2 * inner + j], gate = src[row * 2 * inner + inner + j]
                    o[row * inner + j] = Activation.gelu.scalar(gate) * value
                }
            }
        }
        return layer.ff2(g)
    }

    /// F.normalize(x, dim=−1) · √dim · gamma
    func norm(_ x: Tensor) -> Tensor {
        let d = dim
        let scale = Float(Double(d).squareRoot())
        var out = x
        let gp = gamma.pointer
        out.withUnsafeMutableBufferPointer { buf in
            for row in 0..<(x.count / d) {
                var s: Float = 0
                for j in 0..<d { s += buf[row * d + j] * buf[row * d + j] }
                let n = Swift.max(s.squareRoot(), 1e-12)
                for j in 0..<d { buf[row * d + j] = buf[row * d + j] / n * scale * gp[j] }
            }
        }
        return out
    }
}
