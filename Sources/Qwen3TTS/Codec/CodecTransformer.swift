// The decoder's pre-transformer, mirroring `Qwen3TTSTokenizerV2DecoderTransformerModel` and its layers.
//
//   x = input_proj(x)                                              latent → hidden (bias)
//   per layer:  x += attn_scale ⊙ Attn(RMSNorm(x))                 LayerScale per channel
//               x += mlp_scale  ⊙ down(act(gate(h)) ⊙ up(h)), h = RMSNorm(x)
//   out = output_proj(RMSNorm(x))                                  hidden → latent (bias)
// Attention: q/k/v project hidden → heads·head_dim (explicit head_dim), no q/k norm, rotate-half RoPE
// (θ = rope_theta) on the whole head with positions 0…T−1 restarting at every call, scale head_dim^−½,
// sliding-window causal mask: key j visible to query i iff i − window < j ≤ i (every layer is
// "sliding_attention"). RMSNorm: x / √(mean(x²) + eps) · weight.
import Foundation
import Neural
import Tensors

struct CodecTransformerLayer: Sendable {
    let inputNorm: RMSNorm
    let postAttentionNorm: RMSNorm
    let attention: CodecSelfAttention
    let gateProj: Linear, upProj: Linear, downProj: Linear
    let attnScale: Tensor // (hidden)
    let mlpScale: Tensor  // (hidden)
    let act: Activation

    init(_ scope: WeightScope, config c: Qwen3CodecDecoderConfig) throws {
        let h = c.hiddenSize
        guard let a = Activation(name: c.hiddenAct) else {
            throw Qwen3CodecError.invalidConfig(key: "hidden_act", reason: "unsupported activation '\(c.hiddenAct)'")
        }
        act = a
        inputNorm = try RMSNorm(scope.scope("input_layernorm"), dim: h, eps: c.rmsNormEps)
        postAttentionNorm = try RMSNorm(scope.scope("post_attention_layernorm"), dim: h, eps: c.rmsNormEps)
        attention = try CodecSelfAttention(scope.scope("self_attn"), hidden: h, heads: c.numAttentionHeads,
                                           kvHeads: c.numKeyValueHeads, headDim: c.headDim, bias: c.attentionBias)
        let mlp = scope.scope("mlp")
        gateProj = try Linear(mlp.scope("gate_proj"), inFeatures: h, outFeatures: c.intermediateSize, bias: false)
        upProj = try Linear(mlp.scope("up_proj"), inFeatures: h, outFeatures: c.intermediateSize, bias: false)
        downProj = try Linear(mlp.scope("down_proj"), inFeatures: c.intermediateSize, outFeatures: h, bias: false)
        attnScale = try scope.tensor("self_attn_layer_scale.scale", shape: [h])
        mlpScale = try scope.tensor("mlp_layer_scale.scale", shape: [h])
    }

    /// x (B, T, hidden) → (B, T, hidden)
    func callAsFunction(_ x: Tensor, rope: RotaryEmbedding, positions: [Int], window: Int?) -> Tensor {
        let mask = AttentionMask(causal: true, slidingWindow: window)
        let attnOut = attention(inputNorm(x), rope: rope, positions: positions, mask: mask) // (B, T, hidden)
        var h = x
        h.add(attnOut * attnScale)
        let m = postAttentionNorm(h) // (B, T, hidden)
        var gate = gateProj(m) // (B, T, I)
        act.apply(&gate)
        let mlpOut = downProj(gate * upProj(m)) // (B, T, hidden)
        h.add(mlpOut * mlpScale)
        return h
    }
}

struct CodecTransformer: Sendable {
    let inputProj: Linear
    let outputProj: Linear
    let layers: [CodecTransformerLayer]
    let norm: RMSNorm
    let rope: RotaryEmbedding
    let window: Int?

    /// `scope` is `decoder.pre_transformer`.
    init(_ scope: WeightScope, config c: Qwen3CodecDecoderConfig) throws {
        inputProj = try Linear(scope.scope("input_proj"), inFeatures: c.latentDim, outFeatures: c.hiddenSize)
        outputProj = try Linear(scope.scope("output_proj"), inFeatures: c.hiddenSize, outFeatures: c.latentDim)
        layers = try (0..<c.numHiddenLayers).map { try CodecTransformerLayer(scope.scope("layers.\($0)"), config: c) }
        norm = try RMSNorm(scope.scope("norm"), dim: c.hiddenSize, eps: c.rmsNormEps)
        rope = RotaryEmbedding(rotaryDim: c.headDim, base: c.ropeTheta, layout: .rotateHalf)
        window = c.slidingWindow
    }

    /// x (B, T, latent) → (B, T, latent)
    func callAsFunction(_ x: Tensor) -> Tensor {
        let positions = Array(0..<x.shape[1])
        var h = inputProj(x) // (B, T, hidden)
        for layer in layers { h = layer(h, rope: rope, positions: positions, window: window) }
        return outputProj(norm(h)) // (B, T, latent)
    }
}
