// Errors of the IndexTTS2 engine: model directory problems (naming the file and the fix command) and
// bad engine inputs (emotion options, voice clips, codes made by another model).
import Foundation

public enum IndexTTS2ModelError: Error, CustomStringConvertible {
    /// The command that installs a complete model directory (built by the model manager).
    public static let fixCommand = "bookvox models download indextts2"

    case notADirectory(path: String)
    case missing(file: String)
    case corrupt(file: String, reason: String)
    case badEmotion(String)
    case badVoice(String)
    case badCodes(key: String, reason: String)
    case unsupported(String)

    public var description: String {
        let fix = "Fix: run `\(Self.fixCommand)` (or pass --model-dir DIR pointing at a complete IndexTTS2 model directory)."
        switch self {
        case let .notADirectory(p):
            return "IndexTTS2 model directory \(p) does not exist or is not a directory. \(fix)"
        case let .missing(f):
            return "IndexTTS2 model file missing: \(f). \(fix)"
        case let .corrupt(f, r):
            return "IndexTTS2 model file \(f) is unreadable or corrupt: \(r). \(fix)"
        case let .badEmotion(m): return "IndexTTS2 emotion: \(m)"
        case let .badVoice(m): return "IndexTTS2 voice: \(m)"
        case let .badCodes(k, r): return "IndexTTS2 segment \(k): stored codes cannot be rendered: \(r). Re-generate the segment (bookvox rerender \(k))."
        case let .unsupported(m): return "IndexTTS2: \(m)"
        }
    }
}
