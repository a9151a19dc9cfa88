// Self-attention shared by the 12 Hz tokenizer's encoder and decoder transformers (keys
// `self_attn.{q,k,v,o}_proj`): q/k/v project hidden → heads·head_dim, rotate-half RoPE on the whole
// head, scaled dot-product attention under the caller's mask (GQA when kv heads < heads), o_proj back.
import Neural
import Tensors

struct CodecSelfAttention: Sendable {
    let qProj: Linear, kProj: Linear, vProj: Linear, oProj: Linear
    let heads: Int, kvHeads: Int, headDim: Int

    /// `scope` is the layer's `self_attn`.
    init(_ scope: WeightScope, hidden h: Int, heads: Int, kvHeads: Int, headDim: Int, bias: Bool) throws {
        self.heads = heads
        self.kvHeads = kvHeads
        self.headDim = headDim
        qProj = try Linear(scope.scope("q_proj"), inFeatures: h, outFeatures: heads * headDim, bias: bias)
        kProj = try Linear(scope.scope("k_proj"), inFeatures: h, outFeatures: kvHeads * headDim, bias: bias)
        vProj = try Linear(scope.scope("v_proj"), inFeatures: h, outFeatures: kvHeads * headDim, bias: bias)
        oProj = try Linear(scope.scope("o_proj"), inFeatures: heads * headDim, outFeatures: h, bias: bias)
    }

    /// n (B, T, hidden), the normed layer input → (B, T, hidden)
    func callAsFunction(_ n: Tensor, rope: RotaryEmbedding, positions: [Int], mask: AttentionMask) -> Tensor {
        let (bsz, t) = (n.shape[0], n.shape[1])
        var q = qProj(n).reshaped([bsz, t, heads, headDim]).transposed(1, 2)   // (B, H, T, D)
        var k = kProj(n).reshaped([bsz, t, kvHeads, headDim]).transposed(1, 2) // (B, Hkv, T, D)
        let v = vProj(n).reshaped([bsz, t, kvHeads, headDim]).transposed(1, 2) // (B, Hkv, T, D)
        rope.apply(&q, positions: positions, timeAxis: 2)
        rope.apply(&k, positions: positions, timeAxis: 2)
        let ctx = Attention.scaledDotProduct(q: q, k: k, v: v, mask: mask) // (B, H, T, D)
        return oProj(ctx.transposed(1, 2).reshaped([bsz, t, heads * headDim])) // (B, T, hidden)
    }
}
