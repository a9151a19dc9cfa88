// SentencePiece UNIGRAM tokenizer reading a serialized ModelProto (e.g. IndexTTS2's bpe.model).
// Mirrors sentencepiece: ModelInterface::InitializePieces, unigram::Model::EncodeOptimized (Viterbi
// over the piece lattice; user-defined pieces score length*max_score-0.1; an unknown character costs
// min_score-10), SentencePieceProcessor::PopulateSentencePieceText (runs of <unk> merged into one piece
// whose text is the normalized substring; byte fallback) and SentencePieceProcessor::Decode.
import Foundation
import Logging

public final class SentencePieceTokenizer: Sendable {
    private static let logger = Logger(label: "bookvox.textfrontend.sentencepiece")
    private static let unkPenalty: Float = 10

    public let model: SentencePieceModelProto
    let normalizer: SentencePieceNormalizer
    private let denormalizer: SentencePieceNormalizer?
    private let trie: ByteTrie
    private let pieceBytes: [[UInt8]]
    private let types: [SentencePieceModelProto.PieceType]
    private let scores: [Float]
    private let pieceIDs: [String: Int]      // normal, user-defined and unused pieces
    private let reservedIDs: [String: Int]   // control, unknown and byte pieces
    private let minScore: Float
    private let maxScore: Float
    public let unkID: Int

    /// Loads a serialized SentencePiece ModelProto (UNIGRAM).
    public convenience init(modelPath: String) throws {
        guard let data = FileManager.default.contents(atPath: modelPath) else {
            throw TokenizerError.unreadable(path: modelPath)
        }
        try self.init(modelBytes: [UInt8](data), path: modelPath)
    }

    public init(modelBytes: [UInt8], path: String = "<memory>") throws {
        let proto = try SentencePieceModelProto(bytes: modelBytes, path: path)
        guard proto.trainerSpec.modelType == 1 else {
            throw TokenizerError.unsupportedModelType(path: path, found: proto.trainerSpec.modelType)
        }
        model = proto
        var ids: [String: Int] = [:]
        var reserved: [String: Int] = [:]
        var userDefined: [String] = []
        var unk = -1
        var bytesFound = Set<Int>()
        for (i, p) in proto.pieces.enumerated() {
            guard !p.piece.isEmpty else {
                throw TokenizerError.invalidModel(path: path, reason: "piece \(i) is empty")
            }
            let isNormal = p.type == .normal || p.type == .userDefined || p.type == .unused
            if isNormal {
                guard ids[p.piece] == nil else {
                    throw TokenizerError.invalidModel(path: path, reason: "piece '\(p.piece)' (id \(i)) is defined twice")
                }
                ids[p.piece] = i
            } else {
                guard reserved[p.piece] == nil else {
                    throw TokenizerError.invalidModel(path: path, reason: "piece '\(p.piece)' (id \(i)) is defined twice")
                }
                reserved[p.piece] = i
            }
            if p.type == .userDefined { userDefined.append(p.piece) }
            if p.type == .unknown {
                guard unk < 0 else {
                    throw TokenizerError.invalidModel(path: path, reason: "two UNKNOWN pieces (ids \(unk) and \(i))")
                }
                unk = i
            }
            if p.type == .byte {
                guard proto.trainerSpec.byteFallback else {
                    throw TokenizerError.invalidModel(
                        path: path, reason: "byte piece \(p.piece) found although trainer_spec.byte_fallback is false")
                }
                guard let b = Self.pieceToByte(p.piece) else {
                    throw TokenizerError.invalidModel(path: path, reason: "byte piece \(p.piece) is not of the form <0xHH>")
                }
                bytesFound.insert(b)
            }
        }
        guard unk >= 0 else {
            throw TokenizerError.invalidModel(path: path, reason: "no piece of type UNKNOWN (<unk>)")
        }
        if proto.trainerSpec.byteFallback && bytesFound.count != 256 {
            throw TokenizerError.invalidModel(
                path: path, reason: "byte_fallback is true but only \(bytesFound.count) of 256 byte pieces exist")
        }
        unkID = unk
        pieceIDs = ids
        reservedIDs = reserved
        pieceBytes = proto.pieces.map { Array($0.piece.utf8) }
        types = proto.pieces.map(\.type)
        scores = proto.pieces.map(\.score)
        var lo = Float.greatestFiniteMagnitude
        var hi = Float.leastNormalMagnitude  // C's FLT_MIN, SentencePiece's initial max_score_
        for p in proto.pieces where p.type == .normal {
            lo = min(lo, p.score)
            hi = max(hi, p.score)
        }
        minScore = lo
        maxScore = hi
        trie = ByteTrie(keys: ids.map { (key: Array($0.key.utf8), value: $0.value) })
        normalizer = try SentencePieceNormalizer(
            spec: proto.normalizerSpec, treatWhitespaceAsSuffix: proto.trainerSpec.treatWhitespaceAsSuffix,
            userDefinedSymbols: userDefined, path: path)
        denormalizer = try proto.denormalizerSpec.map {
            try SentencePieceNormalizer(spec: $0, treatWhitespaceAsSuffix: false, userDefinedSymbols: [], path: path)
        }
    }

    public var vocabularySize: Int { pieceBytes.count }

    // MARK: - Encoding

    /// Token ids of `text` (SentencePieceProcessor.Encode(text, out_type=int)).
    public func encode(_ text: String) -> [Int] { encodePieces(text).map(\.id) }

    /// Pieces of `text` (SentencePieceProcessor.Encode(text, out_type=str)).
    public func pieces(_ text: String) -> [String] {
        encodePieces(text).map { String(decoding: $0.bytes, as: UTF8.self) }
    }

    /// Encodes into (piece bytes, id) pairs, with unknown runs merged or byte-decomposed.
    func encodePieces(_ text: String) -> [(bytes: [UInt8], id: Int)] {
        let normalized = normalizer.normalize(text)
        let path = viterbi(normalized)
        var out: [(bytes: [UInt8], id: Int)] = []
        out.reserveCapacity(path.count)
        var prevUnk = false
        for (range, id) in path {
            let w = Array(normalized[range])
            let isUnk = id == unkID
            if types[id] == .control {
                out.append((w, id))
            } else if isUnk && model.trainerSpec.byteFallback {
                for b in w { out.append((Array(Self.byteToPiece(b).utf8), pieceToID(Self.byteToPiece(b)))) }
            } else if isUnk && prevUnk {
                out[out.count - 1].bytes.append(contentsOf: w)
            } else {
                out.append((w, id))
            }
            prevUnk = isUnk
        }
        return out
    }

    /// unigram::Model::EncodeOptimized over UTF-8 positions: best path ending at every character boundary.
    private func viterbi(_ normalized: [UInt8]) -> [(Range<Int>, Int)] {
        let size = normalized.count
        guard size > 0 else { return [] }
        let unkScore = minScore - Self.unkPenalty
        var bestScore = [Float](repeating: 0, count: size + 1)
        var bestStart = [Int](repeating: -1, count: size + 1)
        var bestID = [Int](repeating: -1, count: size + 1)
        normalized.withUnsafeBufferPointer { text in
            var startsAt = 0
            while startsAt < size {
                let scoreHere = bestScore[startsAt]
                var hasSingleNode = false
                let mblen = min(SentencePieceNormalizer.oneCharLength(text[startsAt]), size - startsAt)
                var node = ByteTrie.root
                var keyPos = startsAt
                while keyPos < size {
                    node = trie.child(node, text[keyPos])
                    if node < 0 { break }
                    keyPos += 1
                    let id = trie.value(node)
                    if id < 0 || types[id] == .unused { continue }
                    let length = keyPos - startsAt
                    // User-defined symbols get a bonus so that they are always selected.
                    let score: Double = types[id] == .userDefined
                        ? Double(Float(length) * maxScore) - 0.1
                        : Double(scores[id])
                    let candidate = score + Double(scoreHere)
                    if bestStart[keyPos] == -1 || candidate > Double(bestScore[keyPos]) {
                        bestScore[keyPos] = Float(candidate)
                        bestStart[keyPos] = startsAt
                        bestID[keyPos] = id
                    }
                    if !hasSingleNode && length == mblen { hasSingleNode = true }
                }
                if !hasSingleNode {
                    let target = startsAt + mblen
                    let candidate = unkScore + scoreHere
                    if bestStart[target] == -1 || candidate > bestScore[target] {
                        bestScore[target] = candidate
                        bestStart[target] = startsAt
                        bestID[target] = unkID
                    }
                }
                startsAt += mblen
            }
        }
        var result: [(Range<Int>, Int)] = []
        var endsAt = size
        while endsAt > 0 {
            let s = bestStart[endsAt]
            result.append((s..<endsAt, bestID[endsAt]))
            endsAt = s
        }
        return result.reversed()
    }

    // MARK: - Vocabulary

    /// SentencePieceProcessor.PieceToId: reserved pieces first, then normal ones, else the unk id.
    public func pieceToID(_ piece: String) -> Int {
        reservedIDs[piece] ?? pieceIDs[piece] ?? unkID
    }

    /// The piece of `id`, or nil when out of range.
    public func idToPiece(_ id: Int) -> String? {
        id >= 0 && id < model.pieces.count ? model.pieces[id].piece : nil
    }

    static func byteToPiece(_ b: UInt8) -> String {
        let hex = String(b, radix: 16, uppercase: true)
        return "<0x" + (hex.count == 1 ? "0" + hex : hex) + ">"
    }

    static func pieceToByte(_ piece: String) -> Int? {
        guard piece.count == 6, piece.hasPrefix("<0x"), piece.hasSuffix(">") else { return nil }
        return Int(piece.dropFirst(3).prefix(2), radix: 16)
    }

    // MARK: - Decoding

    /// Length of the well-formed UTF-8 character at `i`, or nil (overlong, surrogate, truncated, > U+10FFFF).
    static func validUTF8Length(_ b: [UInt8], at i: Int) -> Int? {
        let c0 = b[i]
        if c0 < 0x80 { return 1 }
        func cont(_ k: Int) -> UInt32? {
            guard i + k < b.count, b[i + k] & 0xC0 == 0x80 else { return nil }
            return UInt32(b[i + k] & 0x3F)
        }
        switch c0 {
        case 0xC2...0xDF:
            return cont(1) != nil ? 2 : nil
        case 0xE0...0xEF:
            guard let c1 = cont(1), let c2 = cont(2) else { return nil }
            let cp = UInt32(c0 & 0x0F) << 12 | c1 << 6 | c2
            return cp >= 0x800 && !(0xD800...0xDFFF).contains(cp) ? 3 : nil
        case 0xF0...0xF4:
            guard let c1 = cont(1), let c2 = cont(2), let c3 = cont(3) else { return nil }
            let cp = UInt32(c0 & 0x07) << 18 | c1 << 12 | c2 << 6 | c3
            return cp >= 0x10000 && cp <= 0x10FFFF ? 4 : nil
        default:
            return nil
        }
    }

    /// SentencePieceProcessor.Decode(ids). Ids outside the vocabulary decode as the unknown surface.
    public func decode(_ ids: [Int]) -> String {
        var text: [UInt8] = []
        var byteRun: [UInt8] = []
        let spec = model.normalizerSpec
        let space = SentencePieceNormalizer.spaceSymbol
        var isBosWS = true
        var bosWSSeen = false
        func flushBytes() {
            guard !byteRun.isEmpty else { return }
            // Each structurally invalid byte becomes one U+FFFD (ProcessBytePieces).
            var i = 0
            while i < byteRun.count {
                if let n = Self.validUTF8Length(byteRun, at: i) {
                    text.append(contentsOf: byteRun[i..<(i + n)])
                    i += n
                } else {
                    text.append(contentsOf: [0xEF, 0xBF, 0xBD])
                    i += 1
                }
            }
            byteRun.removeAll()
        }
        for id in ids {
            guard id >= 0 && id < pieceBytes.count else {
                Self.logger.warning("decode: id \(id) is outside the vocabulary of \(pieceBytes.count) pieces")
                flushBytes()
                text.append(contentsOf: Array(model.trainerSpec.unkSurface.utf8))
                continue
            }
            if types[id] == .byte, let b = Self.pieceToByte(model.pieces[id].piece) {
                byteRun.append(UInt8(b))
                continue
            }
            flushBytes()
            if bosWSSeen || !text.isEmpty { isBosWS = false }
            bosWSSeen = false
            switch types[id] {
            case .control:
                continue
            case .unknown:
                text.append(contentsOf: Array(model.trainerSpec.unkSurface.utf8))
                continue
            default:
                break
            }
            var piece = pieceBytes[id][...]
            if isBosWS && (spec.addDummyPrefix || spec.removeExtraWhitespaces) {
                if piece.starts(with: space) {
                    piece = piece.dropFirst(space.count)
                    bosWSSeen = !spec.removeExtraWhitespaces
                }
            }
            var i = piece.startIndex
            while i < piece.endIndex {
                if piece[i...].starts(with: space) {
                    text.append(0x20)
                    i += space.count
                } else {
                    text.append(piece[i])
                    i += 1
                }
            }
        }
        flushBytes()
        if let denorm = denormalizer {
            let s = String(decoding: text, as: UTF8.self)
            return String(decoding: denorm.normalize(s), as: UTF8.self)
        }
        return String(decoding: text, as: UTF8.self)
    }
}
