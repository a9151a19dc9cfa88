// The parts of SentencePiece's ModelProto (sentencepiece_model.proto) that encoding and decoding read:
// pieces (piece, score, type), trainer_spec and normalizer_spec. Field numbers and defaults follow the .proto.
import Foundation

public struct SentencePieceModelProto: Sendable {
    /// ModelProto.SentencePiece.Type
    public enum PieceType: Int, Sendable {
        case normal = 1, unknown = 2, control = 3, userDefined = 4, unused = 5, byte = 6
    }

    public struct Piece: Sendable {
        public var piece: String
        public var score: Float
        public var type: PieceType
    }

    public struct TrainerSpec: Sendable {
        public var modelType = 1          // UNIGRAM
        public var vocabSize = 8000
        public var treatWhitespaceAsSuffix = false
        public var byteFallback = false
        public var unkID = 0
        public var bosID = 1
        public var eosID = 2
        public var padID = -1
        public var unkPiece = "<unk>"
        public var bosPiece = "<s>"
        public var eosPiece = "</s>"
        public var padPiece = "<pad>"
        public var unkSurface = " \u{2047} "
    }

    public struct NormalizerSpec: Sendable {
        public var name = ""
        public var precompiledCharsmap: [UInt8] = []
        public var addDummyPrefix = true
        public var removeExtraWhitespaces = true
        public var escapeWhitespaces = true
    }

    public var pieces: [Piece] = []
    public var trainerSpec = TrainerSpec()
    public var normalizerSpec = NormalizerSpec()
    public var denormalizerSpec: NormalizerSpec?

    /// Parses a serialized ModelProto; `path` only names the file in errors.
    public init(bytes: [UInt8], path: String) throws {
        do {
            var reader = ProtobufReader(bytes: bytes)
            while !reader.isAtEnd {
                let f = try reader.nextField()
                switch (f.number, f.wireType) {
                case (1, .lengthDelimited): pieces.append(try Self.parsePiece(reader.subReader(f)))
                case (2, .lengthDelimited): trainerSpec = try Self.parseTrainer(reader.subReader(f))
                case (3, .lengthDelimited): normalizerSpec = try Self.parseNormalizer(reader.subReader(f))
                case (5, .lengthDelimited): denormalizerSpec = try Self.parseNormalizer(reader.subReader(f))
                case (1...3, _), (5, _):
                    throw ProtobufReader.Failure(offset: reader.position, reason: "field \(f.number) has wire type \(f.wireType)")
                default: continue  // self_test_data and unknown fields
                }
            }
        } catch let e as ProtobufReader.Failure {
            throw TokenizerError.malformedProtobuf(path: path, offset: e.offset, reason: e.reason)
        }
        if pieces.isEmpty {
            throw TokenizerError.invalidModel(path: path, reason: "the ModelProto has no pieces (field 1)")
        }
    }

    private static func parsePiece(_ r: ProtobufReader) throws -> Piece {
        var reader = r
        var piece = Piece(piece: "", score: 0, type: .normal)
        while !reader.isAtEnd {
            let f = try reader.nextField()
            switch f.number {
            case 1: piece.piece = try reader.string(f)
            case 2: piece.score = try ProtobufReader.float(f)
            case 3:
                let raw = try ProtobufReader.int32(f)
                guard let t = PieceType(rawValue: raw) else {
                    throw ProtobufReader.Failure(offset: reader.position, reason: "unknown piece type \(raw)")
                }
                piece.type = t
            default: continue
            }
        }
        return piece
    }

    private static func parseTrainer(_ r: ProtobufReader) throws -> TrainerSpec {
        var reader = r
        var t = TrainerSpec()
        while !reader.isAtEnd {
            let f = try reader.nextField()
            switch f.number {
            case 3: t.modelType = try ProtobufReader.int32(f)
            case 4: t.vocabSize = try ProtobufReader.int32(f)
            case 24: t.treatWhitespaceAsSuffix = try ProtobufReader.bool(f)
            case 35: t.byteFallback = try ProtobufReader.bool(f)
            case 40: t.unkID = try ProtobufReader.int32(f)
            case 41: t.bosID = try ProtobufReader.int32(f)
            case 42: t.eosID = try ProtobufReader.int32(f)
            case 43: t.padID = try ProtobufReader.int32(f)
            case 44: t.unkSurface = try reader.string(f)
            case 45: t.unkPiece = try reader.string(f)
            case 46: t.bosPiece = try reader.string(f)
            case 47: t.eosPiece = try reader.string(f)
            case 48: t.padPiece = try reader.string(f)
            default: continue
            }
        }
        return t
    }

    private static func parseNormalizer(_ r: ProtobufReader) throws -> NormalizerSpec {
        var reader = r
        var n = NormalizerSpec()
        while !reader.isAtEnd {
            let f = try reader.nextField()
            switch f.number {
            case 1: n.name = try reader.string(f)
            case 2:
                guard f.wireType == .lengthDelimited else {
                    throw ProtobufReader.Failure(offset: reader.position, reason: "precompiled_charsmap is not bytes")
                }
                n.precompiledCharsmap = reader.data(f)
            case 3: n.addDummyPrefix = try ProtobufReader.bool(f)
            case 4: n.removeExtraWhitespaces = try ProtobufReader.bool(f)
            case 5: n.escapeWhitespaces = try ProtobufReader.bool(f)
            default: continue
            }
        }
        return n
    }
}
