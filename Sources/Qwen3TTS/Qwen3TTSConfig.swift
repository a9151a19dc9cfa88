// Qwen3-TTS `config.json` (model_type "qwen3_tts"), read with the checkpoint's own key names.
// Mirrors qwen_tts/core/models/configuration_qwen3_tts.py. The Python class defaults are stale
// (20 layers, θ 10000, 32 code groups, codec ids 4196…): every size here comes from the JSON, and a
// missing required key is a decoding error, never a default.
import Foundation

public struct Qwen3TTSConfig: Decodable, Sendable {
    public var modelType: String?
    public var tokenizerType: String?
    /// "base" | "custom_voice" | "voice_design".
    public var ttsModelType: String?
    /// "0b6" | "1b7".
    public var ttsModelSize: String?
    public var imStartTokenId: Int
    public var imEndTokenId: Int
    public var ttsPadTokenId: Int
    public var ttsBosTokenId: Int
    public var ttsEosTokenId: Int
    public var assistantTokenId: Int?
    public var talkerConfig: Qwen3TalkerConfig

    enum CodingKeys: String, CodingKey {
        case modelType = "model_type", tokenizerType = "tokenizer_type", ttsModelType = "tts_model_type"
        case ttsModelSize = "tts_model_size", imStartTokenId = "im_start_token_id", imEndTokenId = "im_end_token_id"
        case ttsPadTokenId = "tts_pad_token_id", ttsBosTokenId = "tts_bos_token_id", ttsEosTokenId = "tts_eos_token_id"
        case assistantTokenId = "assistant_token_id", talkerConfig = "talker_config"
    }

    /// Reads a model directory's `config.json`.
    public static func load(path: String) throws -> Qwen3TTSConfig {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw Qwen3TTSError.config("cannot read \(path); expected the model directory's config.json")
        }
        do { return try JSONDecoder().decode(Qwen3TTSConfig.self, from: data) } catch {
            throw Qwen3TTSError.config("\(path) is not a Qwen3-TTS config: \(error)")
        }
    }

    /// The official wrapper drops the style instruction for the 0.6B CustomVoice model
    /// (`tts_model_size in "0b6"`); VoiceDesign and 1.7B CustomVoice use it.
    public var acceptsInstruction: Bool {
        !(ttsModelType == "custom_voice" && ttsModelSize.map { "0b6".contains($0) } == true)
    }
}

/// `talker_config`: the 28-layer (real) Qwen3 decoder that predicts codebook 0.
public struct Qwen3TalkerConfig: Decodable, Sendable {
    public var vocabSize: Int
    public var hiddenSize: Int
    public var intermediateSize: Int
    public var numHiddenLayers: Int
    public var numAttentionHeads: Int
    public var numKeyValueHeads: Int
    /// Explicit in every released config (128 ≠ hidden/heads); upstream falls back to hidden/heads.
    public var headDim: Int?
    public var hiddenAct: String
    public var rmsNormEps: Double
    public var ropeTheta: Double
    public var ropeScaling: Qwen3RopeScaling?
    public var maxPositionEmbeddings: Int
    public var attentionBias: Bool?
    public var useSlidingWindow: Bool?
    public var numCodeGroups: Int
    public var textHiddenSize: Int
    public var textVocabSize: Int
    public var codecPadId: Int
    public var codecBosId: Int
    public var codecEosTokenId: Int
    public var codecThinkId: Int
    public var codecNothinkId: Int
    public var codecThinkBosId: Int
    public var codecThinkEosId: Int
    public var codecLanguageId: [String: Int]?
    public var spkId: [String: Qwen3SpeakerId]?
    public var spkIsDialect: [String: Qwen3Dialect]?
    public var codePredictorConfig: Qwen3CodePredictorConfig

    enum CodingKeys: String, CodingKey {
        case vocabSize = "vocab_size", hiddenSize = "hidden_size", intermediateSize = "intermediate_size"
        case numHiddenLayers = "num_hidden_layers", numAttentionHeads = "num_attention_heads"
        case numKeyValueHeads = "num_key_value_heads", headDim = "head_dim", hiddenAct = "hidden_act"
        case rmsNormEps = "rms_norm_eps", ropeTheta = "rope_theta", ropeScaling = "rope_scaling"
        case maxPositionEmbeddings = "max_position_embeddings", attentionBias = "attention_bias"
        case useSlidingWindow = "use_sliding_window", numCodeGroups = "num_code_groups"
        case textHiddenSize = "text_hidden_size", textVocabSize = "text_vocab_size"
        case codecPadId = "codec_pad_id", codecBosId = "codec_bos_id", codecEosTokenId = "codec_eos_token_id"
        case codecThinkId = "codec_think_id", codecNothinkId = "codec_nothink_id"
        case codecThinkBosId = "codec_think_bos_id", codecThinkEosId = "codec_think_eos_id"
        case codecLanguageId = "codec_language_id", spkId = "spk_id", spkIsDialect = "spk_is_dialect"
        case codePredictorConfig = "code_predictor_config"
    }
}

/// `talker_config.code_predictor_config`: the small decoder that predicts codebooks 1…G−1.
public struct Qwen3CodePredictorConfig: Decodable, Sendable {
    public var vocabSize: Int
    public var hiddenSize: Int
    public var intermediateSize: Int
    public var numHiddenLayers: Int
    public var numAttentionHeads: Int
    public var numKeyValueHeads: Int
    public var headDim: Int?
    public var hiddenAct: String
    public var rmsNormEps: Double
    public var ropeTheta: Double
    public var ropeScaling: Qwen3RopeScaling?
    public var maxPositionEmbeddings: Int
    public var attentionBias: Bool?
    public var useSlidingWindow: Bool?
    public var layerTypes: [String]?
    public var numCodeGroups: Int

    enum CodingKeys: String, CodingKey {
        case vocabSize = "vocab_size", hiddenSize = "hidden_size", intermediateSize = "intermediate_size"
        case numHiddenLayers = "num_hidden_layers", numAttentionHeads = "num_attention_heads"
        case numKeyValueHeads = "num_key_value_heads", headDim = "head_dim", hiddenAct = "hidden_act"
        case rmsNormEps = "rms_norm_eps", ropeTheta = "rope_theta", ropeScaling = "rope_scaling"
        case maxPositionEmbeddings = "max_position_embeddings", attentionBias = "attention_bias"
        case useSlidingWindow = "use_sliding_window", layerTypes = "layer_types", numCodeGroups = "num_code_groups"
    }
}

/// `rope_scaling`: `{"interleaved": true, "mrope_section": [24, 20, 20], "rope_type": "default"}` on the talker.
public struct Qwen3RopeScaling: Decodable, Sendable {
    public var ropeType: String?
    public var type: String?
    public var interleaved: Bool?
    public var mropeSection: [Int]?

    enum CodingKeys: String, CodingKey {
        case ropeType = "rope_type", type, interleaved, mropeSection = "mrope_section"
    }

    /// HF reads "rope_type", falling back to the legacy "type".
    public var resolvedType: String { ropeType ?? type ?? "default" }
}

/// A `spk_id` value: an int, or a one-element list (upstream does `torch.tensor(v).view(1, 1, -1)`).
public struct Qwen3SpeakerId: Decodable, Sendable, Equatable {
    public var id: Int
    public init(_ id: Int) { self.id = id }
    public init(from decoder: Decoder) throws {
        let c = try decoder.singleValueContainer()
        if let v = try? c.decode(Int.self) { id = v; return }
        let list = try c.decode([Int].self)
        guard list.count == 1 else {
            throw DecodingError.dataCorruptedError(in: c, debugDescription: "spk_id list must hold one id, found \(list)")
        }
        id = list[0]
    }
}

/// A `spk_is_dialect` value: `false`, or the dialect's key in `codec_language_id`.
public enum Qwen3Dialect: Decodable, Sendable, Equatable {
    case none
    case dialect(String)

    public init(from decoder: Decoder) throws {
        let c = try decoder.singleValueContainer()
        if let b = try? c.decode(Bool.self) {
            guard !b else {
                throw DecodingError.dataCorruptedError(in: c, debugDescription: "spk_is_dialect is true; expected false or a dialect name")
            }
            self = .none
            return
        }
        self = .dialect(try c.decode(String.self))
    }
}
