// `bookvox lexicon check BOOK`: what the pronunciation lexicon changes in the book (each match with its count),
// the entries that match nothing, and — as a starting list for the author — the words espeak-ng does not find in
// its dictionary (it pronounces them by its spelling rules), most frequent first.
import EspeakEngine
import Foundation
import TextFrontend

public struct LexiconCheck: Codable, Sendable, Equatable {
    public struct Change: Codable, Sendable, Equatable {
        /// The text matched, as it appears in the normalized text.
        public var text: String
        public var replacement: String
        /// "entry" or "rule".
        public var kind: String
        /// The entry's word or the rule's pattern.
        public var source: String
        public var count: Int
    }

    public struct Word: Codable, Sendable, Equatable {
        public var word: String
        public var count: Int
        /// Every occurrence starts with a capital letter (names, mostly; also words that only begin sentences).
        public var capitalized: Bool
    }

    /// The lexicon file used (nil: none; the front matter may still give entries).
    public var lexiconFile: String?
    public var entries: Int
    public var rules: Int
    /// The engine whose replacements were applied.
    public var engine: String
    /// What the lexicon changes, most frequent first.
    public var changes: [Change]
    /// Entries (by word) that change nothing in the book.
    public var unusedEntries: [String]
    /// Words of the book (the normalized text, less the words the lexicon changes) espeak-ng's dictionary lacks, most
    /// frequent first (nil: the espeak lookup was not run).
    public var unknownToEspeak: [Word]?

    /// Checks the book at `path` with its lexicon (`lexiconPath`, else `lexicon.yaml` beside it, plus front matter).
    public static func make(bookAt path: String, lexiconPath: String?, engine: String = "espeak",
                            reading: BookReadingOptions = .init(), espeakLookup: Bool = true) throws -> LexiconCheck {
        var isDir: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDir), !isDir.boolValue else {
            throw BookvoxError.badInput("the book \(path) does not exist (give a .md, .markdown, .txt or .epub file).")
        }
        let plan = try BookPlanner.plan(bookAt: path, reading: reading)
        let file = try BookLexicon.file(forBook: path, explicit: lexiconPath)
        let lexicon = try BookLexicon.load(forBook: path, explicit: lexiconPath, frontMatter: plan.pronunciations) ?? Lexicon()
        let compiled = lexicon.compiled(forEngine: engine)
        var counts: [String: (LexiconChange, Int)] = [:]
        var order: [String] = []
        var used = Set<String>()
        var handled = Set<String>()
        for seg in plan.segments {
            let (_, changes) = compiled.applyTracking(seg.normalizedText)
            for c in changes {
                handled.formUnion(words(of: c.matched))
                if c.kind == "entry" { used.insert(c.source) }
                let key = [c.kind, c.source, c.matched, c.replacement].joined(separator: "\u{1F}")
                if let (change, n) = counts[key] { counts[key] = (change, n + 1) } else {
                    counts[key] = (c, 1)
                    order.append(key)
                }
            }
        }
        let changes = order.enumerated().map { i, key in (i, counts[key]!) }
            .sorted { a, b in a.1.1 != b.1.1 ? a.1.1 > b.1.1 : a.0 < b.0 }
            .map { Change(text: $0.1.0.matched, replacement: $0.1.0.replacement, kind: $0.1.0.kind, source: $0.1.0.source, count: $0.1.1) }
        let unused = lexicon.entries.filter { $0.replacement(forEngine: engine) != nil && !used.contains($0.word) }.map(\.word)
        var unknown: [Word]?
        if espeakLookup {
            unknown = try unknownWords(in: plan.segments.map(\.normalizedText), language: plan.language, excluding: handled)
        }
        return LexiconCheck(lexiconFile: file, entries: lexicon.entries.count, rules: lexicon.rules.count, engine: engine,
                            changes: changes, unusedEntries: unused, unknownToEspeak: unknown)
    }

    /// Words (letters with inner apostrophes; hyphens split words) of `texts`, outside espeak phoneme input `[[…]]`
    /// and not in `excluding` (words the lexicon already handles), that espeak-ng's dictionary for `language` lacks,
    /// most frequent first (ties alphabetical).
    static func unknownWords(in texts: [String], language: String, excluding: Set<String> = []) throws -> [Word] {
        var counts: [String: Int] = [:]
        var lowerSeen = Set<String>()
        // Capitalized somewhere other than at the start of a segment (a heading's or sentence's first word is
        // capitalized whatever it is), so "Inside" opening a sentence is not taken for a name.
        var capitalizedInside = Set<String>()
        for text in texts {
            for (i, raw) in words(of: text, lowercased: false).enumerated() {
                let w = raw.lowercased()
                guard !excluding.contains(w) else { continue }
                counts[w, default: 0] += 1
                if raw.first.map({ !$0.isUppercase }) ?? true {
                    lowerSeen.insert(w)
                } else if i > 0 {
                    capitalizedInside.insert(w)
                }
            }
        }
        let distinct = counts.keys.sorted()
        let engine: EspeakEngine
        do {
            engine = try EspeakEngine(options: EspeakOptions(language: language))
        } catch {
            throw BookvoxError.badInput("espeak-ng cannot look up words of this book's language '\(language)': \(error)")
        }
        let known = try engine.dictionaryKnows(distinct)
        return zip(distinct, known).filter { !$0.1 }
            .map { Word(word: $0.0, count: counts[$0.0]!, capitalized: !lowerSeen.contains($0.0) && capitalizedInside.contains($0.0)) }
            .sorted { a, b in a.count != b.count ? a.count > b.count : a.word < b.word }
    }

    /// Words of `text` (lower-cased unless `lowercased` is false): runs of letters with apostrophes inside, phoneme
    /// input `[[…]]` skipped.
    static func words(of text: String, lowercased: Bool = true) -> [String] {
        var out: [String] = []
        var current = ""
        var inPhonemes = false
        let chars = Array(text)
        var i = 0
        func flush() {
            let w = current.trimmingCharacters(in: CharacterSet(charactersIn: "'’"))
            if !w.isEmpty { out.append(lowercased ? w.lowercased() : w) }
            current = ""
        }
        while i < chars.count {
            let c = chars[i]
            if !inPhonemes, c == "[", i + 1 < chars.count, chars[i + 1] == "[" { flush(); inPhonemes = true; i += 2; continue }
            if inPhonemes {
                if c == "]", i + 1 < chars.count, chars[i + 1] == "]" { inPhonemes = false; i += 2 } else { i += 1 }
                continue
            }
            if c.isLetter || ((c == "'" || c == "’") && !current.isEmpty) { current.append(c) } else { flush() }
            i += 1
        }
        flush()
        return out
    }

    public var text: String {
        var lines: [String] = []
        let source = lexiconFile.map { "\($0)" } ?? "no lexicon file"
        lines.append("Lexicon: \(source); \(entries) entr\(entries == 1 ? "y" : "ies"), \(rules) rule\(rules == 1 ? "" : "s") (front matter included); engine \(engine)")
        if changes.isEmpty {
            lines.append("The lexicon changes nothing in this book.")
        } else {
            lines.append("Changed by the lexicon (most frequent first):")
            for c in changes {
                lines.append(String(format: "%6d  ", c.count) + "\(c.text) → \(c.replacement)" + (c.kind == "rule" ? "  (rule \(c.source))" : ""))
            }
        }
        if !unusedEntries.isEmpty { lines.append("Entries that match nothing: " + unusedEntries.joined(separator: ", ")) }
        if let unknownToEspeak {
            if unknownToEspeak.isEmpty {
                lines.append("espeak-ng's dictionary has every word of the book.")
            } else {
                let names = unknownToEspeak.filter(\.capitalized)
                let others = unknownToEspeak.filter { !$0.capitalized }
                lines.append("Words espeak-ng's dictionary lacks (pronounced by spelling rules), most frequent first:")
                if !names.isEmpty {
                    lines.append("  always capitalized (names?):")
                    for w in names { lines.append(String(format: "%6d  ", w.count) + w.word) }
                }
                if !others.isEmpty {
                    lines.append(names.isEmpty ? "  words:" : "  other words:")
                    for w in others { lines.append(String(format: "%6d  ", w.count) + w.word) }
                }
            }
        }
        return lines.joined(separator: "\n")
    }

    public func json() throws -> String { String(decoding: try stableJSON(), as: UTF8.self) }
}
