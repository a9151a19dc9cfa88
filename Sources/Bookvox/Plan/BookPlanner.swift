// Builds the render plan from a book file: TextFrontend parses and segments it, each segment's text
// is normalized for speech. Parse errors become bad-input errors with the front end's message.
import Foundation
import TextFrontend

public enum BookPlanner {
    public static func plan(bookAt path: String) throws -> BookPlan {
        let book: Book
        do {
            book = try BookLoader.load(path: path)
        } catch let e as BookError {
            throw BookvoxError.badInput(e.description)
        }
        return plan(book)
    }

    public static func plan(_ book: Book) -> BookPlan {
        let language = book.metadata.language
        let titleOccurrences = SegmentIdentity.occurrences(of: book.chapters.map(\.title))
        let chapters = zip(book.chapters, titleOccurrences).map { ch, titleOccurrence in
            let normalized = ch.segments.map { TextNormalizer.normalize($0.text, language: language) }
            let occurrences = SegmentIdentity.occurrences(of: normalized)
            let segments = ch.segments.indices.map { i in
                let s = ch.segments[i]
                return PlannedSegment(key: s.key, chapter: s.chapter, index: s.index, paragraph: s.paragraph,
                                      sourceText: s.text, normalizedText: normalized[i], boundary: s.boundary.rawValue,
                                      sourceLine: s.sourceLine, occurrence: occurrences[i])
            }
            return PlannedChapter(number: ch.index, title: ch.title, segments: segments, titleOccurrence: titleOccurrence)
        }
        return BookPlan(title: book.metadata.title, author: book.metadata.author, narrator: book.metadata.narrator,
                        language: language, seed: book.metadata.seed, sourcePath: book.sourcePath, chapters: chapters)
    }
}
