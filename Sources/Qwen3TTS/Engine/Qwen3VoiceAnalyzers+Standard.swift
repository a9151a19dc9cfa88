// The reference analyzers this build ships: the speech-tokenizer encoder (Qwen3SpeechEncoder, in-context clones) and
// the ECAPA speaker encoder (Qwen3SpeakerEncoder, both clone modes), loaded from the model directory on first use.
import Foundation

extension Qwen3SpeechEncoder: Qwen3ReferenceCoder {}
extension Qwen3SpeakerEncoder: Qwen3SpeakerEmbedder {}

extension Qwen3VoiceAnalyzers {
    static func standardReferenceCoder(_ dir: Qwen3ModelDirectory) throws -> Qwen3ReferenceCoder? {
        try Qwen3SpeechEncoder(modelDirectory: dir.url)
    }

    /// Only Base models carry `speaker_encoder.*`.
    static func standardSpeakerEmbedder(_ dir: Qwen3ModelDirectory) throws -> Qwen3SpeakerEmbedder? {
        dir.variant.kind == .base ? try Qwen3SpeakerEncoder(modelDirectory: dir.url) : nil
    }
}
