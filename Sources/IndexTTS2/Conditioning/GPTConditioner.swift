// The conditioning half of UnifiedVoice (indextts/gpt/model_v2.py, condition_type "conformer_perceiver"):
//   getConditioning(spk (B, T, 1024), lengths) = perceiver_encoder(conditioning_encoder(spk), mask padded with
//       condition_num_latent leading trues) → (B, 32, model_dim)     [speech_conditioning_latent]
//   getEmoConditioning(x, lengths) = emo_perceiver_encoder(emo_conditioning_encoder(x), mask padded with one true)
//       squeezed → (B, emo_perceiver_dim)
//   getEmovec(x, lengths) = emo_layer(emovec_layer(getEmoConditioning(x)))  → (B, model_dim)
//   mergeEmovec(spk, emo, α) = base + α·(emo − base), base = getEmovec(spk), emo = getEmovec(emo)
// Speaker perceiver: dim model_dim, context output_size, heads from condition_module.attention_heads, ff_mult
// perceiver_mult; emotion perceiver: dim emo_perceiver_dim, one latent. Features are passed (B, T, D) (the
// original's transpose pairs cancel). infer_v2 passes the feature size (1024) as the length, which covers every
// frame of a ≤ 15 s prompt; callers pass real frame counts.
// Reads conditioning_encoder.*, perceiver_encoder.*, emo_conditioning_encoder.*, emo_perceiver_encoder.*,
// emovec_layer.*, emo_layer.* from the given scope (the rest of gpt.pth belongs to the GPT).
import Foundation
import Logging
import Neural
import Tensors

public final class GPTConditioner: @unchecked Sendable {
    public let config: GPTConditioningConfig
    let speakerEncoder: ConformerEncoder
    let speakerPerceiver: PerceiverResampler
    let emotionEncoder: ConformerEncoder
    let emotionPerceiver: PerceiverResampler
    let emovecLayer: Linear
    let emoLayer: Linear
    private static let logger = Logger(label: "bookvox.indextts2.gpt-conditioner")

    public init(config: GPTConditioningConfig, weights scope: WeightScope) throws {
        try config.validate()
        self.config = config
        let arch = config.architecture
        let spk = config.conditionModule, emo = config.emoConditionModule
        speakerEncoder = try ConformerEncoder(scope.scope("conditioning_encoder"), inputSize: config.condInputDim, module: spk,
                                              kernelSize: arch.cnnModuleKernel)
        speakerPerceiver = try PerceiverResampler(scope.scope("perceiver_encoder"), dim: config.modelDim, contextDim: spk.outputSize,
                                                  numLatents: config.conditionNumLatent, heads: spk.attentionHeads,
                                                  dimHead: arch.perceiverDimHead, depth: arch.perceiverDepth, ffMult: spk.perceiverMult)
        emotionEncoder = try ConformerEncoder(scope.scope("emo_conditioning_encoder"), inputSize: config.condInputDim, module: emo,
                                              kernelSize: arch.cnnModuleKernel)
        emotionPerceiver = try PerceiverResampler(scope.scope("emo_perceiver_encoder"), dim: config.emoPerceiverDim,
                                                  contextDim: emo.outputSize, numLatents: 1, heads: emo.attentionHeads,
                                                  dimHead: arch.perceiverDimHead, depth: arch.perceiverDepth, ffMult: emo.perceiverMult)
        emovecLayer = try Linear(scope.scope("emovec_layer"), inFeatures: config.emoPerceiverDim, outFeatures: config.modelDim)
        emoLayer = try Linear(scope.scope("emo_layer"), inFeatures: config.modelDim, outFeatures: config.modelDim)
        GPTConditioner.logger.debug("GPT conditioner built: \(spk.numBlocks)+\(emo.numBlocks) conformer blocks, model_dim \(config.modelDim)")
    }

    /// Speaker conformer alone: spk (B, T, D) → (out (B, T', C), valid [B][T'])
    public func speakerConformer(_ spk: Tensor, lengths: [Int]) throws -> (Tensor, [[Bool]]) {
        try speakerEncoder(spk, lengths: lengths)
    }

    /// Emotion conformer alone: x (B, T, D) → (out (B, T', C), valid [B][T'])
    public func emotionConformer(_ x: Tensor, lengths: [Int]) throws -> (Tensor, [[Bool]]) {
        try emotionEncoder(x, lengths: lengths)
    }

    /// `get_conditioning`: spk (B, T, D) → speech conditioning latents (B, condition_num_latent, model_dim)
    public func conditioning(_ spk: Tensor, lengths: [Int]) throws -> Tensor {
        let (h, valid) = try speakerEncoder(spk, lengths: lengths) // (B, T', C)
        let n = speakerPerceiver.numLatents
        return speakerPerceiver(h, keyValid: valid.map { Array(repeating: true, count: n) + $0 }) // (B, N, model_dim)
    }

    /// `get_emo_conditioning`: x (B, T, D) → (B, emo_perceiver_dim)
    public func emotionConditioning(_ x: Tensor, lengths: [Int]) throws -> Tensor {
        let (h, valid) = try emotionEncoder(x, lengths: lengths) // (B, T', C)
        let out = emotionPerceiver(h, keyValid: valid.map { [true] + $0 }) // (B, 1, E)
        return out.reshaped([out.shape[0], out.shape[2]]) // (B, E)
    }

    /// `get_emovec`: x (B, T, D) → (B, model_dim)
    public func emovec(_ x: Tensor, lengths: [Int]) throws -> Tensor {
        emoLayer(emovecLayer(try emotionConditioning(x, lengths: lengths)))
    }

    /// `merge_emovec`: base + α·(emo − base) with base from the speaker features, emo from the emotion features.
    public func mergeEmovec(speaker: Tensor, speakerLengths: [Int], emotion: Tensor, emotionLengths: [Int],
                            alpha: Float = 1) throws -> Tensor {
        let emo = try emovec(emotion, lengths: emotionLengths)
        let base = try emovec(speaker, lengths: speakerLengths)
        return GPTConditioner.merge(base: base, emotion: emo, alpha: alpha)
    }

    /// base + α·(emo − base), elementwise in float32 like the original.
    public static func merge(base: Tensor, emotion: Tensor, alpha: Float) -> Tensor {
        base + (emotion - base) * alpha
    }
}
