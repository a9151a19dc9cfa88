// Added (special and extra) tokens of a Hugging Face tokenizer, split out of the text before the model
// runs: tokenizers' AddedVocabulary::find_matches (leftmost-longest match, then the single_word, lstrip
// and rstrip rules). Tokens with normalized=false match the raw text; normalized=true ones match the
// NFC-normalized remainder.
import Foundation

public struct AddedToken: Sendable, Equatable {
    public var id: Int
    public var content: String
    public var special: Bool
    public var singleWord = false
    public var lstrip = false
    public var rstrip = false
    public var normalized = false
}

struct AddedTokenMatcher: Sendable {
    private let tokens: [AddedToken]
    private let trie: ByteTrie?

    init(_ tokens: [AddedToken]) {
        self.tokens = tokens
        trie = tokens.isEmpty ? nil
            : ByteTrie(keys: tokens.enumerated().map { (key: Array($0.element.content.utf8), value: $0.offset) })
    }

    /// Rust regex `\w` (UTS #18 word character).
    private static func isWord(_ s: Unicode.Scalar) -> Bool {
        let p = s.properties
        switch p.generalCategory {
        case .nonspacingMark, .spacingMark, .enclosingMark, .decimalNumber, .connectorPunctuation: return true
        default: return p.isAlphabetic || s.value == 0x200C || s.value == 0x200D
        }
    }

    /// Splits UTF-8 `text` into pieces: (byte range, added token id or nil for plain text).
    func split(_ text: [UInt8]) -> [(range: Range<Int>, id: Int?)] {
        guard let trie else { return text.isEmpty ? [] : [(0..<text.count, nil)] }
        var pieces: [(range: Range<Int>, id: Int?)] = []
        var startOffset = 0
        text.withUnsafeBufferPointer { buf in
            var pos = 0
            while pos < buf.count {
                // Longest token starting here (leftmost-longest search).
                var node = ByteTrie.root
                var matchEnd = -1, matchIndex = -1
                var i = pos
                while i < buf.count {
                    node = trie.child(node, buf[i])
                    if node < 0 { break }
                    i += 1
                    let v = trie.value(node)
                    if v >= 0 { matchEnd = i; matchIndex = v }
                }
                guard matchIndex >= 0 else {
                    pos += 1
                    continue
                }
                let token = tokens[matchIndex]
                var start = pos, stop = matchEnd
                pos = matchEnd
                if token.singleWord {
                    let before = String(decoding: buf[0..<start], as: UTF8.self).unicodeScalars.last
                    let after = String(decoding: buf[stop...], as: UTF8.self).unicodeScalars.first
                    if before.map(Self.isWord) == true || after.map(Self.isWord) == true { continue }
                }
                if token.lstrip {
                    let prefix = String(decoding: buf[0..<start], as: UTF8.self).unicodeScalars
                    var spaceBytes = 0
                    for s in prefix.reversed() {
                        guard Qwen2PreTokenizer.isWhiteSpace(s.value) else { break }
                        spaceBytes += String(s).utf8.count
                    }
                    start = max(start - spaceBytes, startOffset)
                }
                if token.rstrip {
                    for s in String(decoding: buf[stop...], as: UTF8.self).unicodeScalars {
                        guard Qwen2PreTokenizer.isWhiteSpace(s.value) else { break }
                        stop += String(s).utf8.count
                    }
                    pos = max(pos, stop)
                }
                if startOffset < start { pieces.append((startOffset..<start, nil)) }
                pieces.append((start..<stop, token.id))
                startOffset = stop
            }
        }
        if startOffset < text.count { pieces.append((startOffset..<text.count, nil)) }
        return pieces
    }
}
