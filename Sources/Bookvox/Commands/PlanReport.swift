// `bookvox plan BOOK`: chapters, segments, characters and estimated audio length, without rendering.
import Foundation

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
        /// What the engine is given.
        public var normalizedText: String
        /// Pause class after the segment: clause, sentence, paragraph, scene or chapter.
        public var boundary: String
        /// 1-based line of the book file where the segment starts.
        public var line: Int
    }

    public var title: String
    public var author: String?
    public var language: String
    public var seed: UInt64?
    public var chapters: [ChapterLine]
    /// Every segment in reading order.
    public var segmentList: [SegmentLine]
    public var segments: Int
    public var characters: Int
    public var estimatedSeconds: Double

    public init(plan: BookPlan) {
        title = plan.title
        author = plan.author
        language = plan.language
        seed = plan.seed
        chapters = plan.chapters.map {
            ChapterLine(number: $0.number, title: $0.title, segments: $0.segments.count, characters: $0.characterCount,
                        estimatedSeconds: Double($0.characterCount) / BookPlan.charactersPerSecond)
        }
        segmentList = plan.segments.map {
            SegmentLine(key: $0.key, chapter: $0.chapter, paragraph: $0.paragraph, sourceText: $0.sourceText,
                        normalizedText: $0.normalizedText, boundary: $0.boundary, line: $0.sourceLine)
        }
        segments = plan.segments.count
        characters = plan.characterCount
        estimatedSeconds = plan.estimatedSeconds
    }

    public static func make(bookAt path: String) throws -> PlanReport { PlanReport(plan: try BookPlanner.plan(bookAt: path)) }

    public func json() throws -> String {
        let enc = JSONEncoder()
        enc.outputFormatting = [.prettyPrinted, .sortedKeys]
        return String(decoding: try enc.encode(self), as: UTF8.self)
    }

    public var text: String {
        var lines = ["\(title)" + (author.map { " — \($0)" } ?? "") + " [\(language)]"]
        for c in chapters {
            lines.append(String(format: "  %3d  ", c.number) + c.title.padded(40)
                + String(format: " %5d segments %8d chars  ~", c.segments, c.characters) + Self.duration(c.estimatedSeconds))
        }
        lines.append("\(chapters.count) chapters, \(segments) segments, \(characters) characters, "
            + "estimated \(Self.duration(estimatedSeconds)) of audio (at ~\(Int(BookPlan.charactersPerSecond)) chars/s)")
        return lines.joined(separator: "\n")
    }

    public static func duration(_ seconds: Double) -> String {
        let s = Int(seconds.rounded())
        return s >= 3600 ? String(format: "%dh%02dm%02ds", s / 3600, s / 60 % 60, s % 60)
            : String(format: "%dm%02ds", s / 60, s % 60)
    }
}
