// The reference analyzers this build ships. The speech-tokenizer encoder (Qwen3SpeechEncoder) and the ECAPA speaker
// encoder (Qwen3SpeakerEncoder) are ported on their own branch; until they are merged, this build has none and
// clone voices fail with an error saying so (preset speakers and voice design work).
import Foundation

extension Qwen3VoiceAnalyzers {
    static func standardReferenceCoder(_ dir: Qwen3ModelDirectory) throws -> Qwen3ReferenceCoder? { nil }
    static func standardSpeakerEmbedder(_ dir: Qwen3ModelDirectory) throws -> Qwen3SpeakerEmbedder? { nil }
}
