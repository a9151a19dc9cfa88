// Typed errors of the Whisper target: each message says what was expected, what was found and what to do.
import Foundation

public enum WhisperError: Error, CustomStringConvertible {
    /// config.json / generation_config.json / preprocessor_config.json content the port cannot use.
    case config(String)
    /// A model-directory file that is missing or unreadable; `fix` says what to do.
    case modelFile(path: String, problem: String, fix: String)
    /// A tensor or input with the wrong shape.
    case shape(what: String, expected: [Int], found: [Int])
    /// A token id or token string the model's tokenizer does not have.
    case token(String)
    /// Bad caller input (empty audio, unknown language, inconsistent options).
    case input(String)
    /// The KV cache or positional table cannot hold the requested positions.
    case contextOverflow(capacity: Int, needed: Int)
    /// zlib failed while computing a compression ratio.
    case zlib(Int32)

    public var description: String {
        switch self {
        case let .config(s): return "Whisper config: \(s)"
        case let .modelFile(path, problem, fix): return "Whisper model file \(path): \(problem). Fix: \(fix)"
        case let .shape(what, e, f): return "Whisper: \(what) should have shape \(e), found \(f)"
        case let .token(s): return "Whisper tokenizer: \(s)"
        case let .input(s): return "Whisper: \(s)"
        case let .contextOverflow(c, n):
            return "Whisper: the text context holds \(c) positions but \(n) are needed; shorten the prompt"
        case let .zlib(code): return "Whisper: zlib compress failed with code \(code)"
        }
    }
}
