// Sampling settings of the two generation levels, as qwen_tts sets them up:
//   talker (codebook 0): HF generate with do_sample/temperature/top_k/top_p/repetition_penalty from
//     generation_config.json, plus min_new_tokens = 2 (HF also derives min_length = 2 from it, the prompt
//     being embeddings only), eos = codec_eos_token_id and suppress_tokens = [vocab − 1024, vocab) \ {eos}.
//     Processor order: RepetitionPenalty → MinLength → MinNewTokens → SuppressTokens → (sampling:)
//     Temperature → TopK → TopP (only when top_p < 1). The penalty history is the generated codebook-0 ids.
//   code predictor (codebooks 1…): subtalker_dosample/temperature/top_k/top_p; no penalty, no EOS, no
//     suppression (its generation_config is empty).
import Foundation
import Neural

/// generation_config.json of a Qwen3-TTS model directory (merged with the wrapper's defaults like qwen_tts does).
public struct Qwen3GenerationConfig: Decodable, Sendable, Equatable {
    public var doSample: Bool
    public var temperature: Double
    public var topK: Int
    public var topP: Double
    public var repetitionPenalty: Double
    public var subtalkerDosample: Bool
    public var subtalkerTemperature: Double
    public var subtalkerTopK: Int
    public var subtalkerTopP: Double
    public var maxNewTokens: Int

    enum CodingKeys: String, CodingKey {
        case doSample = "do_sample", temperature, topK = "top_k", topP = "top_p", repetitionPenalty = "repetition_penalty"
        case subtalkerDosample = "subtalker_dosample", subtalkerTemperature = "subtalker_temperature"
        case subtalkerTopK = "subtalker_top_k", subtalkerTopP = "subtalker_top_p", maxNewTokens = "max_new_tokens"
    }

    public init(doSample: Bool, temperature: Double, topK: Int, topP: Double, repetitionPenalty: Double,
                subtalkerDosample: Bool, subtalkerTemperature: Double, subtalkerTopK: Int, subtalkerTopP: Double,
                maxNewTokens: Int) {
        self.doSample = doSample
        self.temperature = temperature
        self.topK = topK
        self.topP = topP
        self.repetitionPenalty = repetitionPenalty
        self.subtalkerDosample = subtalkerDosample
        self.subtalkerTemperature = subtalkerTemperature
        self.subtalkerTopK = subtalkerTopK
        self.subtalkerTopP = subtalkerTopP
        self.maxNewTokens = maxNewTokens
    }

    /// Qwen3TTSModel._merge_generate_kwargs' hard defaults, used for keys the JSON lacks.
    public static let wrapperDefaults = Qwen3GenerationConfig(
        doSample: true, temperature: 0.9, topK: 50, topP: 1.0, repetitionPenalty: 1.05, subtalkerDosample: true,
        subtalkerTemperature: 0.9, subtalkerTopK: 50, subtalkerTopP: 1.0, maxNewTokens: 2048)

    /// Every key is optional; a missing one takes the wrapper's hard default (user value → JSON → default).
    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        let d = Self.wrapperDefaults
        doSample = try c.decodeIfPresent(Bool.self, forKey: .doSample) ?? d.doSample
        temperature = try c.decodeIfPresent(Double.self, forKey: .temperature) ?? d.temperature
        topK = try c.decodeIfPresent(Int.self, forKey: .topK) ?? d.topK
        topP = try c.decodeIfPresent(Double.self, forKey: .topP) ?? d.topP
        repetitionPenalty = try c.decodeIfPresent(Double.self, forKey: .repetitionPenalty) ?? d.repetitionPenalty
        subtalkerDosample = try c.decodeIfPresent(Bool.self, forKey: .subtalkerDosample) ?? d.subtalkerDosample
        subtalkerTemperature = try c.decodeIfPresent(Double.self, forKey: .subtalkerTemperature) ?? d.subtalkerTemperature
        subtalkerTopK = try c.decodeIfPresent(Int.self, forKey: .subtalkerTopK) ?? d.subtalkerTopK
        subtalkerTopP = try c.decodeIfPresent(Double.self, forKey: .subtalkerTopP) ?? d.subtalkerTopP
        maxNewTokens = try c.decodeIfPresent(Int.self, forKey: .maxNewTokens) ?? d.maxNewTokens
    }

    public static func load(path: String) throws -> Qwen3GenerationConfig {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw Qwen3TTSError.config("cannot read \(path); expected the model directory's generation_config.json")
        }
        do { return try JSONDecoder().decode(Qwen3GenerationConfig.self, from: data) } catch {
            throw Qwen3TTSError.config("\(path) is not a Qwen3-TTS generation config: \(error)")
        }
    }

    /// The same settings with both levels greedy (parity runs).
    public var greedy: Qwen3GenerationConfig {
        var g = self
        g.doSample = false
        g.subtalkerDosample = false
        return g
    }
}

public struct Qwen3SamplingSettings: Sendable, Equatable {
    /// qwen_tts passes min_new_tokens = 2 to the talker's generate().
    public static let minNewTokens = 2
    /// qwen_tts suppresses the top 1024 talker ids (control ids) except EOS.
    public static let suppressedControlIds = 1024

    public var talker: GenerationSettings
    public var codePredictor: GenerationSettings
    /// HF max_new_tokens: sampled codebook-0 tokens, so at most maxNewTokens − 1 frames.
    public var maxNewTokens: Int

    public init(generation g: Qwen3GenerationConfig, talker c: Qwen3TalkerConfig) {
        let eos = c.codecEosTokenId
        let suppressed = (Swift.max(0, c.vocabSize - Self.suppressedControlIds)..<c.vocabSize).filter { $0 != eos }
        talker = GenerationSettings(doSample: g.doSample, temperature: g.temperature, topK: g.topK, topP: g.topP,
                                    repetitionPenalty: g.repetitionPenalty, minLength: Self.minNewTokens,
                                    minNewTokens: Self.minNewTokens, suppressTokens: suppressed, eosTokenIds: [eos])
        codePredictor = GenerationSettings(doSample: g.subtalkerDosample, temperature: g.subtalkerTemperature,
                                           topK: g.subtalkerTopK, topP: g.subtalkerTopP, eosTokenIds: [])
        maxNewTokens = g.maxNewTokens
    }
}

/// A frame cap from the text length, so a take that never samples EOS (≈0.3–0.5 % upstream) stops early:
/// frames ≤ min(maxNewTokens − 1, max(minimumFrames, framesPerTextToken · text tokens)). The defaults follow the
/// ICL caps of the Rust and MLX ports (75 frames = 6 s minimum; 6 frames = 0.48 s per text token). Kept out of parity.
public struct Qwen3FrameBudget: Sendable, Equatable {
    public var minimumFrames: Int
    public var framesPerTextToken: Int

    public init(minimumFrames: Int = 75, framesPerTextToken: Int = 6) {
        self.minimumFrames = minimumFrames
        self.framesPerTextToken = framesPerTextToken
    }

    public func maxFrames(textTokens: Int, maxNewTokens: Int) -> Int {
        Swift.min(Swift.max(maxNewTokens - 1, 0), Swift.max(minimumFrames, framesPerTextToken * textTokens))
    }
}
