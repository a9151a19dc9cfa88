// Typed errors of the Qwen3-TTS engine: each message says what was expected, what was found and what to do.
import Foundation
import SpeechEngine

public enum Qwen3TTSError: Error, CustomStringConvertible {
    /// config.json / generation_config.json content the port cannot use.
    case config(String)
    /// A configuration no released checkpoint uses and this port does not implement.
    case unsupported(String)
    /// Token ids that do not follow the chat template the prompt slices assume.
    case malformedIds(what: String, expected: String, found: [Int])
    case unknownSpeaker(String, known: [String])
    case unknownLanguage(String, known: [String])
    /// A vector or code table with the wrong size.
    case shape(what: String, expected: [Int], found: [Int])
    /// A decoder was asked for more positions than its cache holds.
    case cacheOverflow(capacity: Int, needed: Int)
    /// Generation reached its frame cap without sampling EOS; `codes` holds the frames made so far.
    case frameCapReached(cap: Int, codes: [[Int]])
    /// A model-directory file that is missing, unreadable or not what the engine expects; `fix` says what to run.
    case modelFile(path: String, problem: String, fix: String)
    /// A voice setting the loaded variant cannot use (e.g. a clone clip on a CustomVoice model).
    case voice(String)

    public var description: String {
        switch self {
        case let .config(s): return "Qwen3-TTS config: \(s)"
        case let .unsupported(s): return "Qwen3-TTS: unsupported: \(s)"
        case let .malformedIds(what, expected, found):
            let preview = found.count > 24 ? "\(Array(found.prefix(12))) … \(Array(found.suffix(8)))" : "\(found)"
            return "Qwen3-TTS: \(what) should be \(expected); found \(found.count) ids \(preview). Build them with the chat template."
        case let .unknownSpeaker(s, known):
            return "Qwen3-TTS: speaker '\(s)' is not in this model's spk_id table; known speakers: \(known.sorted().joined(separator: ", "))"
        case let .unknownLanguage(s, known):
            return "Qwen3-TTS: language '\(s)' is not in codec_language_id; use 'auto' or one of: \(known.sorted().joined(separator: ", "))"
        case let .shape(what, e, f): return "Qwen3-TTS: \(what) should have shape \(e), found \(f)"
        case let .cacheOverflow(c, n):
            return "Qwen3-TTS: KV cache holds \(c) positions but \(n) are needed; create the state with a larger capacity"
        case let .frameCapReached(cap, codes):
            return "Qwen3-TTS: no end-of-speech after \(codes.count) frames (cap \(cap)); the take ran away. "
                + "Retry with another seed or raise the frame budget."
        case let .modelFile(path, problem, fix): return "Qwen3-TTS model file \(path): \(problem). Fix: \(fix)"
        case let .voice(s): return "Qwen3-TTS voice: \(s)"
        }
    }
}

extension Qwen3TTSError: EngineInputError {
    public var isInputError: Bool {
        switch self {
        case .unknownSpeaker, .unknownLanguage, .voice: return true
        default: return false
        }
    }
}
