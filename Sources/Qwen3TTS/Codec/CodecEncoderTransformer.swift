// The encoder transformer of the 12 Hz tokenizer, mirroring transformers `MimiTransformerModel` /
// `MimiTransformerLayer` (keys `encoder.encoder_transformer.layers.N`), run channels-last on the 25 Hz
// SEANet features.
//
//   per layer:  x += attn_scale ⊙ o_proj(Attn(LayerNorm(x)))      LayerNorm with bias, eps = norm_eps
//               x += mlp_scale  ⊙ fc2(GELU(fc1(LayerNorm(x))))    fc1/fc2 without bias, exact-erf GELU
//   no final norm.
// Attention: heads × head_dim, projections biased only when attention_bias, rotate-half RoPE (θ = rope_theta)
// over the whole head with positions 0…T−1, scale head_dim^−½.
// Mask: transformers 4.57.3 builds a plain causal mask for the eager and SDPA paths (the CPU paths);
// `sliding_window` (250) is only honoured by flash-attention, so it is NOT applied here. The parity case
// records the same (manifest notes of qwen3tts/speech_tokenizer_encoder_tiny).
import Foundation
import Neural
import Tensors

struct CodecEncoderTransformerLayer: Sendable {
    let inputNorm: LayerNorm
    let postAttentionNorm: LayerNorm
    let qProj: Linear, kProj: Linear, vProj: Linear, oProj: Linear
    let fc1: Linear, fc2: Linear
    let attnScale: Tensor // (hidden)
    let mlpScale: Tensor  // (hidden)
    let heads: Int, kvHeads: Int, headDim: Int
    let act: Activation

    init(_ scope: WeightScope, config c: Qwen3CodecEncoderConfig) throws {
        let h = c.hiddenSize
        heads = c.numAttentionHeads
        kvHeads = c.numKeyValueHeads
        headDim = c.headDim
        guard let a = Activation(name: c.hiddenAct) else {
            throw Qwen3CodecError.invalidConfig(key: "encoder_config.hidden_act", reason: "unsupported activation '\(c.hiddenAct)'")
        }
        act = a
        inputNorm = try LayerNorm(scope.scope("input_layernorm"), dim: h, eps: c.normEps)
        postAttentionNorm = try LayerNorm(scope.scope("post_attention_layernorm"), dim: h, eps: c.normEps)
        let attn = scope.scope("self_attn")
        qProj = try Linear(attn.scope("q_proj"), inFeatures: h, outFeatures: heads * headDim, bias: c.attentionBias)
        kProj = try Linear(attn.scope("k_proj"), inFeatures: h, outFeatures: kvHeads * headDim, bias: c.attentionBias)
        vProj = try Linear(attn.scope("v_proj"), inFeatures: h, outFeatures: kvHeads * headDim, bias: c.attentionBias)
        oProj = try Linear(attn.scope("o_proj"), inFeatures: heads * headDim, outFeatures: h, bias: c.attentionBias)
        fc1 = try Linear(scope.scope("mlp.fc1"), inFeatures: h, outFeatures: c.intermediateSize, bias: false)
        fc2 = try Linear(scope.scope("mlp.fc2"), inFeatures: c.intermediateSize, outFeatures: h, bias: false)
        attnScale = try scope.tensor("self_attn_layer_scale.scale", shape: [h])
        mlpScale = try scope.tensor("mlp_layer_scale.scale", shape: [h])
    }

    /// x (B, T, hidden) → (B, T, hidden)
    func callAsFunction(_ x: Tensor, rope: RotaryEmbedding, positions: [Int]) -> Tensor {
        let (bsz, t) = (x.shape[0], x.shape[1])
        let n = inputNorm(x) // (B, T, hidden)
        var q = qProj(n).reshaped([bsz, t, heads, headDim]).transposed(1, 2)   // (B, H, T, D)
        var k = kProj(n).reshaped([bsz, t, kvHeads, headDim]).transposed(1, 2) // (B, Hkv, T, D)
        let v = vProj(n).reshaped([bsz, t, kvHeads, headDim]).transposed(1, 2) // (B, Hkv, T, D)
        rope.apply(&q, positions: positions, timeAxis: 2)
        rope.apply(&k, positions: positions, timeAxis: 2)
        let ctx = Attention.scaledDotProduct(q: q, k: k, v: v, mask: AttentionMask(causal: true)) // (B, H, T, D)
        let attnOut = oProj(ctx.transposed(1, 2).reshaped([bsz, t, heads * headDim])) // (B, T, hidden)
        var h = x
        h.add(attnOut * attnScale)
        var m = fc1(postAttentionNorm(h)) // (B, T, I)
        act.apply(&m)
        h.add(fc2(m) * mlpScale) // (B, T, hidden)
        return h
    }
}

struct CodecEncoderTransformer: Sendable {
    let layers: [CodecEncoderTransformerLayer]
    let rope: RotaryEmbedding

    /// `scope` is `encoder.encoder_transformer`.
    init(_ scope: WeightScope, config c: Qwen3CodecEncoderConfig) throws {
        layers = try (0..<c.numHiddenLayers).map { try CodecEncoderTransformerLayer(scope.scope("layers.\($0)"), config: c) }
        rope = RotaryEmbedding(rotaryDim: c.headDim, base: c.ropeTheta, layout: .rotateHalf)
    }

    /// x (B, T, hidden) → (B, T, hidden)
    func callAsFunction(_ x: Tensor) -> Tensor {
        let positions = Array(0..<x.shape[1])
        var h = x
        for layer in layers { h = layer(h, rope: rope, positions: positions) }
        return h
    }
}
