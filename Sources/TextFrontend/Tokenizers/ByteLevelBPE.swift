// Byte-level BPE model (GPT-2 / Qwen2): vocab.json + merges.txt, with the GPT-2 bytes_to_unicode map.
// Tokens are handled as raw byte strings (each vocabulary string mapped back through bytes_to_unicode),
// so a pre-token's UTF-8 bytes are the initial symbols. Merges apply lowest rank first, leftmost on ties
// (the order of tokenizers' BPE::merge_word priority queue).
import Foundation

struct ByteLevelBPE: Sendable {
    /// GPT-2 bytes_to_unicode: printable Latin-1 bytes map to themselves, the rest to U+0100 + n.
    static let byteToChar: [Unicode.Scalar] = {
        var printable = Array(0x21...0x7E) + Array(0xA1...0xAC) + Array(0xAE...0xFF)
        var chars = printable
        var n = 0
        for b in 0..<256 where !printable.contains(b) {
            printable.append(b)
            chars.append(256 + n)
            n += 1
        }
        var table = [Unicode.Scalar](repeating: " ", count: 256)
        for (b, c) in zip(printable, chars) { table[b] = Unicode.Scalar(UInt32(c))! }
        return table
    }()

    static let charToByte: [UInt32: UInt8] = {
        var m: [UInt32: UInt8] = [:]
        for (b, c) in byteToChar.enumerated() { m[c.value] = UInt8(b) }
        return m
    }()

    /// The raw bytes a byte-level token string stands for, or nil if it has a character outside the map.
    static func bytes(ofToken token: String) -> [UInt8]? {
        var out: [UInt8] = []
        out.reserveCapacity(token.unicodeScalars.count)
        for s in token.unicodeScalars {
            guard let b = charToByte[s.value] else { return nil }
            out.append(b)
        }
        return out
    }

    /// tokenizers' ByteLevel decoder for one token: mapped bytes, or the token's UTF-8 when unmappable.
    static func decodeToken(_ token: String) -> [UInt8] { bytes(ofToken: token) ?? Array(token.utf8) }

    private let idsByBytes: [[UInt8]: Int32]
    private let byteIDs: [Int32]                      // id of each single-byte symbol
    private let merges: [UInt64: (rank: Int32, id: Int32)]
    let ignoreMerges: Bool

    /// `vocab` maps token strings to ids; `merges` are (left, right) token strings in rank order.
    init(vocab: [String: Int], merges: [(String, String)], ignoreMerges: Bool, path: String) throws {
        var byBytes: [[UInt8]: Int32] = [:]
        byBytes.reserveCapacity(vocab.count)
        for (token, id) in vocab {
            byBytes[Self.bytes(ofToken: token) ?? Array(token.utf8)] = Int32(id)
        }
        var singles = [Int32](repeating: -1, count: 256)
        for b in 0..<256 {
            guard let id = byBytes[[UInt8(b)]] else {
                throw TokenizerError.malformedFile(
                    path: path, reason: "vocabulary lacks the byte symbol '\(Self.byteToChar[b])' for byte \(b)")
            }
            singles[b] = id
        }
        var table: [UInt64: (rank: Int32, id: Int32)] = [:]
        table.reserveCapacity(merges.count)
        for (rank, (a, b)) in merges.enumerated() {
            guard let ia = vocab[a], let ib = vocab[b] else {
                throw TokenizerError.malformedFile(path: path, reason: "merge \(rank) '\(a) \(b)' uses a token missing from vocab.json")
            }
            guard let merged = vocab[a + b] else {
                throw TokenizerError.malformedFile(path: path, reason: "merge \(rank) result '\(a + b)' is missing from vocab.json")
            }
            let key = UInt64(UInt32(ia)) << 32 | UInt64(UInt32(ib))
            if table[key] == nil { table[key] = (Int32(rank), Int32(merged)) }
        }
        idsByBytes = byBytes
        byteIDs = singles
        self.merges = table
        self.ignoreMerges = ignoreMerges
    }

    /// BPE of one pre-token given as UTF-8 bytes; appends ids to `out`.
    func encode(_ word: ArraySlice<UInt8>, into out: inout [Int]) {
        if word.isEmpty { return }
        if ignoreMerges, let id = idsByBytes[Array(word)] {
            out.append(Int(id))
            return
        }
        var symbols = word.map { byteIDs[Int($0)] }
        if symbols.count == 1 {
            out.append(Int(symbols[0]))
            return
        }
        // ranks[i] / results[i]: the merge of (symbols[i], symbols[i+1]), or Int32.max when none.
        var ranks = [Int32](repeating: .max, count: symbols.count - 1)
        var results = [Int32](repeating: -1, count: symbols.count - 1)
        func lookup(_ i: Int) {
            let key = UInt64(UInt32(symbols[i])) << 32 | UInt64(UInt32(symbols[i + 1]))
            if let m = merges[key] {
                ranks[i] = m.rank
                results[i] = m.id
            } else {
                ranks[i] = .max
                results[i] = -1
            }
        }
        for i in 0..<ranks.count { lookup(i) }
        while !ranks.isEmpty {
            var best = 0
            for i in 1..<ranks.count where ranks[i] < ranks[best] { best = i }
            if ranks[best] == .max { break }
            symbols[best] = results[best]
            symbols.remove(at: best + 1)
            ranks.remove(at: best)
            results.remove(at: best)
            if best < ranks.count { lookup(best) }
            if best > 0 { lookup(best - 1) }
        }
        for s in symbols { out.append(Int(s)) }
    }
}
