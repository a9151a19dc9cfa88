// YAML front matter (title, author, narrator, language, seed, cover, publisher, date, description, image-alt-text,
// pronunciations, pace, rate) at the top of a Markdown book, via Yams.
import Foundation
import Logging
import Yams

enum FrontMatter {
    private static let logger = Logger(label: "bookvox.text.frontmatter")
    static let knownKeys = ["title", "author", "narrator", "language", "seed", "cover", "publisher", "date", "description",
                            "image-alt-text", "pronunciations", "pace", "rate", "voices", "cast", "dialogue",
                            "chapter-voices"]

    /// Finds a front matter block at the top of `lines` ("---" … "---" or "...").
    /// Returns the YAML lines' index range and the index of the first body line, or nil when absent.
    static func locate(in lines: [String], path: String) throws -> (yaml: Range<Int>, bodyStart: Int)? {
        guard let first = lines.first, first.trimmingCharacters(in: .whitespaces) == "---" else { return nil }
        for i in 1..<max(lines.count, 1) {
            let t = lines[i].trimmingCharacters(in: .whitespaces)
            if t == "---" || t == "..." { return (1..<i, i + 1) }
        }
        throw BookError.malformedFrontMatter(
            path: path, line: 1,
            reason: "the '---' block opened on line 1 is never closed (expected a closing '---' line)")
    }

    /// Parses the YAML lines into metadata. `firstLine` is the 1-based file line of yamlLines[0].
    static func parse(_ yamlLines: [String], firstLine: Int, defaults: BookMetadata, path: String) throws -> BookMetadata {
        let yaml = yamlLines.joined(separator: "\n")
        var meta = defaults
        guard yaml.hasSpeakableText || yaml.contains(":") else { return meta }
        let root: Node?
        do {
            root = try Yams.compose(yaml: yaml)
        } catch let error as YamlError {
            let (line, problem) = YAMLDiagnostics.describe(error)
            throw BookError.malformedFrontMatter(path: path, line: firstLine + max(line, 1) - 1, reason: problem)
        }
        guard let root else { return meta }
        guard let mapping = root.mapping else {
            throw BookError.malformedFrontMatter(
                path: path, line: firstLine + (root.mark?.line ?? 1) - 1,
                reason: "expected 'key: value' lines (a YAML mapping) but found a \(YAMLDiagnostics.kind(root))")
        }
        var dialogue: (name: String, line: Int)?
        var chapterVoices: [ChapterVoice] = []
        for (keyNode, value) in mapping {
            let key = keyNode.string ?? ""
            let line = firstLine + (value.mark?.line ?? keyNode.mark?.line ?? 1) - 1
            func text() throws -> String? {
                if value.null != nil { return nil }
                guard let s = value.scalar?.string else {
                    throw BookError.malformedFrontMatter(
                        path: path, line: line, reason: "'\(key)' must be text but is a \(YAMLDiagnostics.kind(value))")
                }
                let t = s.trimmingCharacters(in: .whitespacesAndNewlines)
                return t.isEmpty ? nil : t
            }
            switch key {
            case "title":
                if let t = try text() { meta.title = t }
            case "author": meta.author = try text()
            case "narrator": meta.narrator = try text()
            case "cover": meta.cover = try text()
            case "publisher": meta.publisher = try text()
            case "date": meta.date = try text()
            case "description": meta.description = try text()
            case "language":
                if let t = try text() { meta.language = t }
            case "seed":
                guard let t = try text() else { meta.seed = nil; continue }
                guard let seed = UInt64(t.replacingOccurrences(of: "_", with: "")) else {
                    throw BookError.malformedFrontMatter(
                        path: path, line: line,
                        reason: "'seed' must be a whole number from 0 to \(UInt64.max) but is '\(t)'")
                }
                meta.seed = seed
            case "image-alt-text":
                switch try text()?.lowercased() {
                case nil, "skip", "false", "no": meta.readsImageAltText = false
                case "read", "true", "yes": meta.readsImageAltText = true
                case let other?:
                    throw BookError.malformedFrontMatter(
                        path: path, line: line, reason: "'image-alt-text' must be 'read' or 'skip' but is '\(other)'")
                }
            case "pronunciations":
                guard value.null == nil else { meta.pronunciations = nil; continue }
                do {
                    meta.pronunciations = try LexiconParser.parse(node: value, file: path, firstLine: firstLine)
                } catch let LexiconError.invalid(_, l, entry, reason) {
                    let what = entry.map { "pronunciations: entry '\($0)': " } ?? "pronunciations: "
                    throw BookError.malformedFrontMatter(path: path, line: l, reason: what + reason)
                }
            case "pace":
                guard value.null == nil else { meta.pace = nil; continue }
                guard let entries = value.mapping else {
                    throw BookError.malformedFrontMatter(
                        path: path, line: line,
                        reason: "'pace' must be a mapping such as 'sentence: 0.6' (names: \(PauseSettings.names.joined(separator: ", ")))")
                }
                var pace = PauseSettings()
                for (k, v) in entries {
                    let at = firstLine + (v.mark?.line ?? 1) - 1
                    do {
                        try pace.set(k.string ?? "", text: v.scalar?.string ?? "")
                    } catch {
                        throw BookError.malformedFrontMatter(path: path, line: at, reason: "pace: \(error.description)")
                    }
                }
                meta.pace = pace.isEmpty ? nil : pace
            case "rate":
                guard let t = try text() else { meta.rate = nil; continue }
                do {
                    meta.rate = try SpeakingRate.parse(t)
                } catch {
                    throw BookError.malformedFrontMatter(path: path, line: line, reason: "rate: \(error.description)")
                }
            case "voices", "cast":
                guard meta.cast == nil else {
                    throw BookError.malformedFrontMatter(path: path, line: line, reason: "the cast is given twice ('voices' and 'cast')")
                }
                meta.cast = try CastFrontMatter.parse(value, keyLine: firstLine + (keyNode.mark?.line ?? 1) - 1,
                                                      firstLine: firstLine, path: path)
            case "dialogue":
                if let t = try text() { dialogue = (t, line) }
            case "chapter-voices":
                chapterVoices = try CastFrontMatter.chapterVoices(value, firstLine: firstLine, path: path)
            default:
                logger.warning("\(path):\(line): ignoring unknown front matter key '\(key)' (known: \(knownKeys.joined(separator: ", ")))")
            }
        }
        if let dialogue {
            guard let cast = meta.cast, cast.voice(named: dialogue.name) != nil else {
                throw BookError.malformedFrontMatter(path: path, line: dialogue.line,
                                                     reason: "'dialogue': " + (meta.cast ?? BookCast()).unknown(dialogue.name))
            }
            meta.cast?.dialogueVoice = dialogue.name
        }
        for entry in chapterVoices {
            guard let cast = meta.cast, cast.voice(named: entry.voice) != nil else {
                throw BookError.malformedFrontMatter(path: path, line: entry.line,
                                                     reason: "'chapter-voices': " + (meta.cast ?? BookCast()).unknown(entry.voice))
            }
            meta.cast?.chapterVoices.append(entry)
        }
        return meta
    }
}
