// Reader output before segmentation: chapters of paragraphs with their source lines.
import Foundation

/// A block of text after markup reduction. `text` keeps one "\n" per source line break so that an offset
/// in it maps back to a source line: line + number of "\n" before the offset.
struct SourceParagraph: Equatable {
    var text: String
    /// 1-based line in the book file of the paragraph's first line.
    var line: Int
    /// A scene break (thematic break, decorative separator) follows this paragraph.
    var sceneBreakAfter = false
    /// The voice a fenced div (or a heading attribute) assigns; nil: the chapter's.
    var voice: String? = nil
}

struct SourceChapter: Equatable {
    /// The heading as written (markup reduced); nil for an implicit chapter (text before the first heading,
    /// or a book with no headings), which is titled with the book title and has no N.0 segment.
    var heading: SourceParagraph?
    var paragraphs: [SourceParagraph] = []
    /// The chapter's title when the book gives one apart from the heading (an EPUB's table of contents); nil: the
    /// heading's text (or the book title for an implicit chapter).
    var title: String? = nil
    /// The chapter's voice (heading attribute `{voice=NAME}`); nil: the book's default voice.
    var voice: String? = nil

    var hasSpeakableBody: Bool { paragraphs.contains { $0.text.hasSpeakableText } }

    /// Marks a scene break after the last paragraph, if there is one.
    mutating func markSceneBreak() {
        guard !paragraphs.isEmpty else { return }
        paragraphs[paragraphs.count - 1].sceneBreakAfter = true
    }
}

struct SourceDocument {
    var metadata: BookMetadata
    var chapters: [SourceChapter]
    /// EPUB spine documents and what became of them (chapter numbers are 1-based positions in `chapters`).
    var sourceItems: [SourceItem] = []
}

/// Splits file text into lines: strips a UTF-8 BOM, accepts LF, CRLF and CR line ends.
enum SourceLines {
    static func split(_ text: String) -> [String] {
        var t = text
        if t.hasPrefix("\u{FEFF}") { t.removeFirst() }
        // "\r\n" is a single Character in Swift, so splitting on isNewline handles CRLF, LF and CR alike.
        return t.split(omittingEmptySubsequences: false, whereSeparator: { $0.isNewline }).map(String.init)
    }
}
