// What the book-level exports read from the book file itself: the book as its loader reads it now (metadata the
// store does not keep — cover, publisher, date, description — and an EPUB's documents), and the cover picture for
// the M4B: the image the book names — Markdown front matter `cover:` (a path relative to the book file) or the
// EPUB's cover image. A named cover that is missing or not a JPEG/PNG is bad input naming it (the book loader
// reports a missing Markdown cover file).
import AudioDSP
import Foundation
import TextFrontend

enum BookCover {
    /// The book at `sourcePath` as the loader reads it; nil when its file is gone (the project still exports from its
    /// recorded segments).
    static func loadBook(sourcePath: String, reading: BookReadingOptions = .init()) throws -> Book? {
        guard FileManager.default.fileExists(atPath: sourcePath) else { return nil }
        return try BookLoader.load(path: sourcePath, reading: reading)
    }

    /// The M4B cover of `book` (nil when it names none).
    static func m4bCover(_ book: Book?) throws -> M4BCover? {
        guard let book, let image = book.metadata.coverImage else { return nil }
        do {
            return try M4BCover(data: image.data)
        } catch {
            throw BookvoxError.badInput("the cover image \(image.source) of \(book.sourcePath) is not a JPEG or PNG file "
                + "(\(image.mediaType)). Convert it to JPEG or PNG.")
        }
    }

    /// The cover of the book at `sourcePath`; nil when the book names none (or its file is gone).
    static func load(sourcePath: String, reading: BookReadingOptions = .init()) throws -> M4BCover? {
        try m4bCover(try loadBook(sourcePath: sourcePath, reading: reading))
    }
}
