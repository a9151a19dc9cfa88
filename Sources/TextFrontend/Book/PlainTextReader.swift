// Plain-text book → chapters of paragraphs, with Project Gutenberg conventions:
// - everything up to and including the "*** START OF ... PROJECT GUTENBERG EBOOK ... ***" line is the
//   header (Title:/Author:/Language: are read from it), and from the "*** END OF ..." line (or an older
//   "End of the Project Gutenberg EBook" line) on is the licence; both are dropped;
// - chapters start at a line of its own like "CHAPTER I", "Chapter 1", "CHAPTER XII." (optionally followed
//   by a title on the same line, or by a short title on the very next line);
// - paragraphs are separated by blank lines; hard-wrapped lines are joined; `_italics_` are reduced;
//   "[Illustration…]" paragraphs are dropped; symbol-only paragraphs ("*     *     *") are scene breaks.
// Decisions for front material:
// - a chapter heading with no text before the next heading is a table-of-contents entry and is dropped;
// - in a Gutenberg file that has chapter headings, the text before the first heading is the title page,
//   credits and contents, and is not read; in other files it becomes a chapter titled with the book title.
import Foundation
import Logging

enum PlainTextReader {
    private static let logger = Logger(label: "bookvox.text.plaintext")
    private static let startMarker = Pattern(#"^\s*\*{3}\s*START OF (?:THE|THIS) PROJECT GUTENBERG E-?(?:BOOK|TEXT)"#,
                                             options: [.caseInsensitive])
    private static let endMarker = Pattern(
        #"^\s*(?:\*{3}\s*END OF (?:THE|THIS) PROJECT GUTENBERG|End of (?:the )?Project Gutenberg'?s? )"#,
        options: [.caseInsensitive])
    private static let headerField = Pattern(#"^(Title|Author|Language):\s*(.*?)\s*$"#)
    private static let numberWord = "(?:ONE|TWO|THREE|FOUR|FIVE|SIX|SEVEN|EIGHT|NINE|TEN|ELEVEN|TWELVE|THIRTEEN|"
        + "FOURTEEN|FIFTEEN|SIXTEEN|SEVENTEEN|EIGHTEEN|NINETEEN|TWENTY|THIRTY|FORTY|FIFTY|SIXTY|SEVENTY|EIGHTY|NINETY)"
        + "(?:[- ](?:ONE|TWO|THREE|FOUR|FIVE|SIX|SEVEN|EIGHT|NINE))?"
    private static let chapterHeading = Pattern(
        #"^\s*(?:CHAPTER|Chapter)\s+(?:[IVXLCDM]+|[0-9]{1,4}|(?i:"# + numberWord + #"))\.?(?:\s*[.:\x{2014}-]\s*\S.*)?\s*$"#)
    private static let illustration = Pattern(#"^\s*\[Illustration[^\]]*\]\s*$"#, options: [.caseInsensitive])
    private static let creditLine = Pattern(#"^\s*(?:Produced by|E-?text prepared by|Transcribed from)"#,
                                            options: [.caseInsensitive])

    static func read(_ text: String, path: String, defaultTitle: String) -> SourceDocument {
        let lines = SourceLines.split(text)
        var meta = BookMetadata(title: defaultTitle)
        var bodyStart = 0
        var bodyEnd = lines.count
        var gutenberg = false
        if let start = lines.firstIndex(where: { startMarker.matches($0) }) {
            gutenberg = true
            readHeader(lines[..<start], into: &meta)
            bodyStart = start + 1
        }
        if let end = lines[bodyStart...].firstIndex(where: { endMarker.matches($0) }) {
            gutenberg = true
            bodyEnd = end
        }
        var chapters = [SourceChapter(heading: nil)]
        var sawHeading = false
        for block in paragraphs(lines, from: bodyStart, to: bodyEnd) {
            // A block may hold several heading lines (a contents list); each heading starts a chapter.
            var part: Block = []
            func finishPart() {
                defer { part = [] }
                guard let first = part.first else { return }
                guard isHeading(first.text) else { add(part, to: &chapters[chapters.count - 1]); return }
                var headingLines = [first.text]
                var rest = Array(part.dropFirst())
                if rest.count == 1, isSubtitle(rest[0].text) {
                    headingLines.append(rest[0].text)
                    rest = []
                }
                chapters.append(SourceChapter(heading: SourceParagraph(text: headingLines.joined(separator: "\n"),
                                                                        line: first.line)))
                if !rest.isEmpty { add(rest, to: &chapters[chapters.count - 1]) }
            }
            for line in block {
                if isHeading(line.text) {
                    sawHeading = true
                    finishPart()
                }
                part.append(line)
            }
            finishPart()
        }
        var result: [SourceChapter] = []
        for (i, chapter) in chapters.enumerated() {
            if i == 0 {
                if gutenberg && sawHeading {
                    if chapter.hasSpeakableBody {
                        logger.info("\(path): not reading the Gutenberg title page/contents before the first chapter heading")
                    }
                    continue
                }
                var c = chapter
                if gutenberg { c.paragraphs.removeAll { creditLine.matches($0.text) } }
                if c.hasSpeakableBody { result.append(c) }
            } else if chapter.hasSpeakableBody {
                result.append(chapter)
            } else {
                logger.debug("\(path):\(chapter.heading?.line ?? 0): heading without text (contents entry) dropped")
            }
        }
        return SourceDocument(metadata: meta, chapters: result)
    }

    private static func isHeading(_ line: String) -> Bool {
        line.count <= 100 && chapterHeading.matches(line)
    }

    /// A short line right under a chapter heading, e.g. "Down the Rabbit-Hole".
    private static func isSubtitle(_ line: String) -> Bool {
        let t = line.trimmingCharacters(in: .whitespaces)
        guard !t.isEmpty, t.count <= 80, t.hasSpeakableText else { return false }
        if t.uppercased() == t { return true }
        guard let last = t.last else { return false }
        return !".!?\u{201D}\"',;:".contains(last)
    }

    private static func add(_ lines: Block, to chapter: inout SourceChapter) {
        let raw = lines.map(\.text).joined(separator: "\n")
        if illustration.matches(raw.replacingOccurrences(of: "\n", with: " ")) { return }
        let text = InlineMarkup.reduceUnderscoreEmphasis(raw)
        if text.hasSpeakableText {
            chapter.paragraphs.append(SourceParagraph(text: text, line: lines[0].line))
        } else {
            chapter.markSceneBreak()
        }
    }

    /// Blank-line separated blocks of (line text, 1-based line number).
    private typealias Block = [(text: String, line: Int)]

    private static func paragraphs(_ lines: [String], from: Int, to: Int) -> [Block] {
        var out: [Block] = []
        var current: Block = []
        for i in from..<max(from, to) {
            if lines[i].allSatisfy(\.isWhitespace) {
                if !current.isEmpty { out.append(current); current = [] }
            } else {
                current.append((lines[i], i + 1))
            }
        }
        if !current.isEmpty { out.append(current) }
        return out
    }

    private static func readHeader(_ header: ArraySlice<String>, into meta: inout BookMetadata) {
        var lastKey: String?
        for line in header {
            if let g = headerField.firstMatch(line), let key = g[1], let value = g[2], !value.isEmpty {
                lastKey = key
                switch key {
                case "Title": meta.title = value
                case "Author": meta.author = value
                default: meta.language = languageCode(value)
                }
            } else if let key = lastKey, line.first?.isWhitespace == true, !line.allSatisfy(\.isWhitespace) {
                let more = line.trimmingCharacters(in: .whitespaces)
                if key == "Title" { meta.title += " " + more } else if key == "Author" { meta.author = (meta.author ?? "") + " " + more }
            } else {
                lastKey = nil
            }
        }
    }

    private static func languageCode(_ name: String) -> String {
        let codes = ["english": "en", "french": "fr", "german": "de", "spanish": "es", "italian": "it",
                     "portuguese": "pt", "dutch": "nl", "chinese": "zh", "japanese": "ja", "russian": "ru"]
        return codes[name.lowercased()] ?? (name.count <= 3 ? name.lowercased() : "en")
    }
}
