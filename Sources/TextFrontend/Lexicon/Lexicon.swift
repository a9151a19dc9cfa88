// A pronunciation lexicon: words or phrases mapped to what a speech engine is given instead (a respelling
// for every engine, espeak-ng phoneme input `[[...]]`, IndexTTS2 tone-numbered pinyin), plus ordered regex
// rules. Applied to a segment's normalized text to make its engine text (never to the stored source text,
// the subtitles or the read-along text). Parsed by LexiconParser; docs/cli.md "Pronunciation lexicon".
//
// Order of application: the rules, in order (each `NSRegularExpression` replacement template runs over the
// whole text the previous rule produced), then every entry in one pass: all matches of all entries are
// collected, the earliest (then longest, then first-listed) match wins where matches overlap, and the
// replacements are not matched again.
import Foundation

public struct LexiconEntry: Codable, Sendable, Equatable {
    /// The word or phrase as written in the lexicon.
    public var word: String
    /// Respelling for every engine (`say:`, or the plain `word: respelling` form).
    public var say: String?
    /// espeak-ng phoneme input, stored with its `[[` `]]` brackets.
    public var espeak: String?
    /// IndexTTS2 input: tone-numbered pinyin or Chinese characters.
    public var indexTTS2: String?
    public var caseSensitive: Bool
    public var wholeWord: Bool
    /// Where the entry was written ("lexicon.yaml:12"), for reports.
    public var origin: String

    public init(word: String, say: String? = nil, espeak: String? = nil, indexTTS2: String? = nil,
                caseSensitive: Bool = false, wholeWord: Bool = true, origin: String = "") {
        self.word = word
        self.say = say
        self.espeak = espeak
        self.indexTTS2 = indexTTS2
        self.caseSensitive = caseSensitive
        self.wholeWord = wholeWord
        self.origin = origin
    }

    /// What `engine` is given for this entry (nil: the entry leaves that engine's text alone).
    public func replacement(forEngine engine: String) -> String? {
        switch engine {
        case "espeak": return espeak ?? say
        case "indextts2": return indexTTS2 ?? say
        default: return say
        }
    }
}

public struct LexiconRule: Codable, Sendable, Equatable {
    /// An NSRegularExpression pattern.
    public var pattern: String
    /// Its replacement template (`$1` for the first group).
    public var replace: String
    public var caseSensitive: Bool
    public var origin: String

    public init(pattern: String, replace: String, caseSensitive: Bool = true, origin: String = "") {
        self.pattern = pattern
        self.replace = replace
        self.caseSensitive = caseSensitive
        self.origin = origin
    }

    func compiled() throws -> NSRegularExpression {
        try NSRegularExpression(pattern: pattern, options: caseSensitive ? [] : [.caseInsensitive])
    }
}

public struct Lexicon: Codable, Sendable, Equatable {
    public var entries: [LexiconEntry]
    public var rules: [LexiconRule]

    public init(entries: [LexiconEntry] = [], rules: [LexiconRule] = []) {
        self.entries = entries
        self.rules = rules
    }

    public var isEmpty: Bool { entries.isEmpty && rules.isEmpty }

    /// This lexicon with `other`'s entries replacing entries for the same word (others added after) and
    /// `other`'s rules after this one's: front matter `pronunciations:` over `lexicon.yaml`.
    public func overridden(by other: Lexicon) -> Lexicon {
        let replaced = Dictionary(other.entries.map { ($0.word, $0) }, uniquingKeysWith: { _, b in b })
        var out = entries.map { replaced[$0.word] ?? $0 }
        let present = Set(entries.map(\.word))
        out += other.entries.filter { !present.contains($0.word) }
        return Lexicon(entries: out, rules: rules + other.rules)
    }

    /// The lexicon ready to apply for one engine.
    public func compiled(forEngine engine: String) -> CompiledLexicon { CompiledLexicon(self, engine: engine) }
}

/// One change the lexicon made: the text it matched and what replaced it, and which entry or rule did it.
public struct LexiconChange: Sendable, Equatable {
    public var matched: String
    public var replacement: String
    /// "entry" or "rule".
    public var kind: String
    /// The entry's word or the rule's pattern.
    public var source: String
}

/// A Lexicon with its patterns compiled for one engine's replacements.
public struct CompiledLexicon: @unchecked Sendable {
    public let engine: String
    private let rules: [(NSRegularExpression, LexiconRule)]
    private let entries: [(NSRegularExpression, LexiconEntry, String)]

    init(_ lexicon: Lexicon, engine: String) {
        self.engine = engine
        // Patterns were checked when the lexicon was parsed; a rule that no longer compiles is skipped.
        rules = lexicon.rules.compactMap { r in (try? r.compiled()).map { ($0, r) } }
        entries = lexicon.entries.compactMap { e in
            guard let replacement = e.replacement(forEngine: engine) else { return nil }
            var pattern = NSRegularExpression.escapedPattern(for: e.word)
            if e.wholeWord { pattern = #"(?<![\p{L}\p{N}_])"# + pattern + #"(?![\p{L}\p{N}_])"# }
            guard let re = try? NSRegularExpression(pattern: pattern, options: e.caseSensitive ? [] : [.caseInsensitive]) else {
                return nil
            }
            return (re, e, replacement)
        }
    }

    public var isEmpty: Bool { rules.isEmpty && entries.isEmpty }

    /// `text` with the rules and entries applied.
    public func apply(_ text: String) -> String { applyTracking(text).text }

    /// `text` with the lexicon applied, and each change made (rules first, in order; then entries in text order).
    public func applyTracking(_ text: String) -> (text: String, changes: [LexiconChange]) {
        guard !isEmpty else { return (text, []) }
        var s = text
        var changes: [LexiconChange] = []
        for (re, rule) in rules {
            let ns = s as NSString
            let matches = re.matches(in: s, range: NSRange(location: 0, length: ns.length))
            guard !matches.isEmpty else { continue }
            for m in matches {
                changes.append(LexiconChange(matched: ns.substring(with: m.range),
                                             replacement: re.replacementString(for: m, in: s, offset: 0, template: rule.replace),
                                             kind: "rule", source: rule.pattern))
            }
            s = re.stringByReplacingMatches(in: s, range: NSRange(location: 0, length: ns.length), withTemplate: rule.replace)
        }
        let ns = s as NSString
        var found: [(range: NSRange, order: Int)] = []
        for (k, (re, _, _)) in entries.enumerated() {
            for m in re.matches(in: s, range: NSRange(location: 0, length: ns.length)) where m.range.length > 0 {
                found.append((m.range, k))
            }
        }
        guard !found.isEmpty else { return (s, changes) }
        found.sort { a, b in
            if a.range.location != b.range.location { return a.range.location < b.range.location }
            if a.range.length != b.range.length { return a.range.length > b.range.length }
            return a.order < b.order
        }
        var chosen: [(range: NSRange, order: Int)] = []
        var end = 0
        for f in found where f.range.location >= end {
            chosen.append(f)
            end = f.range.location + f.range.length
        }
        let out = NSMutableString(string: s)
        for c in chosen.reversed() {
            out.replaceCharacters(in: c.range, with: entries[c.order].2)
        }
        for c in chosen {
            changes.append(LexiconChange(matched: ns.substring(with: c.range), replacement: entries[c.order].2,
                                         kind: "entry", source: entries[c.order].1.word))
        }
        return (out as String, changes)
    }
}
