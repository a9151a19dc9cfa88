// `bookvox plan BOOK`: chapters, segments, characters and estimated audio length, without rendering; for an EPUB
// also which documents became which chapters and which were skipped (and why).
import Foundation
import TextFrontend

public struct PlanReport: Codable, Sendable, Equatable {
    public struct ChapterLine: Codable, Sendable, Equatable {
        public var number: Int
        public var title: String
        public var segments: Int
        public var characters: Int
        public var estimatedSeconds: Double
    }

    /// One segment, so keys can be looked up before rendering (`plan --json`).
    public struct SegmentLine: Codable, Sendable, Equatable {
        public var key: String
        public var chapter: Int
        public var paragraph: Int
        /// The text as written in the book (markup removed).
        public var sourceText: String
        /// The text normalized for speech: what the engine is given, less the pronunciation lexicon's changes
        /// (`bookvox lexicon check` lists those).
        public var normalizedText: String
        /// Pause class after the segment: clause, sentence, paragraph, scene or chapter.
        public var boundary: String
        /// 1-based line of the book file where the segment starts.
        public var line: Int
        /// The cast voice that reads it (absent: the voice given with --voice).
        public var voice: String?
    }

    /// One voice of the book's cast and how much of the book it reads.
    public struct VoiceLine: Codable, Sendable, Equatable {
        public var name: String
        /// What it speaks with, as the front matter gives it ("clip narrator.wav", "espeak en+f3", …).
        public var source: String
        public var isDefault: Bool
        public var isDialogue: Bool
        public var segments: Int
        public var characters: Int
    }

    /// The cover image found in the book.
    public struct CoverLine: Codable, Sendable, Equatable {
        /// File path (Markdown) or path inside the EPUB.
        public var source: String
        public var mediaType: String
        public var bytes: Int
    }

    public var title: String
    public var author: String?
    public var language: String
    public var seed: UInt64?
    public var publisher: String?
    public var date: String?
    public var cover: CoverLine?
    public var chapters: [ChapterLine]
    /// EPUB: every spine document in reading order, with its chapters or why it was skipped (empty otherwise).
    public var documents: [SourceItem]
    /// Every segment in reading order.
    public var segmentList: [SegmentLine]
    /// The cast of voices (absent for a book without one).
    public var voices: [VoiceLine]?
    public var segments: Int
    public var characters: Int
    public var estimatedSeconds: Double

    public init(plan: BookPlan) {
        title = plan.title
        author = plan.author
        language = plan.language
        seed = plan.seed
        publisher = plan.publisher
        date = plan.date
        cover = plan.cover.map { CoverLine(source: $0.source, mediaType: $0.mediaType, bytes: $0.data.count) }
        documents = plan.sourceItems
        chapters = plan.chapters.map {
            ChapterLine(number: $0.number, title: $0.title, segments: $0.segments.count, characters: $0.characterCount,
                        estimatedSeconds: Double($0.characterCount) / BookPlan.charactersPerSecond)
        }
        segmentList = plan.segments.map {
            SegmentLine(key: $0.key, chapter: $0.chapter, paragraph: $0.paragraph, sourceText: $0.sourceText,
                        normalizedText: $0.normalizedText, boundary: $0.boundary, line: $0.sourceLine, voice: $0.voice)
        }
        voices = plan.cast.map { cast in
            cast.voices.map { v in
                let read = plan.segments.filter { $0.voice == v.name }
                return VoiceLine(name: v.name, source: Self.source(v), isDefault: v.name == cast.defaultVoice,
                                 isDialogue: v.name == cast.dialogueVoice, segments: read.count,
                                 characters: read.reduce(0) { $0 + $1.normalizedText.count })
            }
        }
        segments = plan.segments.count
        characters = plan.characterCount
        estimatedSeconds = plan.estimatedSeconds
    }

    public static func make(bookAt path: String, reading: BookReadingOptions = .init()) throws -> PlanReport {
        PlanReport(plan: try BookPlanner.plan(bookAt: path, reading: reading))
    }

    public func json() throws -> String {
        let enc = JSONEncoder()
        enc.outputFormatting = [.prettyPrinted, .sortedKeys]
        return String(decoding: try enc.encode(self), as: UTF8.self)
    }

    public var text: String {
        var lines = ["\(title)" + (author.map { " — \($0)" } ?? "") + " [\(language)]"]
        let published = [publisher, date].compactMap { $0 }
        if !published.isEmpty { lines.append("  published: " + published.joined(separator: ", ")) }
        if let cover { lines.append("  cover: \(cover.source) (\(cover.mediaType), \(cover.bytes) bytes)") }
        for c in chapters {
            lines.append(String(format: "  %3d  ", c.number) + c.title.padded(40)
                + String(format: " %5d segments %8d chars  ~", c.segments, c.characters) + Self.duration(c.estimatedSeconds))
        }
        lines.append("\(chapters.count) chapters, \(segments) segments, \(characters) characters, "
            + "estimated \(Self.duration(estimatedSeconds)) of audio (at ~\(Int(BookPlan.charactersPerSecond)) chars/s)")
        if !documents.isEmpty { lines += documentLines }
        if let voices { lines += voiceLines(voices) }
        return lines.joined(separator: "\n")
    }

    /// What a voice speaks with, in words.
    static func source(_ v: CastVoice) -> String {
        var parts: [String] = []
        if let c = v.clip { parts.append("clip " + URL(fileURLWithPath: c).lastPathComponent + (v.text == nil ? "" : " + text")) }
        if let s = v.speaker { parts.append("speaker \(s)") }
        if let d = v.design { parts.append("design \"\(d)\"") }
        if let e = v.emotion { parts.append("emotion \(e)") }
        if let c = v.emotionClip { parts.append("emotion clip " + URL(fileURLWithPath: c).lastPathComponent) }
        if let a = v.emotionAlpha { parts.append("emotion alpha \(a)") }
        if let e = v.espeak { parts.append("espeak \(e)") }
        return parts.joined(separator: ", ")
    }

    /// The cast, each voice with its share of the book; the --voice default when the cast names none.
    private func voiceLines(_ voices: [VoiceLine]) -> [String] {
        var lines = ["Voices:"]
        let width = max(voices.map(\.name.count).max() ?? 0, 9)
        let unassigned = segmentList.filter { $0.voice == nil }
        if !unassigned.isEmpty || !voices.contains(where: \.isDefault) {
            lines.append("  " + "(default)".padded(width) + String(format: " %5d segments %8d chars  ", unassigned.count,
                unassigned.reduce(0) { $0 + $1.normalizedText.count }) + "the voice given with --voice")
        }
        for v in voices {
            let role = [v.isDefault ? "default" : nil, v.isDialogue ? "dialogue" : nil].compactMap { $0 }
            lines.append("  " + v.name.padded(width) + String(format: " %5d segments %8d chars  ", v.segments, v.characters)
                + v.source + (role.isEmpty ? "" : " (" + role.joined(separator: ", ") + ")"))
        }
        return lines
    }

    /// The EPUB's spine documents: chapters, or why skipped; `*` marks what `--include-front-matter` reads.
    private var documentLines: [String] {
        let width = min(documents.map(\.path.count).max() ?? 0, 60)
        var lines = ["Documents in reading order:"]
        for d in documents {
            let what: String
            if let reason = d.skipReason {
                what = "skipped: \(reason)" + (d.includable ? " *" : "")
            } else if d.chapters.isEmpty {
                what = "read (no chapter text)"
            } else {
                what = (d.chapters.count == 1 ? "chapter " : "chapters ") + Self.ranges(d.chapters)
            }
            lines.append("  " + d.path.padded(width) + "  " + what)
        }
        if documents.contains(where: { $0.includable && $0.skipReason != nil }) {
            lines.append("* not read by default; --include-front-matter reads it (then --chapters picks chapters)")
        }
        return lines
    }

    /// [2, 3, 4, 6] → "2-4, 6".
    static func ranges(_ numbers: [Int]) -> String {
        var parts: [String] = []
        var i = 0
        while i < numbers.count {
            var j = i
            while j + 1 < numbers.count, numbers[j + 1] == numbers[j] + 1 { j += 1 }
            parts.append(j > i ? "\(numbers[i])-\(numbers[j])" : "\(numbers[i])")
            i = j + 1
        }
        return parts.joined(separator: ", ")
    }

    public static func duration(_ seconds: Double) -> String {
        let s = Int(seconds.rounded())
        return s >= 3600 ? String(format: "%dh%02dm%02ds", s / 3600, s / 60 % 60, s % 60)
            : String(format: "%dm%02ds", s / 60, s % 60)
    }
}
