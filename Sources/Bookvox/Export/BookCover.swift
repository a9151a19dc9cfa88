// The book's cover picture for the M4B: the image the Markdown front matter names (`cover:`, a path relative
// to the book file). A cover that is named but missing or not a JPEG/PNG is bad input naming the file.
import AudioDSP
import Foundation
import TextFrontend

enum BookCover {
    /// The cover of the book at `sourcePath`; nil when the book names none (or its file is gone: the project
    /// still exports from its recorded segments).
    static func load(sourcePath: String) throws -> M4BCover? {
        guard FileManager.default.fileExists(atPath: sourcePath),
              BookFormat(fileExtension: (sourcePath as NSString).pathExtension) == .markdown else { return nil }
        guard let name = try BookLoader.load(path: sourcePath).metadata.cover else { return nil }
        let bookDir = URL(fileURLWithPath: sourcePath).deletingLastPathComponent()
        let url = name.hasPrefix("/") ? URL(fileURLWithPath: name) : bookDir.appendingPathComponent(name)
        guard let data = FileManager.default.contents(atPath: url.path) else {
            throw BookvoxError.badInput("the cover image \(url.path) named by the front matter of \(sourcePath) (cover: \(name)) "
                + "cannot be read. Fix the path or remove the `cover:` line.")
        }
        do {
            return try M4BCover(data: data)
        } catch {
            throw BookvoxError.badInput("the cover image \(url.path) (cover: \(name) in \(sourcePath)) is not a JPEG or PNG file. "
                + "Convert it to JPEG or PNG.")
        }
    }
}
