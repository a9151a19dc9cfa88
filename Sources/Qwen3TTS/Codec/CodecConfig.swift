// Configuration of the 12 Hz speech tokenizer (`speech_tokenizer/config.json`, model_type
// "qwen3_tts_tokenizer_12hz"), mirroring qwen_tts `Qwen3TTSTokenizerV2Config` and its
// `Qwen3TTSTokenizerV2DecoderConfig`. Key names are the JSON's own. Only the decoder half is read
// here; `encoder_config` (a MimiConfig) is left to the encoder.
//
// Quirks kept from the original:
//   * the decoder config has no `codebook_dim` default (the original fails without it), so it is required;
//   * `head_dim` falls back to hidden_size / num_attention_heads only when absent;
//   * the split RVQ always puts exactly one codebook in `rvq_first` (the original passes n_q_semantic=1,
//     ignoring `num_semantic_quantizers`);
//   * `semantic_codebook_size` and `vector_quantization_hidden_dimension` are not used by the decoder.
import Foundation
import Neural

public struct Qwen3CodecDecoderConfig: Decodable, Sendable, Equatable {
    public var codebookSize: Int
    public var codebookDim: Int
    public var numQuantizers: Int
    public var latentDim: Int
    public var hiddenSize: Int
    public var intermediateSize: Int
    public var numHiddenLayers: Int
    public var numAttentionHeads: Int
    public var numKeyValueHeads: Int
    public var headDim: Int
    public var hiddenAct: String
    public var rmsNormEps: Float
    public var ropeTheta: Float
    public var slidingWindow: Int?
    public var attentionBias: Bool
    public var decoderDim: Int
    public var upsampleRates: [Int]
    public var upsamplingRatios: [Int]
    public var layerScaleInitialScale: Float?
    public var maxPositionEmbeddings: Int?
    public var numSemanticQuantizers: Int?

    enum CodingKeys: String, CodingKey {
        case codebookSize = "codebook_size", codebookDim = "codebook_dim", numQuantizers = "num_quantizers"
        case latentDim = "latent_dim", hiddenSize = "hidden_size", intermediateSize = "intermediate_size"
        case numHiddenLayers = "num_hidden_layers", numAttentionHeads = "num_attention_heads"
        case numKeyValueHeads = "num_key_value_heads", headDim = "head_dim", hiddenAct = "hidden_act"
        case rmsNormEps = "rms_norm_eps", ropeTheta = "rope_theta", slidingWindow = "sliding_window"
        case attentionBias = "attention_bias", decoderDim = "decoder_dim", upsampleRates = "upsample_rates"
        case upsamplingRatios = "upsampling_ratios", layerScaleInitialScale = "layer_scale_initial_scale"
        case maxPositionEmbeddings = "max_position_embeddings", numSemanticQuantizers = "num_semantic_quantizers"
    }

    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        codebookSize = try c.decode(Int.self, forKey: .codebookSize)
        codebookDim = try c.decode(Int.self, forKey: .codebookDim)
        numQuantizers = try c.decode(Int.self, forKey: .numQuantizers)
        latentDim = try c.decode(Int.self, forKey: .latentDim)
        hiddenSize = try c.decode(Int.self, forKey: .hiddenSize)
        intermediateSize = try c.decode(Int.self, forKey: .intermediateSize)
        numHiddenLayers = try c.decode(Int.self, forKey: .numHiddenLayers)
        numAttentionHeads = try c.decode(Int.self, forKey: .numAttentionHeads)
        numKeyValueHeads = try c.decodeIfPresent(Int.self, forKey: .numKeyValueHeads) ?? numAttentionHeads
        headDim = try c.decodeIfPresent(Int.self, forKey: .headDim) ?? hiddenSize / numAttentionHeads
        hiddenAct = try c.decodeIfPresent(String.self, forKey: .hiddenAct) ?? "silu"
        rmsNormEps = try c.decodeIfPresent(Float.self, forKey: .rmsNormEps) ?? 1e-5
        ropeTheta = try c.decodeIfPresent(Float.self, forKey: .ropeTheta) ?? 10000
        slidingWindow = try c.decodeIfPresent(Int.self, forKey: .slidingWindow)
        attentionBias = try c.decodeIfPresent(Bool.self, forKey: .attentionBias) ?? false
        decoderDim = try c.decode(Int.self, forKey: .decoderDim)
        upsampleRates = try c.decode([Int].self, forKey: .upsampleRates)
        upsamplingRatios = try c.decode([Int].self, forKey: .upsamplingRatios)
        layerScaleInitialScale = try c.decodeIfPresent(Float.self, forKey: .layerScaleInitialScale)
        maxPositionEmbeddings = try c.decodeIfPresent(Int.self, forKey: .maxPositionEmbeddings)
        numSemanticQuantizers = try c.decodeIfPresent(Int.self, forKey: .numSemanticQuantizers)
    }

    /// Codebooks in `rvq_first` (fixed at 1 by the original).
    public var semanticQuantizers: Int { 1 }
    /// The RVQ works at half the codebook dimension (`dimension = codebook_dim // 2`).
    public var rvqDimension: Int { codebookDim / 2 }
    /// Samples per code frame: prod(upsample_rates + upsampling_ratios) (1920 in the real config).
    public var totalUpsample: Int { (upsampleRates + upsamplingRatios).reduce(1, *) }

    /// Checks the structural constraints the module shapes depend on.
    public func validate() throws {
        func fail(_ k: String, _ r: String) -> Qwen3CodecError { .invalidConfig(key: k, reason: r) }
        guard numQuantizers > semanticQuantizers else {
            throw fail("num_quantizers", "must exceed the \(semanticQuantizers) semantic quantizer, found \(numQuantizers)")
        }
        guard codebookDim % 2 == 0, codebookDim > 0 else { throw fail("codebook_dim", "must be even and positive, found \(codebookDim)") }
        guard numAttentionHeads % numKeyValueHeads == 0 else {
            throw fail("num_key_value_heads", "\(numKeyValueHeads) does not divide num_attention_heads \(numAttentionHeads)")
        }
        guard headDim % 2 == 0 else { throw fail("head_dim", "RoPE needs an even head_dim, found \(headDim)") }
        guard decoderDim % (1 << upsampleRates.count) == 0 else {
            throw fail("decoder_dim", "\(decoderDim) is not divisible by 2^\(upsampleRates.count) (one halving per upsample rate)")
        }
        if let w = slidingWindow, w < 1 { throw fail("sliding_window", "must be ≥ 1, found \(w)") }
        guard Activation(name: hiddenAct) != nil else { throw fail("hidden_act", "unsupported activation '\(hiddenAct)'") }
    }
}

/// The top level of `speech_tokenizer/config.json` (the fields the decoder path needs).
public struct Qwen3SpeechTokenizerConfig: Decodable, Sendable {
    public var decoderConfig: Qwen3CodecDecoderConfig
    public var decodeUpsampleRate: Int
    public var outputSampleRate: Int
    public var encodeDownsampleRate: Int?
    public var inputSampleRate: Int?
    public var encoderValidNumQuantizers: Int?

    enum CodingKeys: String, CodingKey {
        case decoderConfig = "decoder_config", decodeUpsampleRate = "decode_upsample_rate"
        case outputSampleRate = "output_sample_rate", encodeDownsampleRate = "encode_downsample_rate"
        case inputSampleRate = "input_sample_rate", encoderValidNumQuantizers = "encoder_valid_num_quantizers"
    }

    /// Reads `speech_tokenizer/config.json`.
    public init(path: String) throws {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw Qwen3CodecError.invalidConfig(key: path, reason: "cannot read the speech tokenizer config file")
        }
        self = try JSONDecoder().decode(Qwen3SpeechTokenizerConfig.self, from: data)
    }
}

