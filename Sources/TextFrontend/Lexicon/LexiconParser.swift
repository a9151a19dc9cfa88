// Reads a pronunciation lexicon from YAML (`lexicon.yaml`, or the front matter's `pronunciations:` mapping) and
// validates it strictly: anything malformed is an error naming the file, the line and the entry.
//
//   Hermione: her-MY-oh-nee                # plain respelling, for every engine
//   Nguyen:
//     say: win                             # respelling for every engine
//     espeak: "[[w'In]]"                   # espeak-ng phoneme input (Kirshenbaum), brackets optional
//     indextts2: "ruan3"                   # IndexTTS2: tone-numbered pinyin or Chinese characters
//     case-sensitive: true                 # default false
//     whole-word: true                     # default true
//   rules:                                 # applied first, in order
//     - pattern: '\bCh\. (\d+)'
//       replace: 'Chapter $1'
//       case-sensitive: false              # default true
import Foundation
import Yams

public enum LexiconError: Error, CustomStringConvertible, Equatable {
    /// `file`:`line`: the entry (word, or `rules` item) and what is wrong with it.
    case invalid(file: String, line: Int, entry: String?, reason: String)
    case unreadable(file: String, reason: String)

    public var description: String {
        switch self {
        case let .invalid(file, line, entry, reason):
            let what = entry.map { " entry '\($0)':" } ?? ""
            return "\(file):\(line):\(what) \(reason). Fix the lexicon (its format: `bookvox lexicon --help`)."
        case let .unreadable(file, reason):
            return "cannot read the lexicon \(file): \(reason)"
        }
    }
}

public enum LexiconParser {
    static let entryKeys = ["say", "espeak", "indextts2", "case-sensitive", "whole-word"]
    static let ruleKeys = ["pattern", "replace", "case-sensitive"]

    /// Parses a lexicon file.
    public static func load(path: String) throws -> Lexicon {
        let text: String
        do {
            text = try String(contentsOfFile: path, encoding: .utf8)
        } catch {
            throw LexiconError.unreadable(file: path, reason: FileManager.default.fileExists(atPath: path)
                ? "it is not UTF-8 text" : "no such file")
        }
        return try parse(yaml: text, file: path)
    }

    /// Parses lexicon YAML; `file` names it in errors.
    public static func parse(yaml: String, file: String) throws -> Lexicon {
        let root: Node?
        do {
            root = try Yams.compose(yaml: yaml)
        } catch let error as YamlError {
            let (line, problem) = YAMLDiagnostics.describe(error)
            throw LexiconError.invalid(file: file, line: line, entry: nil, reason: problem)
        } catch {
            throw LexiconError.invalid(file: file, line: 1, entry: nil, reason: "invalid YAML: \(error)")
        }
        guard let root, root.null == nil else { return Lexicon() }
        return try parse(node: root, file: file, firstLine: 1)
    }

    /// Parses a lexicon mapping node; `firstLine` is the file line of the node's YAML line 1.
    public static func parse(node: Node, file: String, firstLine: Int) throws -> Lexicon {
        func line(_ n: Node?) -> Int { firstLine + (n?.mark?.line ?? 1) - 1 }
        guard let mapping = node.mapping else {
            throw LexiconError.invalid(file: file, line: line(node), entry: nil,
                                       reason: "expected a mapping of 'word: respelling' lines but found a \(YAMLDiagnostics.kind(node))")
        }
        var lexicon = Lexicon()
        var seen: [String: Int] = [:]
        for (keyNode, value) in mapping {
            guard let word = keyNode.scalar?.string else {
                throw LexiconError.invalid(file: file, line: line(keyNode), entry: nil,
                                           reason: "a word must be text, not a \(YAMLDiagnostics.kind(keyNode))")
            }
            let at = line(keyNode)
            if word == "rules" {
                lexicon.rules += try rules(value, file: file, line: line)
                continue
            }
            let trimmed = word.trimmingCharacters(in: .whitespacesAndNewlines)
            guard !trimmed.isEmpty else {
                throw LexiconError.invalid(file: file, line: at, entry: word, reason: "the word is empty")
            }
            if let first = seen[trimmed] {
                throw LexiconError.invalid(file: file, line: at, entry: trimmed, reason: "the word is listed twice (first on line \(first))")
            }
            seen[trimmed] = at
            lexicon.entries.append(try entry(trimmed, value, file: file, line: line))
        }
        return lexicon
    }

    private static func entry(_ word: String, _ value: Node, file: String, line: (Node?) -> Int) throws -> LexiconEntry {
        let origin = "\(file):\(line(value))"
        if value.scalar != nil {
            return LexiconEntry(word: word, say: try text(value, "respelling", word, file, line), origin: origin)
        }
        guard let mapping = value.mapping else {
            throw LexiconError.invalid(file: file, line: line(value), entry: word,
                                       reason: "expected a respelling or a mapping with say/espeak/indextts2 but found a \(YAMLDiagnostics.kind(value))")
        }
        var e = LexiconEntry(word: word, origin: origin)
        for (k, v) in mapping {
            let key = k.scalar?.string ?? ""
            switch key {
            case "say": e.say = try text(v, "say", word, file, line)
            case "espeak": e.espeak = try espeakPhonemes(try text(v, "espeak", word, file, line), word, file, line(v))
            case "indextts2": e.indexTTS2 = try indexTTS2Input(try text(v, "indextts2", word, file, line), word, file, line(v))
            case "case-sensitive": e.caseSensitive = try bool(v, key, word, file, line)
            case "whole-word": e.wholeWord = try bool(v, key, word, file, line)
            default:
                throw LexiconError.invalid(file: file, line: line(k), entry: word,
                                           reason: "unknown key '\(key)' (known: \(entryKeys.joined(separator: ", ")))")
            }
        }
        guard e.say != nil || e.espeak != nil || e.indexTTS2 != nil else {
            throw LexiconError.invalid(file: file, line: line(value), entry: word,
                                       reason: "the entry gives nothing to say: add 'say:', 'espeak:' or 'indextts2:'")
        }
        return e
    }

    private static func rules(_ value: Node, file: String, line: (Node?) -> Int) throws -> [LexiconRule] {
        guard let list = value.sequence else {
            throw LexiconError.invalid(file: file, line: line(value), entry: "rules",
                                       reason: "expected a list of '- pattern: … replace: …' items but found a \(YAMLDiagnostics.kind(value))")
        }
        var out: [LexiconRule] = []
        for (i, item) in list.enumerated() {
            let name = "rules[\(i + 1)]"
            guard let mapping = item.mapping else {
                throw LexiconError.invalid(file: file, line: line(item), entry: name,
                                           reason: "expected 'pattern:' and 'replace:' but found a \(YAMLDiagnostics.kind(item))")
            }
            var pattern: String?
            var replace: String?
            var caseSensitive = true
            for (k, v) in mapping {
                let key = k.scalar?.string ?? ""
                switch key {
                case "pattern": pattern = try rawText(v, key, name, file, line)
                case "replace": replace = try rawText(v, key, name, file, line, allowEmpty: true)
                case "case-sensitive": caseSensitive = try bool(v, key, name, file, line)
                default:
                    throw LexiconError.invalid(file: file, line: line(k), entry: name,
                                               reason: "unknown key '\(key)' (known: \(ruleKeys.joined(separator: ", ")))")
                }
            }
            guard let pattern, let replace else {
                throw LexiconError.invalid(file: file, line: line(item), entry: name,
                                           reason: "a rule needs both 'pattern:' and 'replace:'")
            }
            let rule = LexiconRule(pattern: pattern, replace: replace, caseSensitive: caseSensitive, origin: "\(file):\(line(item))")
            let re: NSRegularExpression
            do {
                re = try rule.compiled()
            } catch {
                throw LexiconError.invalid(file: file, line: line(item), entry: name,
                                           reason: "'\(pattern)' is not a valid regular expression (NSRegularExpression syntax)")
            }
            if let group = highestGroupReference(replace), group > re.numberOfCaptureGroups {
                throw LexiconError.invalid(file: file, line: line(item), entry: name,
                                           reason: "'replace' uses $\(group) but the pattern has \(re.numberOfCaptureGroups) group(s)")
            }
            if re.firstMatch(in: "", range: NSRange(location: 0, length: 0)) != nil {
                throw LexiconError.invalid(file: file, line: line(item), entry: name,
                                           reason: "'\(pattern)' matches empty text; it would insert its replacement everywhere")
            }
            out.append(rule)
        }
        return out
    }

    /// The largest `$n` a replacement template refers to (`\$` is a literal dollar).
    static func highestGroupReference(_ template: String) -> Int? {
        var best: Int?
        var chars = Array(template)[...]
        while let c = chars.popFirst() {
            if c == "\\" { _ = chars.popFirst(); continue }
            guard c == "$" else { continue }
            var digits = ""
            while let d = chars.first, d.isASCII, d.isNumber { digits.append(d); chars.removeFirst() }
            if let n = Int(digits) { best = max(best ?? 0, n) }
        }
        return best
    }

    /// espeak-ng phoneme input: `[[…]]` (brackets added when missing).
    private static func espeakPhonemes(_ s: String, _ word: String, _ file: String, _ line: Int) throws -> String {
        var inner = s
        if inner.hasPrefix("[[") && inner.hasSuffix("]]") && inner.count >= 4 { inner = String(inner.dropFirst(2).dropLast(2)) }
        inner = inner.trimmingCharacters(in: .whitespaces)
        guard !inner.isEmpty, !inner.contains("[["), !inner.contains("]]"), !inner.contains("\n") else {
            throw LexiconError.invalid(file: file, line: line, entry: word,
                                       reason: "'espeak' must be espeak-ng phonemes such as [[h@l'oU]] (one pair of [[ ]], on one line)")
        }
        return "[[" + inner + "]]"
    }

    /// IndexTTS2 input: tone-numbered pinyin syllables (xuan4) or Chinese characters, separated by spaces — what the
    /// original's text normalizer keeps (its pinyin protection) and its tokenizer has pieces for. Pinyin is stored as
    /// that normalizer leaves it (correct_pinyin: j/q/x + u → v, upper-cased), since the engine is given text that
    /// bookvox normalized already.
    private static func indexTTS2Input(_ s: String, _ word: String, _ file: String, _ line: Int) throws -> String {
        var tokens = s.split(whereSeparator: \.isWhitespace).map(String.init)
        for (i, t) in tokens.enumerated() {
            let ns = t as NSString
            let whole = IndexTTS2TextNormalizer.pinyinTone.matches(in: t, range: NSRange(location: 0, length: ns.length))
            let pinyin = !whole.isEmpty && whole.reduce(0) { $0 + $1.range.length } == ns.length
            let chinese = t.unicodeScalars.allSatisfy { (0x4E00...0x9FFF).contains($0.value) || (0x3400...0x4DBF).contains($0.value) }
            guard pinyin || chinese else {
                throw LexiconError.invalid(file: file, line: line, entry: word,
                                           reason: "'indextts2' must be tone-numbered pinyin such as 'xuan4 zhuan3' or Chinese characters, not '\(t)'")
            }
            if pinyin { tokens[i] = IndexTTS2TextNormalizer.correctPinyin(t) }
        }
        return tokens.joined(separator: " ")
    }

    private static func text(_ v: Node, _ key: String, _ entry: String, _ file: String, _ line: (Node?) -> Int) throws -> String {
        let s = try rawText(v, key, entry, file, line).trimmingCharacters(in: .whitespacesAndNewlines)
        return s
    }

    private static func rawText(_ v: Node, _ key: String, _ entry: String, _ file: String, _ line: (Node?) -> Int,
                                allowEmpty: Bool = false) throws -> String {
        guard let s = v.scalar?.string, v.null == nil || allowEmpty else {
            throw LexiconError.invalid(file: file, line: line(v), entry: entry,
                                       reason: "'\(key)' must be text but is \(v.null != nil ? "empty" : "a \(YAMLDiagnostics.kind(v))")")
        }
        if !allowEmpty, s.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty {
            throw LexiconError.invalid(file: file, line: line(v), entry: entry, reason: "'\(key)' is empty")
        }
        return v.null != nil ? "" : s
    }

    private static func bool(_ v: Node, _ key: String, _ entry: String, _ file: String, _ line: (Node?) -> Int) throws -> Bool {
        switch v.scalar?.string.lowercased() {
        case "true", "yes", "on": return true
        case "false", "no", "off": return false
        default:
            throw LexiconError.invalid(file: file, line: line(v), entry: entry,
                                       reason: "'\(key)' must be true or false but is '\(v.scalar?.string ?? YAMLDiagnostics.kind(v))'")
        }
    }
}
