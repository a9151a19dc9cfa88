// Value types for a parsed book: metadata, chapters and their speakable segments.
import Foundation

/// A book's cover image as read from the book (EPUB manifest item, or the file Markdown front matter's `cover:` names).
/// Exporters embed `data` as it is.
public struct CoverImage: Codable, Sendable, Equatable {
    public var data: Data
    /// MIME type, e.g. "image/jpeg" or "image/png".
    public var mediaType: String
    /// Where it came from: the file path (Markdown) or the path inside the EPUB archive.
    public var source: String

    public init(data: Data, mediaType: String, source: String) {
        self.data = data
        self.mediaType = mediaType
        self.source = source
    }
}

/// Book-level settings, read from Markdown front matter, a Project Gutenberg header or an EPUB's package metadata.
public struct BookMetadata: Codable, Sendable, Equatable {
    public var title: String
    public var author: String?
    public var narrator: String?
    /// BCP-47-ish language code; "en" unless the book says otherwise.
    public var language: String
    /// Base seed for per-segment seeds; nil lets the planner choose its default.
    public var seed: UInt64?
    /// Path of a cover image: relative to the book file (Markdown front matter), or inside the archive (EPUB).
    public var cover: String?
    /// The cover image itself, loaded by `BookLoader` (nil when the book names none).
    public var coverImage: CoverImage?
    public var publisher: String?
    /// Publication date as the book writes it ("1813", "2020-05-01").
    public var date: String?
    public var description: String?
    /// Read images' alt text (Markdown front matter `image-alt-text: read`); images are skipped by default.
    public var readsImageAltText: Bool
    /// Front matter `pronunciations:` (a lexicon; it overrides entries of `lexicon.yaml`).
    public var pronunciations: Lexicon?
    /// Front matter `pace:` (pauses in seconds; unset ones keep the defaults).
    public var pace: PauseSettings?
    /// Front matter `rate:` (speaking rate factor; nil: 1).
    public var rate: Double?
    /// The cast of voices (Markdown front matter `voices:` / `dialogue:`); nil: one voice, as given on the command line.
    public var cast: BookCast?

    public init(title: String, author: String? = nil, narrator: String? = nil,
                language: String = "en", seed: UInt64? = nil, cover: String? = nil, readsImageAltText: Bool = false) {
        self.title = title
        self.author = author
        self.narrator = narrator
        self.language = language
        self.seed = seed
        self.cover = cover
        self.readsImageAltText = readsImageAltText
    }
}

/// The kind of break that FOLLOWS a segment. The last segment of a chapter is `.chapter`.
public enum Boundary: String, Codable, Sendable, CaseIterable {
    case clause, sentence, paragraph, scene, chapter
}

/// One unit of speech: a sentence (or a clause of an over-long sentence, or a chapter heading).
public struct Segment: Codable, Sendable, Equatable {
    /// "chapter.index", e.g. "3.17"; stable while the chapter's own text is unchanged.
    public var key: String
    /// 1-based chapter number.
    public var chapter: Int
    /// 0 = the chapter heading; body segments are numbered from 1.
    public var index: Int
    /// 0 = the heading; body paragraphs are numbered from 1 within the chapter.
    public var paragraph: Int
    /// Source text after markup reduction; never normalized.
    public var text: String
    public var boundary: Boundary
    /// 1-based line in the book file where the segment starts.
    public var sourceLine: Int
    /// The cast voice that reads it (a chapter's, a passage's or the dialogue voice); nil: the book's default voice.
    public var voice: String?

    public init(chapter: Int, index: Int, paragraph: Int, text: String, boundary: Boundary, sourceLine: Int,
                voice: String? = nil) {
        self.voice = voice
        self.key = "\(chapter).\(index)"
        self.chapter = chapter
        self.index = index
        self.paragraph = paragraph
        self.text = text
        self.boundary = boundary
        self.sourceLine = sourceLine
    }
}

public struct Chapter: Codable, Sendable, Equatable {
    /// 1-based chapter number.
    public var index: Int
    public var title: String
    public var segments: [Segment]
    /// The chapter's text after markup reduction: the heading (when it has something to read, so it is a
    /// segment), then the paragraphs, separated by blank lines.
    public var sourceText: String

    public init(index: Int, title: String, segments: [Segment], sourceText: String) {
        self.index = index
        self.title = title
        self.segments = segments
        self.sourceText = sourceText
    }

    /// True when the segments' texts, joined, give back `sourceText` (whitespace-insensitive).
    public var isLossless: Bool {
        Chapter.strippingWhitespace(segments.map(\.text).joined()) == Chapter.strippingWhitespace(sourceText)
    }

    static func strippingWhitespace(_ s: String) -> String {
        String(String.UnicodeScalarView(s.unicodeScalars.filter { !$0.properties.isWhitespace }))
    }
}

public struct Book: Codable, Sendable {
    public var metadata: BookMetadata
    public var chapters: [Chapter]
    public var sourcePath: String
    /// The documents of an EPUB in reading order and what became of each (empty for Markdown and plain text).
    public var sourceItems: [SourceItem]

    public init(metadata: BookMetadata, chapters: [Chapter], sourcePath: String, sourceItems: [SourceItem] = []) {
        self.metadata = metadata
        self.chapters = chapters
        self.sourcePath = sourcePath
        self.sourceItems = sourceItems
    }

    /// All segments in reading order.
    public var segments: [Segment] { chapters.flatMap(\.segments) }

    /// The segment with this key ("3.17"), if any.
    public func segment(forKey key: String) -> Segment? {
        let parts = key.split(separator: ".")
        guard parts.count == 2, let c = Int(parts[0]), let i = Int(parts[1]),
              c >= 1, c <= chapters.count else { return nil }
        return chapters[c - 1].segments.first { $0.index == i }
    }
}

/// One content document of an EPUB spine: the chapters its text went to, or why it was not read.
public struct SourceItem: Codable, Sendable, Equatable {
    /// Path inside the archive ("OEBPS/text/ch01.xhtml").
    public var path: String
    /// 1-based chapter numbers that hold text of this document (empty when skipped).
    public var chapters: [Int]
    /// Why the document was not read ("copyright page (landmarks)"); nil when it was read.
    public var skipReason: String?
    /// The document is front or back matter (or outside the reading order) that `includeSkippedMatter` reads.
    public var includable: Bool

    public init(path: String, chapters: [Int] = [], skipReason: String? = nil, includable: Bool = false) {
        self.path = path
        self.chapters = chapters
        self.skipReason = skipReason
        self.includable = includable
    }
}

/// Choices about what of a book is read, beyond what the book itself says.
public struct BookReadingOptions: Codable, Sendable, Equatable {
    /// Read EPUB front and back matter (cover page, title page, copyright, table of contents, colophon, index, notes)
    /// and documents outside the reading order (`linear="no"`), which are skipped by default.
    public var includeSkippedMatter: Bool
    /// Read images' alt text in an EPUB (a Markdown book says so in its front matter, `image-alt-text: read`).
    public var readsImageAltText: Bool

    public init(includeSkippedMatter: Bool = false, readsImageAltText: Bool = false) {
        self.includeSkippedMatter = includeSkippedMatter
        self.readsImageAltText = readsImageAltText
    }
}

public struct SegmenterOptions: Sendable {
    /// The segment limit, in characters (`Character`s of `Segment.text`): no segment is ever longer. A longer
    /// sentence is split at clause boundaries, then at the space nearest its middle, then (a run without
    /// spaces) into equal pieces; fragments are only merged while the result stays within it. Engines split
    /// further by their own token limits (IndexTTS2: 120 text tokens per piece); 280 characters keeps every
    /// engine's input short enough for one generation.
    public static let defaultMaxCharacters = 280

    /// The segment limit (see `defaultMaxCharacters`); values below 1 count as 1.
    public var maxCharacters: Int = SegmenterOptions.defaultMaxCharacters
    /// Fragments with fewer words than this are merged into a neighbouring segment (0 disables merging).
    public var mergeWordsBelow: Int = 3
    /// The voice of quoted speech: when set, quotations become segments of their own in this voice. Set from the
    /// book's cast (`dialogue:`) when nil.
    public var dialogueVoice: String? = nil

    public init(maxCharacters: Int = SegmenterOptions.defaultMaxCharacters, mergeWordsBelow: Int = 3) {
        self.maxCharacters = maxCharacters
        self.mergeWordsBelow = mergeWordsBelow
    }
}
