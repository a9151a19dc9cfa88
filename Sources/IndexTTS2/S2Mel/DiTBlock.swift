// gpt_fast TransformerBlock as the DiT configures it (no cross-attention, time embedding as AdaLN condition):
//   if a U-ViT skip arrives: x = skip_in_linear([x ‖ skip])   (2D → D)
//   h   = x + Attention(AdaLN_attn(x, t1))
//   out = h + FeedForward(AdaLN_ffn(h, t1))
// Every block carries skip_in_linear weights (uvit_skip_connection); only the receiving half uses them.
// Keys: attention.*, feed_forward.*, attention_norm.*, ffn_norm.*, skip_in_linear.{weight,bias}.
import Neural
import Tensors

struct DiTBlock: Sendable {
    var attention: DiTAttention
    var feedForward: DiTFeedForward
    let attentionNorm: AdaptiveRMSNorm
    let ffnNorm: AdaptiveRMSNorm
    let skipIn: Linear?
    /// skip_in_linear as a bf16 oneDNN matmul (DiTFastPath.bf16); nil: OpenBLAS sgemm.
    var fastSkipIn: DNNLMatmul?

    init(_ scope: WeightScope, dim: Int, heads: Int, intermediate: Int, eps: Float, uvitSkip: Bool) throws {
        attention = try DiTAttention(scope.scope("attention"), dim: dim, heads: heads)
        feedForward = try DiTFeedForward(scope.scope("feed_forward"), dim: dim, intermediate: intermediate)
        attentionNorm = try AdaptiveRMSNorm(scope.scope("attention_norm"), dim: dim, eps: eps)
        ffnNorm = try AdaptiveRMSNorm(scope.scope("ffn_norm"), dim: dim, eps: eps)
        skipIn = uvitSkip ? try Linear(scope.scope("skip_in_linear"), inFeatures: 2 * dim, outFeatures: dim) : nil
    }

    /// Both AdaLN modulations for time embedding c (B, D): (attention (B, 2D), ffn (B, 2D)).
    func modulations(_ c: Tensor) -> (Tensor, Tensor) { (attentionNorm.modulation(c), ffnNorm.modulation(c)) }

    /// x (B, T, D) → (B, T, D)
    func callAsFunction(_ x: Tensor, modulations m: (Tensor, Tensor), rope: DiTRoPE, skip: Tensor?) throws -> Tensor {
        var x = x
        if let skip {
            guard let skipIn else { preconditionFailure("U-ViT skip given to a block built without skip_in_linear") }
            let joined = Tensor.concat([x, skip], axis: 2) // (B, T, 2D)
            x = try fastSkipIn?(joined) ?? skipIn(joined) // (B, T, D)
        }
        var h = try attention(attentionNorm(x, modulation: m.0), rope: rope) // (B, T, D)
        h.add(x)
        var out = try feedForward(ffnNorm(h, modulation: m.1)) // (B, T, D)
        out.add(h)
        return out
    }
}
