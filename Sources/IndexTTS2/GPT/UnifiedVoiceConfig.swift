// Hyper-parameters of UnifiedVoice's autoregressive half (indextts/gpt/model_v2.py): the `gpt:` block of
// IndexTTS2's config.yaml (model_dim, layers, heads, token ids, table sizes). The conditioning half of the
// same block is `GPTConditioningConfig`. GPT-2 itself (build_hf_gpt_transformer → transformers.GPT2Config)
// uses n_embd = model_dim, n_head = heads, n_layer = layers, layer_norm_epsilon 1e-5, activation gelu_new;
// the MLP width (GPT2Config n_inner, default 4·n_embd) is read from the checkpoint's `c_fc` shape.
import Foundation
import Neural

public enum GPTError: Error, CustomStringConvertible {
    case badConfig(String)
    case badInput(String)
    case tooLong(what: String, needed: Int, limit: Int)
    case startTokenGenerated(position: Int, token: Int)

    public var description: String {
        switch self {
        case let .badConfig(r): return "IndexTTS2 GPT config: \(r)"
        case let .badInput(r): return "IndexTTS2 GPT input: \(r)"
        case let .tooLong(w, n, l):
            return "IndexTTS2 GPT: \(w) needs \(n) positions but the model allows \(l); split the text into shorter segments"
        case let .startTokenGenerated(p, t):
            return "IndexTTS2 GPT generated the start token \(t) at code \(p); it has no semantic codebook row (the codes cannot be rendered)"
        }
    }
}

public struct UnifiedVoiceConfig: Decodable, Sendable {
    public var modelDim: Int
    public var layers: Int
    public var heads: Int
    public var maxMelTokens: Int
    public var maxTextTokens: Int
    public var numberTextTokens: Int
    public var numberMelCodes: Int
    public var startMelToken: Int
    public var stopMelToken: Int
    public var startTextToken: Int
    public var stopTextToken: Int
    /// UnifiedVoice constructor defaults (not in config.yaml).
    public var types = 1
    public var maxConditioningInputs = 1
    /// GPT-2 LayerNorm eps (GPT2Config.layer_norm_epsilon) and UnifiedVoice.final_norm eps.
    public var layerNormEps: Float = 1e-5

    enum CodingKeys: String, CodingKey {
        case modelDim = "model_dim", layers, heads, maxMelTokens = "max_mel_tokens", maxTextTokens = "max_text_tokens"
        case numberTextTokens = "number_text_tokens", numberMelCodes = "number_mel_codes"
        case startMelToken = "start_mel_token", stopMelToken = "stop_mel_token"
        case startTextToken = "start_text_token", stopTextToken = "stop_text_token"
        case useMelCodesAsInput = "use_mel_codes_as_input", trainSoloEmbeddings = "train_solo_embeddings"
    }

    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        modelDim = try c.decode(Int.self, forKey: .modelDim)
        layers = try c.decode(Int.self, forKey: .layers)
        heads = try c.decode(Int.self, forKey: .heads)
        maxMelTokens = try c.decode(Int.self, forKey: .maxMelTokens)
        maxTextTokens = try c.decode(Int.self, forKey: .maxTextTokens)
        numberTextTokens = try c.decode(Int.self, forKey: .numberTextTokens)
        numberMelCodes = try c.decode(Int.self, forKey: .numberMelCodes)
        startMelToken = try c.decode(Int.self, forKey: .startMelToken)
        stopMelToken = try c.decode(Int.self, forKey: .stopMelToken)
        startTextToken = try c.decode(Int.self, forKey: .startTextToken)
        stopTextToken = try c.decode(Int.self, forKey: .stopTextToken)
        if let m = try c.decodeIfPresent(Bool.self, forKey: .useMelCodesAsInput), !m {
            throw GPTError.badConfig("use_mel_codes_as_input = false (MelEncoder input) is not supported; IndexTTS2 uses mel codes")
        }
        if let s = try c.decodeIfPresent(Bool.self, forKey: .trainSoloEmbeddings), s {
            throw GPTError.badConfig("train_solo_embeddings = true is not supported; IndexTTS2 uses false")
        }
    }

    /// Rows of text_embedding: number_text_tokens · types + 1.
    public var textVocab: Int { numberTextTokens * types + 1 }
    /// text_pos_embedding rows: max_text_tokens + 2.
    public var textPositions: Int { maxTextTokens + 2 }
    /// mel_pos_embedding rows: max_mel_tokens + 2 + max_conditioning_inputs.
    public var melPositions: Int { maxMelTokens + 2 + maxConditioningInputs }

    func validate() throws {
        guard modelDim > 0, heads > 0, modelDim % heads == 0 else {
            throw GPTError.badConfig("model_dim \(modelDim) is not divisible by heads \(heads)")
        }
        guard layers > 0 else { throw GPTError.badConfig("layers must be positive, got \(layers)") }
        for (name, t) in [("start_mel_token", startMelToken), ("stop_mel_token", stopMelToken)] where t < 0 || t >= numberMelCodes {
            throw GPTError.badConfig("\(name) \(t) outside the mel vocabulary 0..<\(numberMelCodes)")
        }
    }
}
