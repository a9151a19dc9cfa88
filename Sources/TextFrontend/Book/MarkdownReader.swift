// Markdown book → chapters of paragraphs. `#`/`##` headings start chapters; deeper headings, block quotes
// and list items are read as text; thematic breaks and symbol-only lines are scene breaks; HTML comments
// are dropped. Indented lines are read as text (books indent paragraphs; they are not code blocks here).
// A "===" underline makes the line above it a chapter heading (setext), but a "---" line is always a scene
// break, even right under a line of text: in a book, turning a scene's last line into a chapter title by
// accident would be far worse than missing a setext level-2 heading.
import Foundation

enum MarkdownReader {
    private static let atxHeading = Pattern(#"^ {0,3}(#{1,6})(?:[ \t]+(.*?))?(?:[ \t]+#+)?[ \t]*$"#)
    private static let thematicBreak = Pattern(#"^ {0,3}([-*_])(?:[ \t]*\1){2,}[ \t]*$"#)
    private static let setextH1 = Pattern(#"^ {0,3}=+[ \t]*$"#)
    private static let quoteMarker = Pattern(#"^ {0,3}>[ \t]?"#)
    private static let listMarker = Pattern(#"^[ \t]*(?:[-*+]|[0-9]{1,9}[.)])[ \t]+"#)
    private static let fence = Pattern(#"^ {0,3}(```|~~~)"#)
    private static let linkDefinition = Pattern(#"^ {0,3}\[[^\]^][^\]]*\]:[ \t]*\S+"#)
    private static let footnoteDefinition = Pattern(#"^ {0,3}\[\^[^\]]+\]:[ \t]*"#)
    private static let htmlComment = Pattern(#"<!--.*?-->"#, options: [.dotMatchesLineSeparators])

    static func read(_ text: String, path: String, defaultTitle: String) throws -> SourceDocument {
        // Comments are replaced by the newlines they held so line numbers stay true.
        let uncommented = htmlComment.replace(in: text) { g in
            String(repeating: "\n", count: g[0]!.filter(\.isNewline).count)
        }
        let lines = SourceLines.split(uncommented)
        var meta = BookMetadata(title: defaultTitle)
        var bodyStart = 0
        if let fm = try FrontMatter.locate(in: lines, path: path) {
            meta = try FrontMatter.parse(Array(lines[fm.yaml]), firstLine: fm.yaml.lowerBound + 1,
                                         defaults: meta, path: path)
            bodyStart = fm.bodyStart
        }
        var builder = Builder()
        var inFence = false
        for i in bodyStart..<lines.count {
            let lineNo = i + 1
            var line = lines[i]
            if fence.matches(line) { builder.flush(); inFence.toggle(); continue }
            if inFence {
                if line.trimmingCharacters(in: .whitespaces).isEmpty { builder.flush() } else { builder.append(line, lineNo) }
                continue
            }
            if line.trimmingCharacters(in: .whitespaces).isEmpty { builder.flush(); continue }
            if let g = atxHeading.firstMatch(line) {
                builder.flush()
                let heading = SourceParagraph(text: InlineMarkup.reduceMarkdown(g[2] ?? ""), line: lineNo)
                if g[1]!.count <= 2 { builder.startChapter(heading) } else { builder.addParagraph(heading) }
                continue
            }
            if setextH1.matches(line), let p = builder.pendingSingleLine() {
                builder.discardPending()
                builder.startChapter(p)
                continue
            }
            if thematicBreak.matches(line) { builder.flush(); builder.sceneBreak(); continue }
            if linkDefinition.matches(line) { continue }
            if let g = footnoteDefinition.firstMatch(line) {
                builder.flush()
                line = String(line.dropFirst(g[0]!.count))
            }
            var quoted = false
            while let g = quoteMarker.firstMatch(line) {
                quoted = true
                line = String(line.dropFirst(g[0]!.count))
            }
            if quoted != builder.pendingQuoted { builder.flush() }
            builder.pendingQuoted = quoted
            if quoted && line.trimmingCharacters(in: .whitespaces).isEmpty { builder.flush(); continue }
            if quoted, thematicBreak.matches(line) { builder.flush(); builder.sceneBreak(); continue }
            if let g = listMarker.firstMatch(line), !thematicBreak.matches(line) {
                builder.flush()
                builder.pendingQuoted = quoted
                line = String(line.dropFirst(g[0]!.count))
            }
            builder.append(line, lineNo)
        }
        builder.flush()
        return SourceDocument(metadata: meta, chapters: builder.finish())
    }

    /// Accumulates lines into paragraphs and paragraphs into chapters.
    private struct Builder {
        var chapters: [SourceChapter] = [SourceChapter(heading: nil)]
        var pending: [(text: String, line: Int)] = []
        var pendingQuoted = false

        mutating func append(_ text: String, _ line: Int) { pending.append((text, line)) }

        func pendingSingleLine() -> SourceParagraph? {
            guard pending.count == 1 else { return nil }
            return SourceParagraph(text: InlineMarkup.reduceMarkdown(pending[0].text), line: pending[0].line)
        }

        mutating func discardPending() { pending = [] }

        mutating func flush() {
            defer { pending = []; pendingQuoted = false }
            guard let first = pending.first else { return }
            let raw = pending.map(\.text).joined(separator: "\n")
            addParagraph(SourceParagraph(text: InlineMarkup.reduceMarkdown(raw), line: first.line))
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

        mutating func startChapter(_ heading: SourceParagraph) {
            chapters.append(SourceChapter(heading: heading))
        }

        /// Drops the implicit leading chapter when it has nothing to say.
        func finish() -> [SourceChapter] {
            var out = chapters
            if !out[0].hasSpeakableBody { out.removeFirst() }
            return out
        }
    }
}
