// openai-whisper decoding.py detect_language: one decoder step on <|startoftranscript|> over the audio
// features, every non-language logit masked to −∞; the argmax is the language token and the softmax over
// the language tokens their probabilities.
import Foundation
import Tensors

public struct WhisperLanguageDetection: Sendable {
    public let token: Int
    public let code: String
    /// Language code → probability, in the model's language order.
    public let probabilities: [(code: String, probability: Float)]

    public var probabilityByCode: [String: Double] {
        Dictionary(probabilities.map { ($0.code, Double($0.probability)) }, uniquingKeysWith: { a, _ in a })
    }
}

extension WhisperModel {
    /// detect_language on audio features (1500, d). English-only models have no language tokens.
    public func detectLanguage(audioFeatures: Tensor) throws -> WhisperLanguageDetection {
        guard tokenizer.isMultilingual else {
            throw WhisperError.input("this model doesn't have language tokens so it can't perform language detection")
        }
        let state = decoder.makeState(audioFeatures: audioFeatures)
        let (hidden, _) = try decoder.forward([tokenizer.sot], state: state)
        var logits = decoder.logitsRow(hidden, row: 0)
        let keep = Set(tokenizer.languageTokens)
        for i in logits.indices where !keep.contains(i) { logits[i] = -.infinity }
        let token = WhisperMath.argmax(logits)
        let probs = WhisperMath.softmax(logits)
        let codes = tokenizer.languages
        guard let code = tokenizer.languageCode(ofToken: token) else {
            throw WhisperError.token("language detection picked id \(token), which is not a language token")
        }
        return WhisperLanguageDetection(token: token, code: code,
                                        probabilities: tokenizer.languageTokens.enumerated().map { (codes[$0.offset], probs[$0.element]) })
    }
}
