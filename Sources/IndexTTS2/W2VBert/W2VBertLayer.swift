// `Wav2Vec2BertEncoderLayer` (macaron conformer block, pre-norm, every LayerNorm with layer_norm_eps):
//   x = x + 0.5·ffn1(ffn1_layer_norm(x))
//   x = x + self_attn(self_attn_layer_norm(x))          key-padding mask, relative_key bias
//   x = x + conv_module(x)                               the conv module normalizes its own input
//   x = x + 0.5·ffn2(ffn2_layer_norm(x))
//   x = final_layer_norm(x)
// Keys under encoder.layers.<i>.
import Neural
import Tensors

struct W2VBertLayer: Sendable {
    let ffn1Norm: LayerNorm
    let ffn1: W2VBertFeedForward
    let attentionNorm: LayerNorm
    let attention: W2VBertRelativeKeyAttention
    let convModule: W2VBertConvolutionModule
    let ffn2Norm: LayerNorm
    let ffn2: W2VBertFeedForward
    let finalNorm: LayerNorm

    init(_ scope: WeightScope, config: W2VBertConfig) throws {
        let (h, eps) = (config.hiddenSize, config.layerNormEps)
        ffn1Norm = try LayerNorm(scope.scope("ffn1_layer_norm"), dim: h, eps: eps)
        ffn1 = try W2VBertFeedForward(scope.scope("ffn1"), config: config)
        attentionNorm = try LayerNorm(scope.scope("self_attn_layer_norm"), dim: h, eps: eps)
        attention = try W2VBertRelativeKeyAttention(scope.scope("self_attn"), config: config)
        convModule = try W2VBertConvolutionModule(scope.scope("conv_module"), config: config)
        ffn2Norm = try LayerNorm(scope.scope("ffn2_layer_norm"), dim: h, eps: eps)
        ffn2 = try W2VBertFeedForward(scope.scope("ffn2"), config: config)
        finalNorm = try LayerNorm(scope.scope("final_layer_norm"), dim: h, eps: eps)
    }

    /// x (B, T, H), valid [B][T] (nil: every frame valid) → (B, T, H)
    func callAsFunction(_ x: Tensor, valid: [[Bool]]?) -> Tensor {
        var h = x
        h.add(ffn1(ffn1Norm(h)), scale: 0.5)
        h.add(attention(attentionNorm(h), keyValid: valid))
        h.add(convModule(h, valid: valid))
        h.add(ffn2(ffn2Norm(h)), scale: 0.5)
        return finalNorm(h) // (B, T, H)
    }
}
