// Python `re` operations (sub with a template or a function, split, match) on ICU regular expressions, with
// Python 3's Unicode meanings of the escapes the normalizers use spelled out, since ICU's differ slightly:
//   \s  = str.isspace (adds U+001C…U+001F to Unicode White_Space)
//   \w  = [\p{L}\p{N}_] (str.isalnum or "_"); ICU's \w also takes combining marks
//   \b  = a boundary between \w and non-\w
//   \d  = \p{Nd}
// Templates use Python's \1 group syntax. Positions are Python string positions (code points); ICU works in
// UTF-16 internally, which changes nothing for matching.
import Foundation

struct PyRegex: @unchecked Sendable {
    static let word = "[\\p{L}\\p{N}_]"
    static let space = "[\\t-\\r\\x{1c}-\\x{20}\\x{85}\\x{a0}\\x{1680}\\x{2000}-\\x{200a}\\x{2028}\\x{2029}\\x{202f}\\x{205f}\\x{3000}]"
    static let boundary = "(?:(?<=\(word))(?!\(word))|(?<!\(word))(?=\(word)))"

    let pattern: String
    private let regex: NSRegularExpression

    /// `pattern` in Python syntax (the escapes above are translated; they must not appear inside [...]).
    init(_ pattern: String) {
        self.pattern = pattern
        var translated = ""
        var chars = Array(pattern)
        var i = 0
        while i < chars.count {
            if chars[i] == "\\" && i + 1 < chars.count {
                switch chars[i + 1] {
                case "s": translated += Self.space
                case "w": translated += Self.word
                case "b": translated += Self.boundary
                case "d": translated += "\\p{Nd}"
                default: translated += String(chars[i...(i + 1)])
                }
                i += 2
                continue
            }
            translated.append(chars[i])
            i += 1
        }
        chars = []
        regex = try! NSRegularExpression(pattern: translated, options: [])
    }

    /// re.sub(pattern, template, s): `\1`… refer to groups (an unmatched group is empty).
    func sub(_ template: String, _ s: String) -> String {
        sub(s) { m in
            var out = ""
            var t = Array(template)[...]
            while let c = t.first {
                t = t.dropFirst()
                if c == "\\", let d = t.first, let n = d.wholeNumberValue {
                    t = t.dropFirst()
                    out += m.group(n) ?? ""
                } else {
                    out.append(c)
                }
            }
            return out
        }
    }

    struct Match {
        let ns: NSString
        let result: NSTextCheckingResult
        func group(_ i: Int) -> String? {
            let r = result.range(at: i)
            return r.location == NSNotFound ? nil : ns.substring(with: r)
        }
        var string: String { ns as String }
    }

    /// re.sub with a function.
    func sub(_ s: String, _ f: (Match) -> String) -> String {
        let ns = s as NSString
        var out = ""
        var last = 0
        for m in regex.matches(in: s, range: NSRange(location: 0, length: ns.length)) {
            out += ns.substring(with: NSRange(location: last, length: m.range.location - last))
            out += f(Match(ns: ns, result: m))
            last = m.range.location + m.range.length
        }
        out += ns.substring(from: last)
        return out
    }

    /// re.split(pattern, s) (the pattern has no capturing groups).
    func split(_ s: String) -> [String] {
        let ns = s as NSString
        var out: [String] = []
        var last = 0
        for m in regex.matches(in: s, range: NSRange(location: 0, length: ns.length)) {
            out.append(ns.substring(with: NSRange(location: last, length: m.range.location - last)))
            last = m.range.location + m.range.length
        }
        out.append(ns.substring(from: last))
        return out
    }

    /// re.match(pattern, s) is not None (anchored at the start).
    func matchesAtStart(_ s: String) -> Bool {
        let ns = s as NSString
        return regex.firstMatch(in: s, options: [.anchored], range: NSRange(location: 0, length: ns.length)) != nil
    }
}
