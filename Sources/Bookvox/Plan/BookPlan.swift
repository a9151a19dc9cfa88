// What the pipeline renders: the book's chapters and segments with normalized text, independent of
// how the text front end parsed them (BookPlanner.swift builds it from TextFrontend's Book).
import Foundation
import TextFrontend

public struct PlannedSegment: Codable, Sendable, Equatable {
    public var key: String
    public var chapter: Int
    /// Position in the chapter; 0 is the chapter heading.
    public var index: Int
    public var paragraph: Int
    public var sourceText: String
    public var normalizedText: String
    /// Pause class after this segment (TextFrontend `Boundary` raw value: clause/sentence/paragraph/scene/chapter).
    public var boundary: String
    public var sourceLine: Int
    /// How many segments of this chapter before this one have the same normalized text.
    public var occurrence: Int
    /// Content-stable identity (SegmentIdentity.contentID): the seed and the stored audio follow it.
    public var contentID: String
    /// What the engine is given when the pronunciation lexicon changes `normalizedText` (nil: the normalized text).
    /// Part of the cache identity; the content id (and so the seed) stays that of the normalized text.
    public var engineText: String?
    /// This segment's own speaking rate (e.g. its voice's); nil: the book's rate.
    public var rate: Double?
    /// The cast voice that reads it (the cast's default voice included); nil: the voice given on the command line.
    public var voice: String?

    /// `identityVoice`: the voice when it is not the book's default (part of the content id); nil for the default.
    public init(key: String, chapter: Int, index: Int, paragraph: Int, sourceText: String,
                normalizedText: String, boundary: String, sourceLine: Int, occurrence: Int = 0,
                voice: String? = nil, identityVoice: String? = nil) {
        self.voice = voice
        self.key = key
        self.chapter = chapter
        self.index = index
        self.paragraph = paragraph
        self.sourceText = sourceText
        self.normalizedText = normalizedText
        self.boundary = boundary
        self.sourceLine = sourceLine
        self.occurrence = occurrence
        self.contentID = SegmentIdentity.contentID(normalizedText: normalizedText, occurrence: occurrence, voice: identityVoice)
    }

    /// The text the engine is given.
    public var textForEngine: String { engineText ?? normalizedText }
}

public struct PlannedChapter: Codable, Sendable, Equatable {
    public var number: Int
    public var title: String
    /// Identifies the chapter by its heading (SegmentIdentity.chapterAnchor), not its number.
    public var anchor: String
    public var segments: [PlannedSegment]

    public init(number: Int, title: String, segments: [PlannedSegment], titleOccurrence: Int = 0) {
        self.number = number
        self.title = title
        self.anchor = SegmentIdentity.chapterAnchor(title: title, occurrence: titleOccurrence)
        self.segments = segments
    }

    public var characterCount: Int { segments.reduce(0) { $0 + $1.normalizedText.count } }
}

public struct BookPlan: Codable, Sendable, Equatable {
    public var title: String
    public var author: String?
    public var narrator: String?
    public var language: String
    /// Seed from the book's front matter, if any.
    public var seed: UInt64?
    public var sourcePath: String
    public var chapters: [PlannedChapter]
    public var publisher: String?
    public var date: String?
    public var description: String?
    /// The book's cover image (EPUB package, or Markdown front matter `cover:`), for exporters to embed.
    public var cover: CoverImage?
    /// EPUB: each spine document and the chapters it went to, or why it was skipped (empty for other formats).
    public var sourceItems: [SourceItem]
    /// What of the book was read (`--include-front-matter`, `--image-alt-text`); the project remembers it.
    public var reading: BookReadingOptions
    /// Front matter `pronunciations:` (Plan/BookLexicon.swift merges it over `lexicon.yaml`).
    public var pronunciations: Lexicon? = nil
    /// Front matter `pace:` and `rate:`.
    public var pace: PauseSettings? = nil
    public var rate: Double? = nil
    /// The cast of voices (Markdown front matter), clip paths made absolute; nil: one voice (`--voice`).
    public var cast: BookCast?

    public init(title: String, author: String?, narrator: String?, language: String, seed: UInt64?,
                sourcePath: String, chapters: [PlannedChapter], publisher: String? = nil, date: String? = nil,
                description: String? = nil, cover: CoverImage? = nil, sourceItems: [SourceItem] = [],
                reading: BookReadingOptions = .init()) {
        self.title = title
        self.author = author
        self.narrator = narrator
        self.language = language
        self.seed = seed
        self.sourcePath = sourcePath
        self.chapters = chapters
        self.publisher = publisher
        self.date = date
        self.description = description
        self.cover = cover
        self.sourceItems = sourceItems
        self.reading = reading
    }

    public var segments: [PlannedSegment] { chapters.flatMap(\.segments) }

    /// Sets each segment's engine text: the lexicon applied to its normalized text for `engine` (nil where it
    /// changes nothing, so such a segment keeps the identity it has without a lexicon).
    public mutating func applyLexicon(_ lexicon: Lexicon?, engine: String) {
        let compiled = lexicon.map { $0.compiled(forEngine: engine) }
        for c in chapters.indices {
            for s in chapters[c].segments.indices {
                let text = chapters[c].segments[s].normalizedText
                let applied = compiled?.apply(text) ?? text
                chapters[c].segments[s].engineText = applied == text ? nil : applied
            }
        }
    }
    /// The cast voices the segments name (the default voice included).
    public var usedVoices: Set<String> { Set(segments.compactMap(\.voice)) }

    /// Whether `voice` (a segment's) is read by the book's default voice.
    public func isDefaultVoice(_ voice: String?) -> Bool { voice == nil || voice == cast?.defaultVoice }

    /// The cast voice's own speaking rate (`rate:` in its entry; it multiplies the book's rate); nil: none given.
    public func voiceRate(_ voice: String?) -> Double? {
        guard let voice else { return nil }
        return cast?.voices.first { $0.name == voice }?.rate
    }
    public var characterCount: Int { chapters.reduce(0) { $0 + $1.characterCount } }

    /// Narration speed used for estimates: about 15 characters per second.
    public static let charactersPerSecond = 15.0
    public var estimatedSeconds: Double { Double(characterCount) / Self.charactersPerSecond }

    /// Default book seed when neither the front matter nor `--seed` gives one.
    public static let defaultSeed: UInt64 = 1234
}
