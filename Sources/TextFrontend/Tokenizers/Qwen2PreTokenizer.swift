// The Split pre-tokenizer of Qwen2's tokenizer.json (behavior "Isolated"), as hand-written matchers for
// the two regexes a Qwen3-TTS pipeline can end up with (Oniguruma leftmost-first alternation semantics):
//
// qwen2 (what the checkpoint was trained with; tokenizer.json as shipped):
//   (?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+
// mistralFix (transformers 4.57.3 installs it for fix_mistral_regex=True on a local directory whose
// config.json transformers_version is missing or in (4.57.2, 5.0.0); see specs/qwen3tts.md §4):
//   [^\r\n\p{L}\p{N}]?[\p{Lu}\p{Lt}\p{Lm}\p{Lo}\p{M}]*[\p{Ll}\p{Lm}\p{Lo}\p{M}]+
//   |[^\r\n\p{L}\p{N}]?[\p{Lu}\p{Lt}\p{Lm}\p{Lo}\p{M}]+[\p{Ll}\p{Lm}\p{Lo}\p{M}]*
//   |\p{N}| ?[^\s\p{L}\p{N}]+[\r\n/]*|\s*[\r\n]+|\s+(?!\S)|\s+
// Every code point is a letter, number, whitespace or "other", so the matches tile the input.
import Foundation

public enum Qwen2PreTokenizerRegex: String, Sendable, CaseIterable {
    case qwen2
    case mistralFix
}

struct Qwen2PreTokenizer: Sendable {
    let regex: Qwen2PreTokenizerRegex

    /// Character classes of one code point (bit set).
    struct Classes: OptionSet {
        let rawValue: UInt16
        static let letter = Classes(rawValue: 1 << 0)      // \p{L}
        static let number = Classes(rawValue: 1 << 1)      // \p{N}
        static let space = Classes(rawValue: 1 << 2)       // \s (White_Space)
        static let crlf = Classes(rawValue: 1 << 3)        // \r or \n
        static let upperish = Classes(rawValue: 1 << 4)    // Lu Lt Lm Lo M
        static let lowerish = Classes(rawValue: 1 << 5)    // Ll Lm Lo M
        static let mark = Classes(rawValue: 1 << 6)        // \p{M}
        static let slash = Classes(rawValue: 1 << 7)       // '/'
    }

    static func isWhiteSpace(_ v: UInt32) -> Bool {
        switch v {
        case 0x09...0x0D, 0x20, 0x85, 0xA0, 0x1680, 0x2000...0x200A, 0x2028, 0x2029, 0x202F, 0x205F, 0x3000:
            return true
        default:
            return false
        }
    }

    static func classes(_ s: Unicode.Scalar) -> Classes {
        var c: Classes = []
        let v = s.value
        if isWhiteSpace(v) { c.insert(.space) }
        if v == 0x0D || v == 0x0A { c.insert(.crlf) }
        if v == 0x2F { c.insert(.slash) }
        if v < 0x80 {
            if (0x41...0x5A).contains(v) { c.formUnion([.letter, .upperish]) }
            if (0x61...0x7A).contains(v) { c.formUnion([.letter, .lowerish]) }
            if (0x30...0x39).contains(v) { c.insert(.number) }
            return c
        }
        switch s.properties.generalCategory {
        case .uppercaseLetter, .titlecaseLetter: c.formUnion([.letter, .upperish])
        case .lowercaseLetter: c.formUnion([.letter, .lowerish])
        case .modifierLetter, .otherLetter: c.formUnion([.letter, .upperish, .lowerish])
        case .nonspacingMark, .spacingMark, .enclosingMark: c.formUnion([.mark, .upperish, .lowerish])
        case .decimalNumber, .letterNumber, .otherNumber: c.insert(.number)
        default: break
        }
        return c
    }

    /// Splits `scalars` into pre-tokens (ranges of code-point indices).
    func split(_ scalars: [Unicode.Scalar]) -> [Range<Int>] {
        let cls = scalars.map(Self.classes)
        var out: [Range<Int>] = []
        var p = 0
        while p < scalars.count {
            let e = (regex == .qwen2 ? matchQwen2(scalars, cls, p) : matchMistral(scalars, cls, p)) ?? (p + 1)
            out.append(p..<e)
            p = e
        }
        return out
    }

    // MARK: Shared alternatives

    /// `\p{N}`
    private func number(_ c: [Classes], _ p: Int) -> Int? { c[p].contains(.number) ? p + 1 : nil }

    /// ` ?[^\s\p{L}\p{N}]+` followed by `[\r\n]*` (or `[\r\n/]*` for the mistral variant).
    private func punctuation(_ s: [Unicode.Scalar], _ c: [Classes], _ p: Int, trailing: Classes) -> Int? {
        func isOther(_ k: Int) -> Bool { k < c.count && c[k].isDisjoint(with: [.space, .letter, .number]) }
        var q = p
        if s[p] == " " && isOther(p + 1) { q = p + 1 }
        guard isOther(q) else { return nil }
        while isOther(q) { q += 1 }
        while q < c.count && !c[q].isDisjoint(with: trailing) { q += 1 }
        return q
    }

    /// `\s*[\r\n]+|\s+(?!\S)|\s+`
    private func whitespace(_ c: [Classes], _ p: Int) -> Int? {
        guard c[p].contains(.space) else { return nil }
        var e = p
        while e < c.count && c[e].contains(.space) { e += 1 }
        // \s*[\r\n]+ : \s* backtracks to the last \r or \n of the run, which [\r\n]+ then takes.
        if let lastNewline = (p..<e).last(where: { c[$0].contains(.crlf) }) { return lastNewline + 1 }
        // \s+(?!\S) : the whole run at the end of input, else all but its last character.
        if e == c.count { return e }
        if e - p >= 2 { return e - 1 }
        return e  // \s+
    }

    // MARK: qwen2

    private func matchQwen2(_ s: [Unicode.Scalar], _ c: [Classes], _ p: Int) -> Int? {
        if let e = contraction(s, p) { return e }
        // [^\r\n\p{L}\p{N}]?\p{L}+
        var q = p
        if c[p].isDisjoint(with: [.crlf, .letter, .number]) && p + 1 < c.count && c[p + 1].contains(.letter) { q = p + 1 }
        if c[q].contains(.letter) {
            while q < c.count && c[q].contains(.letter) { q += 1 }
            return q
        }
        return number(c, p) ?? punctuation(s, c, p, trailing: .crlf) ?? whitespace(c, p)
    }

    /// `(?i:'s|'t|'re|'ve|'m|'ll|'d)` (Unicode case folding: ſ matches s).
    private func contraction(_ s: [Unicode.Scalar], _ p: Int) -> Int? {
        guard s[p] == "'", p + 1 < s.count else { return nil }
        func folded(_ k: Int) -> UInt32 {
            guard k < s.count else { return 0 }
            let v = s[k].value
            if v == 0x17F { return 0x73 }                      // ſ → s
            if (0x41...0x5A).contains(v) { return v + 32 }      // ASCII upper → lower
            return v
        }
        let a = folded(p + 1), b = folded(p + 2)
        switch a {
        case 0x73, 0x74, 0x6D, 0x64: return p + 2                 // 's 't 'm 'd
        case 0x72, 0x76: return b == 0x65 ? p + 3 : nil           // 're 've
        case 0x6C: return b == 0x6C ? p + 3 : nil                 // 'll
        default: return nil
        }
    }

    // MARK: mistralFix

    private func matchMistral(_ s: [Unicode.Scalar], _ c: [Classes], _ p: Int) -> Int? {
        let canPrefix = c[p].isDisjoint(with: [.crlf, .letter, .number])
        // Alternative 1: x? U* W+  (tried with the optional prefix first, then without).
        if canPrefix, let e = upperThenLower(c, p + 1) { return e }
        if let e = upperThenLower(c, p) { return e }
        // Alternative 2: x? U+ W*
        if canPrefix, let e = upperRunThenLowers(c, p + 1) { return e }
        if let e = upperRunThenLowers(c, p) { return e }
        return number(c, p) ?? punctuation(s, c, p, trailing: [.crlf, .slash]) ?? whitespace(c, p)
    }

    /// `[U]*[W]+` at q with backtracking: U* takes its maximal run, then gives back characters until W+ can
    /// start; W+ is then greedy.
    private func upperThenLower(_ c: [Classes], _ q: Int) -> Int? {
        guard q < c.count else { return nil }
        var u = q
        while u < c.count && c[u].contains(.upperish) { u += 1 }
        var k = u
        while k >= q {
            if k < c.count && c[k].contains(.lowerish) {
                var e = k
                while e < c.count && c[e].contains(.lowerish) { e += 1 }
                return e
            }
            k -= 1
        }
        return nil
    }

    /// `[U]+[W]*` at q.
    private func upperRunThenLowers(_ c: [Classes], _ q: Int) -> Int? {
        guard q < c.count, c[q].contains(.upperish) else { return nil }
        var e = q
        while e < c.count && c[e].contains(.upperish) { e += 1 }
        while e < c.count && c[e].contains(.lowerish) { e += 1 }
        return e
    }
}
