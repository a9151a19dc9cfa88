// Small NSRegularExpression helpers shared by the readers and the normalizer.
import Foundation

struct Pattern: @unchecked Sendable {
    let regex: NSRegularExpression

    init(_ pattern: String, options: NSRegularExpression.Options = []) {
        do {
            regex = try NSRegularExpression(pattern: pattern, options: options)
        } catch {
            preconditionFailure("invalid built-in pattern \(pattern): \(error)")
        }
    }

    /// Replaces each match with `transform(groups)`, where groups[0] is the whole match and a group that did
    /// not participate is nil. Returning nil keeps the match unchanged.
    func replace(in text: String, _ transform: ([String?]) -> String?) -> String {
        let ns = text as NSString
        let matches = regex.matches(in: text, range: NSRange(location: 0, length: ns.length))
        if matches.isEmpty { return text }
        var out = ""
        out.reserveCapacity(ns.length)
        var last = 0
        for m in matches {
            let groups: [String?] = (0..<m.numberOfRanges).map { i in
                let r = m.range(at: i)
                return r.location == NSNotFound ? nil : ns.substring(with: r)
            }
            guard let replacement = transform(groups) else { continue }
            out += ns.substring(with: NSRange(location: last, length: m.range.location - last))
            out += replacement
            last = m.range.location + m.range.length
        }
        out += ns.substring(from: last)
        return out
    }

    /// Like `replace(in:_:)`, also passing the text that follows the match (up to 3 UTF-16 units), so a
    /// replacement can tell whether the match ends a sentence.
    func replaceWithTail(in text: String, _ transform: ([String?], String) -> String?) -> String {
        let ns = text as NSString
        let matches = regex.matches(in: text, range: NSRange(location: 0, length: ns.length))
        if matches.isEmpty { return text }
        var out = ""
        var last = 0
        for m in matches {
            let groups: [String?] = (0..<m.numberOfRanges).map { i in
                let r = m.range(at: i)
                return r.location == NSNotFound ? nil : ns.substring(with: r)
            }
            let end = m.range.location + m.range.length
            let tail = ns.substring(with: NSRange(location: end, length: min(3, ns.length - end)))
            guard let replacement = transform(groups, tail) else { continue }
            out += ns.substring(with: NSRange(location: last, length: m.range.location - last))
            out += replacement
            last = end
        }
        out += ns.substring(from: last)
        return out
    }

    /// Replaces every match with `template`, searching only up to the end of the last match of `closer`.
    /// For a delimited span (`*…*`, `__…__`) whose lazy body stops at the first closing delimiter: every match
    /// ends with a closer, so none is lost, and an opener with no closer after it, which would scan to the end
    /// of the text (quadratic on text full of unmatched markers), is never tried. Lookarounds see past the end.
    func replace(in text: String, template: String, upToLastMatchOf closer: Pattern) -> String {
        let ns = text as NSString
        var end = 0
        closer.regex.enumerateMatches(in: text, options: [.withTransparentBounds],
                                      range: NSRange(location: 0, length: ns.length)) { m, _, _ in
            if let m { end = m.range.location + m.range.length }
        }
        guard end > 0 else { return text }
        return regex.stringByReplacingMatches(in: text, options: [.withTransparentBounds],
                                              range: NSRange(location: 0, length: end), withTemplate: template)
    }

    /// Replaces every match with a template (`$1` refers to group 1).
    func replace(in text: String, template: String) -> String {
        let ns = text as NSString
        return regex.stringByReplacingMatches(in: text, range: NSRange(location: 0, length: ns.length),
                                              withTemplate: template)
    }

    /// The capture groups of the first match of the whole string, or nil.
    func firstMatch(_ text: String) -> [String?]? {
        let ns = text as NSString
        guard let m = regex.firstMatch(in: text, range: NSRange(location: 0, length: ns.length)) else { return nil }
        return (0..<m.numberOfRanges).map { i in
            let r = m.range(at: i)
            return r.location == NSNotFound ? nil : ns.substring(with: r)
        }
    }

    func matches(_ text: String) -> Bool {
        let ns = text as NSString
        return regex.firstMatch(in: text, range: NSRange(location: 0, length: ns.length)) != nil
    }
}

extension Character {
    /// True when every scalar is whitespace. Segmentation uses this rather than `isWhitespace` (which looks at
    /// the first scalar only): a space carrying a combining mark (" \u{301}") is text, so the mark is never dropped.
    var isBlank: Bool { unicodeScalars.allSatisfy(\.properties.isWhitespace) }
}

extension String {
    /// Blank characters (`Character.isBlank`) collapsed to one space, ends trimmed.
    var collapsingWhitespace: String {
        var out = ""
        out.reserveCapacity(utf8.count)
        var pendingSpace = false
        for ch in self {
            if ch.isBlank {
                pendingSpace = !out.isEmpty
            } else {
                if pendingSpace { out.append(" "); pendingSpace = false }
                out.append(ch)
            }
        }
        return out
    }

    /// True when text following an abbreviation shows that its period also ends the sentence: the end of the
    /// text, or whitespace then a capital letter or opening quote.
    static func startsNewSentence(_ tail: String) -> Bool {
        let t = tail.drop(while: { $0 == "\u{201D}" || $0 == "\u{2019}" || $0 == "\"" || $0 == ")" })
        guard let first = t.first else { return true }
        guard first.isWhitespace else { return false }
        guard let next = t.dropFirst().first(where: { !$0.isWhitespace }) else { return true }
        return next.isUppercase || "\u{201C}\u{2018}\"'(".contains(next)
    }

    /// True when the text holds at least one letter or digit.
    var hasSpeakableText: Bool {
        unicodeScalars.contains { $0.properties.isAlphabetic || $0.properties.numericType != nil }
    }
}
