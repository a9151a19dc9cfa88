// Whisper's hyperparameters, decoded from the published Hugging Face config.json
// (transformers WhisperConfig; openai-whisper's ModelDimensions hold the same sizes under other names:
// n_mels = num_mel_bins, n_audio_ctx = max_source_positions, n_audio_state = n_text_state = d_model,
// n_audio_head / n_text_head = encoder/decoder_attention_heads, n_audio_layer / n_text_layer =
// encoder/decoder_layers, n_vocab = vocab_size, n_text_ctx = max_target_positions).
import Foundation

public struct WhisperConfig: Decodable, Sendable, Equatable {
    public var vocabSize: Int
    public var numMelBins: Int
    public var dModel: Int
    public var encoderLayers: Int
    public var encoderAttentionHeads: Int
    public var encoderFFNDim: Int
    public var decoderLayers: Int
    public var decoderAttentionHeads: Int
    public var decoderFFNDim: Int
    public var maxSourcePositions: Int
    public var maxTargetPositions: Int
    public var activationFunction: String
    public var scaleEmbedding: Bool
    /// proj_out shares embed_tokens (transformers' default for Whisper: true).
    public var tieWordEmbeddings: Bool
    /// Width of the median filter over the alignment heads' attention (transformers' default 7 = openai's medfilt_width).
    public var medianFilterWidth: Int

    enum CodingKeys: String, CodingKey {
        case vocabSize = "vocab_size", numMelBins = "num_mel_bins", dModel = "d_model"
        case encoderLayers = "encoder_layers", encoderAttentionHeads = "encoder_attention_heads", encoderFFNDim = "encoder_ffn_dim"
        case decoderLayers = "decoder_layers", decoderAttentionHeads = "decoder_attention_heads", decoderFFNDim = "decoder_ffn_dim"
        case maxSourcePositions = "max_source_positions", maxTargetPositions = "max_target_positions"
        case activationFunction = "activation_function", scaleEmbedding = "scale_embedding"
        case tieWordEmbeddings = "tie_word_embeddings", medianFilterWidth = "median_filter_width", modelType = "model_type"
    }

    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        if let t = try c.decodeIfPresent(String.self, forKey: .modelType), t != "whisper" {
            throw WhisperError.config("model_type is '\(t)', expected 'whisper'")
        }
        vocabSize = try c.decode(Int.self, forKey: .vocabSize)
        numMelBins = try c.decode(Int.self, forKey: .numMelBins)
        dModel = try c.decode(Int.self, forKey: .dModel)
        encoderLayers = try c.decode(Int.self, forKey: .encoderLayers)
        encoderAttentionHeads = try c.decode(Int.self, forKey: .encoderAttentionHeads)
        encoderFFNDim = try c.decode(Int.self, forKey: .encoderFFNDim)
        decoderLayers = try c.decode(Int.self, forKey: .decoderLayers)
        decoderAttentionHeads = try c.decode(Int.self, forKey: .decoderAttentionHeads)
        decoderFFNDim = try c.decode(Int.self, forKey: .decoderFFNDim)
        maxSourcePositions = try c.decode(Int.self, forKey: .maxSourcePositions)
        maxTargetPositions = try c.decode(Int.self, forKey: .maxTargetPositions)
        // transformers' WhisperConfig defaults for keys older config.json files omit.
        activationFunction = try c.decodeIfPresent(String.self, forKey: .activationFunction) ?? "gelu"
        scaleEmbedding = try c.decodeIfPresent(Bool.self, forKey: .scaleEmbedding) ?? false
        tieWordEmbeddings = try c.decodeIfPresent(Bool.self, forKey: .tieWordEmbeddings) ?? true
        medianFilterWidth = try c.decodeIfPresent(Int.self, forKey: .medianFilterWidth) ?? 7
        try validate()
    }

    func validate() throws {
        guard dModel % encoderAttentionHeads == 0, dModel % decoderAttentionHeads == 0 else {
            throw WhisperError.config("d_model \(dModel) is not divisible by the attention heads (\(encoderAttentionHeads), \(decoderAttentionHeads))")
        }
        guard activationFunction == "gelu" else {
            throw WhisperError.config("activation_function is '\(activationFunction)'; the model runs 'gelu', the activation of every released Whisper checkpoint")
        }
        guard medianFilterWidth > 0, medianFilterWidth % 2 == 1 else {
            throw WhisperError.config("median_filter_width must be a positive odd number, found \(medianFilterWidth)")
        }
        guard maxSourcePositions > 0, maxTargetPositions > 0, vocabSize > 0, numMelBins > 0 else {
            throw WhisperError.config("sizes must be positive")
        }
    }

    /// Mel frames the encoder takes: conv2 has stride 2, so 2 × max_source_positions (3000 = 30 s).
    public var melFrames: Int { 2 * maxSourcePositions }
    public var encoderHeadDim: Int { dModel / encoderAttentionHeads }
    public var decoderHeadDim: Int { dModel / decoderAttentionHeads }

    /// Reads a model directory's config.json.
    public static func load(path: String) throws -> WhisperConfig {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw WhisperError.modelFile(path: path, problem: "cannot read it", fix: "download the model again (bookvox models download)")
        }
        do { return try JSONDecoder().decode(WhisperConfig.self, from: data) } catch let e as WhisperError { throw e } catch {
            throw WhisperError.config("\(path) is not a Whisper config.json: \(error)")
        }
    }
}
