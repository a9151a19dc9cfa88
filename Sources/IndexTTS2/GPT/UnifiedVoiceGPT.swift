// UnifiedVoice (indextts/gpt/model_v2.py) for inference: the conditioning half (GPTConditioner: conformers,
// perceivers, emovec) plus the autoregressive half — embeddings, GPT-2 backbone, final_norm and mel_head.
// Batch size 1 (one text segment at a time, as infer_v2 runs it).
//
// Checkpoint: gpt.pth's "model" dict (or a safetensors conversion of it). Besides the keys read here,
// checkpoints written by older transformers may carry `gpt.h.<i>.attn.bias` / `masked_bias` buffers,
// `gpt.wte.weight` and `inference_model.*` aliases; pass `UnifiedVoiceGPT.ignorableKeys(layers:)` to
// `WeightStore.finish(ignoring:)`.
import Foundation
import Logging
import Neural
import Tensors

public final class UnifiedVoiceGPT: @unchecked Sendable {
    public let config: UnifiedVoiceConfig
    public let conditioner: GPTConditioner
    public let gpt: GPT2Model
    let embeddings: UnifiedVoiceEmbeddings
    let heads: UnifiedVoiceHeads
    static let logger = Logger(label: "bookvox.indextts2.gpt")

    /// Keys a real gpt.pth may hold that inference does not use (aliases made by post_init_gpt2_config,
    /// and the causal-mask buffers older transformers registered per layer; none carries a parameter).
    public static func ignorableKeys(layers: Int) -> [String] {
        ["inference_model.", "gpt.wte.", "gpt.wpe."]
            + (0..<layers).flatMap { ["gpt.h.\($0).attn.bias", "gpt.h.\($0).attn.masked_bias"] }
    }

    public init(config: UnifiedVoiceConfig, conditioning: GPTConditioningConfig, weights scope: WeightScope,
                kernel: Conv1DKernel = .decodeDefault) throws {
        try config.validate()
        guard conditioning.modelDim == config.modelDim else {
            throw GPTError.badConfig("conditioning model_dim \(conditioning.modelDim) differs from the GPT's \(config.modelDim)")
        }
        self.config = config
        conditioner = try GPTConditioner(config: conditioning, weights: scope)
        gpt = try GPT2Model(scope.scope("gpt"), hidden: config.modelDim, heads: config.heads, layers: config.layers,
                            eps: config.layerNormEps, kernel: kernel)
        embeddings = try UnifiedVoiceEmbeddings(scope, config: config)
        heads = try UnifiedVoiceHeads(scope, config: config, kernel: kernel)
        UnifiedVoiceGPT.logger.debug("UnifiedVoice GPT: \(config.layers) layers, dim \(config.modelDim), \(config.heads) heads, inner \(gpt.shape.inner)")
    }

    /// A model over already-built parts (UnifiedVoiceGPT.reduced).
    init(config: UnifiedVoiceConfig, conditioner: GPTConditioner, gpt: GPT2Model, embeddings: UnifiedVoiceEmbeddings,
         heads: UnifiedVoiceHeads) {
        self.config = config
        self.conditioner = conditioner
        self.gpt = gpt
        self.embeddings = embeddings
        self.heads = heads
    }

    public var modelDim: Int { config.modelDim }
    public var vocab: Int { heads.vocab }

    /// `conds_latent` = [speech_conditioning_latent + emovec (each row); speed_emb(1); speed_emb(0)]:
    /// latent (1, N, D), emovec (1, D) → (1, N + 2, D).
    public func conditioningRows(speechLatent: Tensor, emovec: Tensor) throws -> Tensor {
        let d = modelDim
        guard speechLatent.rank == 3, speechLatent.shape[0] == 1, speechLatent.shape[2] == d else {
            throw GPTError.badInput("speech conditioning latent must be (1, N, \(d)), got \(speechLatent.shape)")
        }
        guard emovec.count == d else { throw GPTError.badInput("emovec must hold \(d) values, got shape \(emovec.shape)") }
        let n = speechLatent.shape[1]
        let latent = speechLatent.reshaped([n, d]) + emovec.reshaped([1, d]) // (N, D)
        let speed = try embeddings.speed([1, 0]) // (2, D): duration_emb_half, duration_emb
        return Tensor.concat([latent, speed], axis: 0).reshaped([1, n + 2, d]) // (1, N + 2, D)
    }
}
