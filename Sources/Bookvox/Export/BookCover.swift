// The book's cover picture for the M4B: the image the book names — Markdown front matter `cover:` (a path
// relative to the book file) or the EPUB's cover image. A named cover that is missing or not a JPEG/PNG is
// bad input naming it (the book loader reports a missing Markdown cover file).
import AudioDSP
import Foundation
import TextFrontend

enum BookCover {
    /// The cover of the book at `sourcePath`; nil when the book names none (or its file is gone: the project
    /// still exports from its recorded segments).
    static func load(sourcePath: String, reading: BookReadingOptions = .init()) throws -> M4BCover? {
        guard FileManager.default.fileExists(atPath: sourcePath) else { return nil }
        guard let image = try BookLoader.load(path: sourcePath, reading: reading).metadata.coverImage else { return nil }
        do {
            return try M4BCover(data: image.data)
        } catch {
            throw BookvoxError.badInput("the cover image \(image.source) of \(sourcePath) is not a JPEG or PNG file "
                + "(\(image.mediaType)). Convert it to JPEG or PNG.")
        }
    }
}
