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
        let chapters = book.chapters.map { ch in
            PlannedChapter(number: ch.index, title: ch.title, segments: ch.segments.map { s in
                PlannedSegment(key: s.key, chapter: s.chapter, index: s.index, paragraph: s.paragraph,
                               sourceText: s.text, normalizedText: TextNormalizer.normalize(s.text, language: language),
                               boundary: s.boundary.rawValue, sourceLine: s.sourceLine)
            })
        }
        return BookPlan(title: book.metadata.title, author: book.metadata.author, narrator: book.metadata.narrator,
                        language: language, seed: book.metadata.seed, sourcePath: book.sourcePath, chapters: chapters)
    }
}
