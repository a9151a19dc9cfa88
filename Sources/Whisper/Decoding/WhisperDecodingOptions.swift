// openai-whisper decoding.py DecodingOptions, for the decoders this port implements (greedy at temperature 0,
// sampling at temperature > 0 with best_of candidates; beam search is not ported).
import Foundation

public struct WhisperDecodingOptions: Sendable, Equatable {
    public enum SuppressTokens: Sendable, Equatable {
        /// "-1": Tokenizer.non_speech_tokens (the default).
        case nonSpeech
        /// Exactly these ids (plus the special tokens every decode suppresses).
        case ids([Int])
        /// Nothing but the special tokens every decode suppresses.
        case none
    }

    public var task: WhisperTokenizer.Task = .transcribe
    /// Language code; nil = English for English-only models, detected for multilingual ones (transcribe).
    public var language: String?
    public var temperature: Double = 0
    /// Maximum sampled tokens; nil = n_text_ctx / 2.
    public var sampleLength: Int?
    /// Independent samples at temperature > 0 (the best by length-normalized log probability wins); nil = 1.
    public var bestOf: Int?
    /// Google NMT length penalty alpha for ranking candidates; nil = plain length normalization.
    public var lengthPenalty: Double?
    /// Previous-context tokens (after <|startofprev|>).
    public var prompt: [Int]?
    /// Tokens forced at the start of the current context.
    public var prefix: [Int]?
    public var suppressTokens: SuppressTokens = .nonSpeech
    public var suppressBlank = true
    public var withoutTimestamps = false
    /// Seconds; nil disables the rule.
    public var maxInitialTimestamp: Double? = 1.0

    public init() {}

    func validate() throws {
        if temperature == 0, bestOf != nil {
            throw WhisperError.input("best_of with greedy sampling (temperature 0) is not compatible")
        }
        if let a = lengthPenalty, !(0...1).contains(a) {
            throw WhisperError.input("length_penalty (alpha) must be between 0 and 1, got \(a)")
        }
        if temperature < 0 { throw WhisperError.input("temperature must be ≥ 0, got \(temperature)") }
    }
}

/// openai-whisper DecodingResult for one audio.
public struct WhisperDecodingResult: Sendable, Equatable {
    public var language: String
    public var languageProbs: [String: Double]?
    /// Sampled tokens between the initial tokens and the first end-of-text.
    public var tokens: [Int]
    public var text: String
    public var avgLogprob: Double
    public var noSpeechProb: Double
    public var temperature: Double
    public var compressionRatio: Double
}
