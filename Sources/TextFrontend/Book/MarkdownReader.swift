// Markdown book → chapters of paragraphs. `#`/`##` headings start chapters; deeper headings, block quotes
// and list items are read as text; thematic breaks and symbol-only lines are scene breaks.
// A "===" underline makes the line above it a chapter heading (setext), but a "---" line is always a scene
// break, even right under a line of text: in a book, turning a scene's last line into a chapter title by
// accident would be far worse than missing a setext level-2 heading.
//
// Not read (the block rules of CommonMark and of GitHub's tables, as follows):
// - fenced code blocks: ``` or ~~~ (3 or more), closed by a fence of the same character at least as long;
//   an unclosed fence runs to the end of the document (also inside block quotes);
// - indented code blocks: lines indented 4+ columns that do not continue a paragraph or a list item;
// - tables: a header row followed by a delimiter row (`|---|:--:|`), and the rows after them up to a blank
//   line or another block;
// - HTML comments (also over several lines; an unclosed `<!--` is read as text, with a warning), raw HTML
//   blocks of <script>, <style>, <pre> and <textarea> up to their closing tag, and HTML tags elsewhere (their
//   text is read);
// - images: not read unless the front matter says `image-alt-text: read`, which reads their alt text.
// Voices (the front matter's cast): a heading attribute `{voice=NAME}` sets a chapter's voice, a fenced div
// `::: {voice=NAME}` … `:::` a passage's (VoiceAttributes.swift); a name the cast lacks is an error with its line.
// Without a voice, `:::` lines are read as before (scene breaks), so books without a cast read as they did.
// Every line is looked at once, so reading is linear in the file's length.
import Foundation
import Logging

enum MarkdownReader {
    private static let logger = Logger(label: "bookvox.text.markdown")
    private static let thematicBreak = Pattern(#"^ {0,3}([-*_])(?:[ \t]*\1){2,}[ \t]*$"#)
    private static let setextH1 = Pattern(#"^ {0,3}=+[ \t]*$"#)
    private static let listMarker = Pattern(#"^[ \t]*(?:[-*+]|[0-9]{1,9}[.)])[ \t]+"#)
    private static let linkDefinition = Pattern(#"^ {0,3}\[[^\]^][^\]]*\]:[ \t]*\S+"#)
    private static let footnoteDefinition = Pattern(#"^ {0,3}\[\^[^\]]+\]:[ \t]*"#)
    private static let rawHTMLStart = Pattern(#"^ {0,3}<(script|pre|style|textarea)(?:[ \t>]|$)"#, options: [.caseInsensitive])

    /// An open fenced code block: its fence character and length, and the block-quote depth it opened at.
    private struct Fence {
        var marker: Character
        var length: Int
        var quoteDepth: Int
    }

    static func read(_ text: String, path: String, defaultTitle: String) throws -> SourceDocument {
        let lines = SourceLines.split(HTMLComments.remove(from: text, path: path))
        var meta = BookMetadata(title: defaultTitle)
        var bodyStart = 0
        if let fm = try FrontMatter.locate(in: lines, path: path) {
            meta = try FrontMatter.parse(Array(lines[fm.yaml]), firstLine: fm.yaml.lowerBound + 1,
                                         defaults: meta, path: path)
            bodyStart = fm.bodyStart
        }
        var builder = Builder(imageAltText: meta.readsImageAltText)
        let cast = meta.cast ?? BookCast()
        func checkVoice(_ name: String, _ line: Int) throws -> String {
            guard cast.voice(named: name) != nil else { throw BookError.unknownVoice(path: path, line: line, reason: cast.unknown(name)) }
            return name
        }
        var fence: Fence?
        var rawHTMLEnd: String?
        var inTable = false
        var tableDepth = 0
        var inList = false
        for i in bodyStart..<lines.count {
            let lineNo = i + 1
            let (depth, content) = BlockQuote.strip(lines[i])
            if let f = fence {
                if depth >= f.quoteDepth {
                    if Self.closesFence(content, f) { fence = nil }
                    continue
                }
                fence = nil  // the block quote holding the fence ended
            }
            if let end = rawHTMLEnd {
                if lines[i].range(of: end, options: .caseInsensitive) != nil { rawHTMLEnd = nil }
                continue
            }
            if content.allSatisfy(\.isWhitespace) {
                builder.flush()
                inTable = false
                continue
            }
            var line = content
            if let f = Self.opensFence(line) {
                builder.flush()
                inTable = false
                fence = Fence(marker: f.marker, length: f.length, quoteDepth: depth)
                continue
            }
            if depth == 0, let div = VoiceAttributes.divFence(line), div.voice != nil || !builder.divVoices.isEmpty {
                builder.flush()
                inTable = false
                inList = false
                if let v = div.voice {
                    builder.divVoices.append(try checkVoice(v, lineNo))
                } else if div.isBare {
                    builder.divVoices.removeLast()
                } else {
                    builder.divVoices.append(builder.divVoices[builder.divVoices.count - 1])  // a nested div without a voice
                }
                continue
            }
            if let g = rawHTMLStart.firstMatch(line), let tag = g[1] {
                builder.flush()
                inTable = false
                let end = "</\(tag)>"
                if let open = line.range(of: "<\(tag)", options: .caseInsensitive),
                   line[open.upperBound...].range(of: end, options: .caseInsensitive) == nil {
                    rawHTMLEnd = end
                }
                continue
            }
            if inTable, depth != tableDepth || thematicBreak.matches(line) || (depth == 0 && Self.atxHeading(line) != nil) {
                inTable = false
            }
            if inTable { continue }
            if builder.pending.isEmpty, !inList, Self.indentation(line) >= 4 { continue }  // indented code
            if depth == 0, let h = Self.atxHeading(line) {
                builder.flush()
                inTable = false
                inList = false
                let attributed = VoiceAttributes.heading(h.text)
                let voice = try attributed.voice.map { try checkVoice($0, lineNo) }
                let heading = SourceParagraph(text: builder.reduce(attributed.text), line: lineNo,
                                              voice: voice ?? builder.divVoices.last)
                if h.level <= 2 { builder.startChapter(heading, voice: voice) } else { builder.addParagraph(heading) }
                continue
            }
            if MarkdownTable.isDelimiterRow(line), let header = builder.pending.last, builder.pendingQuoted == (depth > 0),
               MarkdownTable.cellCount(header.text) == MarkdownTable.cellCount(line) {
                builder.pending.removeLast()
                builder.flush()
                inTable = true
                tableDepth = depth
                continue
            }
            if depth == 0, setextH1.matches(line), var p = builder.pendingSingleLine() {
                builder.discardPending()
                p.voice = builder.divVoices.last
                builder.startChapter(p)
                continue
            }
            if thematicBreak.matches(line) { builder.flush(); builder.sceneBreak(); inList = false; continue }
            if depth == 0, linkDefinition.matches(line) { continue }
            if depth == 0, let g = footnoteDefinition.firstMatch(line) {
                builder.flush()
                line = String(line.dropFirst(g[0]!.count))
            }
            let quoted = depth > 0
            if quoted != builder.pendingQuoted { builder.flush() }
            builder.pendingQuoted = quoted
            if let g = listMarker.firstMatch(line), !thematicBreak.matches(line) {
                builder.flush()
                builder.pendingQuoted = quoted
                line = String(line.dropFirst(g[0]!.count))
                inList = true
            } else if Self.indentation(line) == 0, builder.pending.isEmpty {
                inList = false
            }
            builder.append(line, lineNo)
        }
        builder.flush()
        var chapters = builder.finish()
        try Self.assignChapterVoices(cast.chapterVoices, to: &chapters, path: path)
        return SourceDocument(metadata: meta, chapters: chapters)
    }

    /// The front matter's `chapter-voices:` (by number, or by title as the heading reads); a heading attribute wins.
    private static func assignChapterVoices(_ entries: [ChapterVoice], to chapters: inout [SourceChapter], path: String) throws {
        for entry in entries {
            let index = Int(entry.chapter).map { $0 - 1 }
                ?? chapters.firstIndex { $0.heading.map { $0.text.collapsingWhitespace } == entry.chapter.collapsingWhitespace }
            guard let i = index, chapters.indices.contains(i) else {
                throw BookError.malformedFrontMatter(path: path, line: entry.line, reason: "'chapter-voices' names chapter '\(entry.chapter)', "
                    + "which the book does not have (it has \(chapters.count) chapters; give a number from 1 or a title as its heading reads)")
            }
            if chapters[i].voice == nil { chapters[i].voice = entry.voice }
        }
    }

    /// An ATX heading: up to 3 spaces, 1–6 `#`, then a space, a tab or the end of the line; the text without
    /// the surrounding spaces and the optional closing `#` run. Hand-parsed (a regex with a lazy text group
    /// backtracks over long runs of spaces).
    static func atxHeading(_ line: String) -> (level: Int, text: String)? {
        let spaces = line.prefix { $0 == " " }.count
        guard spaces <= 3 else { return nil }
        let body = line.dropFirst(spaces)
        let level = body.prefix { $0 == "#" }.count
        guard (1...6).contains(level) else { return nil }
        var text = body.dropFirst(level)
        guard text.isEmpty || text.first == " " || text.first == "\t" else { return nil }
        func isBlank(_ c: Character) -> Bool { c == " " || c == "\t" }
        text = text.drop(while: isBlank)
        while let last = text.last, isBlank(last) { text = text.dropLast() }
        var hashes = 0
        var k = text.endIndex
        while k > text.startIndex, text[text.index(before: k)] == "#" { k = text.index(before: k); hashes += 1 }
        if hashes > 0 {
            let before = text[..<k]
            if before.isEmpty {
                text = before
            } else if let last = before.last, isBlank(last) {
                text = before
                while let l = text.last, isBlank(l) { text = text.dropLast() }
            }
        }
        return (level, String(text))
    }

    /// Leading indentation in columns (a tab advances to the next multiple of 4).
    static func indentation(_ line: String) -> Int {
        var col = 0
        for ch in line {
            if ch == " " { col += 1 } else if ch == "\t" { col += 4 - col % 4 } else { break }
        }
        return col
    }

    /// An opening code fence: up to 3 spaces, then 3+ backticks or tildes (a backtick fence's info string
    /// has no backtick).
    private static func opensFence(_ line: String) -> (marker: Character, length: Int)? {
        let spaces = line.prefix { $0 == " " }.count
        let body = line.dropFirst(spaces)
        guard spaces <= 3, let marker = body.first, marker == "`" || marker == "~" else { return nil }
        let length = body.prefix { $0 == marker }.count
        guard length >= 3 else { return nil }
        if marker == "`", body.dropFirst(length).contains("`") { return nil }
        return (marker, length)
    }

    /// A closing fence: up to 3 spaces, at least as many of the same character, then only spaces.
    private static func closesFence(_ line: String, _ fence: Fence) -> Bool {
        let spaces = line.prefix { $0 == " " }.count
        let body = line.dropFirst(spaces)
        guard spaces <= 3 else { return false }
        let length = body.prefix { $0 == fence.marker }.count
        return length >= fence.length && body.dropFirst(length).allSatisfy { $0 == " " || $0 == "\t" }
    }

    /// Accumulates lines into paragraphs and paragraphs into chapters.
    private struct Builder {
        let imageAltText: Bool
        var chapters: [SourceChapter] = [SourceChapter(heading: nil)]
        var pending: [(text: String, line: Int)] = []
        var pendingQuoted = false
        /// Voices of the open fenced divs, innermost last.
        var divVoices: [String] = []

        init(imageAltText: Bool) { self.imageAltText = imageAltText }

        func reduce(_ text: String) -> String { InlineMarkup.reduceMarkdown(text, imageAltText: imageAltText) }

        mutating func append(_ text: String, _ line: Int) { pending.append((text, line)) }

        func pendingSingleLine() -> SourceParagraph? {
            guard pending.count == 1 else { return nil }
            return SourceParagraph(text: reduce(pending[0].text), line: pending[0].line)
        }

        mutating func discardPending() { pending = [] }

        mutating func flush() {
            defer { pending = []; pendingQuoted = false }
            guard let first = pending.first else { return }
            let raw = pending.map(\.text).joined(separator: "\n")
            addParagraph(SourceParagraph(text: reduce(raw), line: first.line, voice: divVoices.last))
        }

        /// Adds a paragraph; one with no letters or digits (a decorative separator) is a scene break.
        mutating func addParagraph(_ p: SourceParagraph) {
            if p.text.hasSpeakableText {
                chapters[chapters.count - 1].paragraphs.append(p)
            } else if !p.text.allSatisfy(\.isWhitespace) {
                sceneBreak()
            }
        }

        mutating func sceneBreak() { chapters[chapters.count - 1].markSceneBreak() }

        mutating func startChapter(_ heading: SourceParagraph, voice: String? = nil) {
            chapters.append(SourceChapter(heading: heading, voice: voice))
        }

        /// Drops the implicit leading chapter when it has nothing to say.
        func finish() -> [SourceChapter] {
            var out = chapters
            if !out[0].hasSpeakableBody { out.removeFirst() }
            return out
        }
    }
}
