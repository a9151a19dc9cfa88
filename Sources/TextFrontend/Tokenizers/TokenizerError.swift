// Typed errors for the model tokenizers (SentencePiece and byte-level BPE).
import Foundation

public enum TokenizerError: Error, CustomStringConvertible {
    /// A file could not be read at all.
    case unreadable(path: String)
    /// The bytes of a SentencePiece model are not a valid ModelProto.
    case malformedProtobuf(path: String, offset: Int, reason: String)
    /// The ModelProto parsed but its content is not usable.
    case invalidModel(path: String, reason: String)
    /// A model type this port does not implement (only UNIGRAM is).
    case unsupportedModelType(path: String, found: Int)
    /// The precompiled normalization map is broken.
    case malformedCharsMap(path: String, reason: String)
    /// A JSON or text tokenizer file does not have the expected layout.
    case malformedFile(path: String, reason: String)

    public var description: String {
        switch self {
        case let .unreadable(path):
            return "cannot read tokenizer file \(path): check that it exists and is readable"
        case let .malformedProtobuf(path, offset, reason):
            return "\(path) is not a valid SentencePiece model (protobuf error at byte \(offset): \(reason)); "
                + "expected a serialized ModelProto such as the published bpe.model"
        case let .invalidModel(path, reason):
            return "SentencePiece model \(path) is not usable: \(reason)"
        case let .unsupportedModelType(path, found):
            return "SentencePiece model \(path) has model_type \(found); only UNIGRAM (1) is implemented"
        case let .malformedCharsMap(path, reason):
            return "SentencePiece model \(path) has a broken precompiled_charsmap: \(reason)"
        case let .malformedFile(path, reason):
            return "tokenizer file \(path) is malformed: \(reason)"
        }
    }
}
