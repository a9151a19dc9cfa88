// The GPT-2 pre-tokenizer regex that Whisper's tokenizers use (openai-whisper tokenizer.get_encoding's
// tiktoken pat_str, and transformers' WhisperTokenizer.pat), as a hand-written matcher with the regex's
// leftmost-first alternation semantics:
//   's|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+
// Contractions are case-sensitive; the optional prefix is a single U+0020 space; \s is Unicode White_Space.
// Every code point is a letter, a number, whitespace or "other", so the matches tile the input.
import Foundation

struct GPT2PreTokenizer: Sendable {
    private enum Kind { case letter, number, space, other }

    private static func kind(_ s: Unicode.Scalar) -> Kind {
        let v = s.value
        if Qwen2PreTokenizer.isWhiteSpace(v) { return .space }
        if v < 0x80 {
            if (0x41...0x5A).contains(v) || (0x61...0x7A).contains(v) { return .letter }
            if (0x30...0x39).contains(v) { return .number }
            return .other
        }
        switch s.properties.generalCategory {
        case .uppercaseLetter, .lowercaseLetter, .titlecaseLetter, .modifierLetter, .otherLetter: return .letter
        case .decimalNumber, .letterNumber, .otherNumber: return .number
        default: return .other
        }
    }

    private static let contractions: [[Unicode.Scalar]] = ["s", "t", "re", "ve", "m", "ll", "d"].map { Array($0.unicodeScalars) }

    /// Splits `scalars` into pre-tokens (ranges of code-point indices).
    func split(_ scalars: [Unicode.Scalar]) -> [Range<Int>] {
        let kinds = scalars.map(Self.kind)
        var out: [Range<Int>] = []
        var p = 0
        while p < scalars.count {
            let e = match(scalars, kinds, p)
            out.append(p..<e)
            p = e
        }
        return out
    }

    private func match(_ s: [Unicode.Scalar], _ k: [Kind], _ p: Int) -> Int {
        let n = s.count
        // 's|'t|'re|'ve|'m|'ll|'d
        if s[p] == "'" {
            for c in Self.contractions where p + 1 + c.count <= n && Array(s[(p + 1)..<(p + 1 + c.count)]) == c {
                return p + 1 + c.count
            }
        }
        // ` ?X+` for X = letter, number, other
        let start = (s[p] == " " && p + 1 < n) ? p + 1 : p
        for cls in [Kind.letter, .number, .other] {
            var q = start
            if k[q] == cls {
                while q < n && k[q] == cls { q += 1 }
                return q
            }
        }
        // (Without the optional space the space itself would have to match X, which it cannot.)
        // \s+(?!\S) | \s+
        var e = p
        while e < n && k[e] == .space { e += 1 }
        if e == n { return e }          // the whole run at the end of the input
        if e - p >= 2 { return e - 1 }  // leave the last space to prefix the next word
        return e                        // a single space before a non-space: \s+
    }
}
