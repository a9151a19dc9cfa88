// Python `str` semantics the ported Whisper text code relies on, on Unicode scalars (Python strings are
// sequences of code points; Swift's String compares grapheme clusters, which differs around combining marks).
//   * whitespace = str.isspace (Unicode White_Space plus the U+001C…U+001F separators);
//   * strip()/split() with no argument; `a in b` substring tests; string.punctuation.
import Foundation

enum PythonText {
    /// string.punctuation
    static let asciiPunctuation = "!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~"

    /// str.isspace for one code point.
    static func isSpace(_ s: Unicode.Scalar) -> Bool {
        switch s.value {
        case 0x09...0x0D, 0x1C...0x20, 0x85, 0xA0, 0x1680, 0x2000...0x200A, 0x2028, 0x2029, 0x202F, 0x205F, 0x3000:
            return true
        default:
            return false
        }
    }

    static func string(_ scalars: some Sequence<Unicode.Scalar>) -> String {
        var v = String.UnicodeScalarView()
        v.append(contentsOf: scalars)
        return String(v)
    }

    /// str.strip()
    static func strip(_ s: String) -> String {
        let u = Array(s.unicodeScalars)
        guard let a = u.firstIndex(where: { !isSpace($0) }), let b = u.lastIndex(where: { !isSpace($0) }) else { return "" }
        return string(u[a...b])
    }

    /// str.split() (runs of whitespace, no empty pieces).
    static func split(_ s: String) -> [String] {
        var out: [String] = [], cur = String.UnicodeScalarView()
        for c in s.unicodeScalars {
            if isSpace(c) {
                if !cur.isEmpty { out.append(String(cur)); cur = String.UnicodeScalarView() }
            } else {
                cur.append(c)
            }
        }
        if !cur.isEmpty { out.append(String(cur)) }
        return out
    }

    /// `needle in haystack` for strings (code-point substring; the empty string is in every string).
    static func isSubstring(_ needle: String, of haystack: String) -> Bool {
        let n = Array(needle.unicodeScalars), h = Array(haystack.unicodeScalars)
        if n.isEmpty { return true }
        if n.count > h.count { return false }
        for i in 0...(h.count - n.count) where Array(h[i..<(i + n.count)]) == n { return true }
        return false
    }

    /// str.startswith / str.endswith on code points.
    static func startsWith(_ s: String, _ prefix: String) -> Bool { Array(s.unicodeScalars).starts(with: prefix.unicodeScalars) }
    static func endsWith(_ s: String, _ suffix: String) -> Bool {
        Array(s.unicodeScalars.reversed()).starts(with: suffix.unicodeScalars.reversed())
    }

    /// Code-point equality (Swift's == on String is canonical equivalence).
    static func same(_ a: String, _ b: String) -> Bool { a.unicodeScalars.elementsEqual(b.unicodeScalars) }
}
