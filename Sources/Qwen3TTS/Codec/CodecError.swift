// Errors of the 12 Hz speech tokenizer decoder.
public enum Qwen3CodecError: Error, CustomStringConvertible {
    case invalidConfig(key: String, reason: String)
    case codeShape(expected: String, found: String)
    case codeOutOfRange(quantizer: Int, frame: Int, value: Int, codebookSize: Int)
    case emptyInput(String)

    public var description: String {
        switch self {
        case let .invalidConfig(key, reason):
            return "speech tokenizer config '\(key)': \(reason); check speech_tokenizer/config.json"
        case let .codeShape(expected, found):
            return "speech tokenizer codes: expected \(expected), found \(found)"
        case let .codeOutOfRange(q, f, v, n):
            return "speech tokenizer code \(v) at frame \(f), quantizer \(q) is outside [0, \(n)); "
                + "codes must come from the matching model (pad batches with -1, which decode clamps to 0)"
        case let .emptyInput(what):
            return "speech tokenizer decode: \(what) is empty; pass at least one frame"
        }
    }
}
