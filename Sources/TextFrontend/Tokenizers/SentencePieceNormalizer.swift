// Port of SentencePiece's normalizer (normalizer.cc: Normalizer::Normalize / NormalizePrefix,
// PrefixMatcher). At each position: a user-defined symbol (longest match) is copied verbatim;
// otherwise the longest rule of the precompiled charsmap (darts-clone trie + NUL-terminated
// replacement strings, e.g. nmt_nfkc) replaces the prefix; otherwise one UTF-8 character is copied.
// Whitespace: leading spaces dropped, runs collapsed, trailing dropped (remove_extra_whitespaces),
// ' ' escaped to U+2581 (escape_whitespaces), and a dummy U+2581 prefix (add_dummy_prefix).
import Foundation

struct SentencePieceNormalizer {
    static let spaceSymbol: [UInt8] = [0xE2, 0x96, 0x81]  // "▁" U+2581

    private let spec: SentencePieceModelProto.NormalizerSpec
    private let treatWhitespaceAsSuffix: Bool
    private let charsMap: DoubleArrayTrie?
    private let replacements: [UInt8]       // NUL-terminated normalized strings of the charsmap
    private let userDefined: ByteTrie?

    init(spec: SentencePieceModelProto.NormalizerSpec, treatWhitespaceAsSuffix: Bool,
         userDefinedSymbols: [String], path: String) throws {
        self.spec = spec
        self.treatWhitespaceAsSuffix = treatWhitespaceAsSuffix
        let blob = spec.precompiledCharsmap
        if blob.isEmpty {
            charsMap = nil
            replacements = []
        } else {
            // <trie size: uint32 LE><double array units><normalized strings>
            guard blob.count > 4 else {
                throw TokenizerError.malformedCharsMap(path: path, reason: "blob of \(blob.count) bytes has no trie")
            }
            let trieSize = Int(UInt32(blob[0]) | UInt32(blob[1]) << 8 | UInt32(blob[2]) << 16 | UInt32(blob[3]) << 24)
            guard trieSize <= blob.count - 4 else {
                throw TokenizerError.malformedCharsMap(
                    path: path, reason: "trie size \(trieSize) exceeds the \(blob.count - 4) bytes that follow it")
            }
            var units = [UInt32](repeating: 0, count: trieSize / 4)
            for i in 0..<units.count {
                let o = 4 + 4 * i
                units[i] = UInt32(blob[o]) | UInt32(blob[o + 1]) << 8 | UInt32(blob[o + 2]) << 16 | UInt32(blob[o + 3]) << 24
            }
            let strings = Array(blob[(4 + trieSize)...])
            // Every leaf value must point at a NUL-terminated string inside the blob.
            let lastNul = strings.lastIndex(of: 0) ?? -1
            for u in units where u & (1 << 31) != 0 {
                let v = Int(u & ((1 << 31) - 1))
                guard v <= lastNul else {
                    throw TokenizerError.malformedCharsMap(
                        path: path, reason: "rule points at offset \(v) outside the \(strings.count)-byte string table")
                }
            }
            charsMap = DoubleArrayTrie(units: units)
            replacements = strings
        }
        let symbols = userDefinedSymbols.map { (key: Array($0.utf8), value: 1) }
        userDefined = symbols.isEmpty ? nil : ByteTrie(keys: symbols)
    }

    /// Length of one UTF-8 character from its lead byte (SentencePiece's OneCharLen).
    @inline(__always) static func oneCharLength(_ lead: UInt8) -> Int {
        switch lead >> 4 {
        case 0xC, 0xD: return 2
        case 0xE: return 3
        case 0xF: return 4
        default: return 1
        }
    }

    /// NormalizePrefix: appends the normalized form of the prefix at `pos` to `out`; returns bytes consumed.
    @inline(__always)
    private func normalizePrefix(_ input: UnsafeBufferPointer<UInt8>, _ pos: Int, into out: inout [UInt8]) -> Int {
        let end = input.count
        if let ud = userDefined {
            let n = ud.longestPrefixLength(input, from: pos, to: end)
            if n > 0 {
                out.append(contentsOf: input[pos..<(pos + n)])
                return n
            }
        }
        if let map = charsMap, let match = map.longestPrefix(input, from: pos, to: end) {
            var i = match.value
            while replacements[i] != 0 {
                out.append(replacements[i])
                i += 1
            }
            return match.length
        }
        let n = min(Self.oneCharLength(input[pos]), end - pos)
        out.append(contentsOf: input[pos..<(pos + n)])
        return n
    }

    /// Normalizes UTF-8 text into the string the unigram model segments.
    func normalize(_ text: String) -> [UInt8] {
        let utf8 = Array(text.utf8)
        return utf8.withUnsafeBufferPointer { normalize($0) }
    }

    func normalize(_ input: UnsafeBufferPointer<UInt8>) -> [UInt8] {
        var normalized: [UInt8] = []
        guard !input.isEmpty else { return normalized }
        var pos = 0
        var piece: [UInt8] = []
        piece.reserveCapacity(16)
        // Ignore heading spaces.
        if spec.removeExtraWhitespaces {
            while pos < input.count {
                piece.removeAll(keepingCapacity: true)
                let n = normalizePrefix(input, pos, into: &piece)
                if piece != [0x20] { break }
                pos += n
            }
        }
        if pos >= input.count { return normalized }
        normalized.reserveCapacity(input.count * 3)

        let escape = spec.escapeWhitespaces
        func addWhitespace() {
            if escape { normalized.append(contentsOf: Self.spaceSymbol) } else { normalized.append(0x20) }
        }
        if !treatWhitespaceAsSuffix && spec.addDummyPrefix { addWhitespace() }

        var isPrevSpace = spec.removeExtraWhitespaces
        while pos < input.count {
            piece.removeAll(keepingCapacity: true)
            let consumed = normalizePrefix(input, pos, into: &piece)
            var start = 0
            // Remove heading spaces of this piece if the previous one ended with whitespace.
            while isPrevSpace && start < piece.count && piece[start] == 0x20 { start += 1 }
            if start < piece.count {
                for i in start..<piece.count {
                    let b = piece[i]
                    if escape && b == 0x20 {
                        normalized.append(contentsOf: Self.spaceSymbol)
                    } else {
                        normalized.append(b)
                    }
                }
                isPrevSpace = piece[piece.count - 1] == 0x20
            }
            pos += consumed
            if !spec.removeExtraWhitespaces { isPrevSpace = false }
        }
        // Ignore trailing space.
        if spec.removeExtraWhitespaces {
            let space: [UInt8] = escape ? Self.spaceSymbol : [0x20]
            while normalized.count >= space.count && Array(normalized.suffix(space.count)) == space {
                normalized.removeLast(space.count)
            }
        }
        if treatWhitespaceAsSuffix && spec.addDummyPrefix { addWhitespace() }
        return normalized
    }
}
