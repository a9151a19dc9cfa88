// Errors from reading a book file. Every message names the file (and line where it applies) and says what to do.
import Foundation

public enum BookError: Error, CustomStringConvertible, Equatable {
    case fileNotFound(path: String)
    case unreadable(path: String, reason: String)
    case emptyFile(path: String)
    /// Not UTF-8 text: `reason` says what was found (a NUL byte, an invalid byte) and where.
    case binaryFile(path: String, line: Int, reason: String)
    case unsupportedExtension(path: String, found: String)
    case malformedFrontMatter(path: String, line: Int, reason: String)
    case noSpeakableText(path: String)
    /// An EPUB that cannot be read: `entry` is the file inside the archive at fault (nil: the archive itself).
    case invalidEPUB(path: String, entry: String?, reason: String)
    /// An EPUB whose content is encrypted (DRM); `entry` is the file that says so.
    case drmProtected(path: String, entry: String)
    /// The cover image the book names is missing or unreadable; `cover` is its path as resolved.
    case coverUnreadable(path: String, cover: String, reason: String)
    /// A voice assignment (heading attribute, fenced div) names a voice the cast does not have.
    case unknownVoice(path: String, line: Int, reason: String)

    /// File extensions `BookLoader.load` accepts, lower-cased, without the dot.
    public static let supportedExtensions = ["md", "markdown", "txt", "epub"]

    public var path: String {
        switch self {
        case .fileNotFound(let p), .unreadable(let p, _), .emptyFile(let p), .binaryFile(let p, _, _),
             .unsupportedExtension(let p, _), .malformedFrontMatter(let p, _, _), .noSpeakableText(let p),
             .invalidEPUB(let p, _, _), .drmProtected(let p, _), .coverUnreadable(let p, _, _),
             .unknownVoice(let p, _, _):
            return p
        }
    }

    /// 1-based line the error refers to, when it refers to one.
    public var line: Int? {
        switch self {
        case .binaryFile(_, let l, _), .malformedFrontMatter(_, let l, _), .unknownVoice(_, let l, _): return l
        default: return nil
        }
    }

    public var description: String {
        switch self {
        case .fileNotFound(let p):
            return "\(p): book file not found. Check the path (it is resolved relative to the current directory)."
        case .unreadable(let p, let reason):
            return "\(p): the book file could not be read (\(reason)). Check its permissions and that it is a regular file."
        case .emptyFile(let p):
            return "\(p): the book file is empty (expected EPUB, Markdown or plain text). Add the book's text and try again."
        case .binaryFile(let p, let line, let reason):
            return "\(p):\(line): expected UTF-8 text but found \(reason). "
                + "Convert the book to UTF-8 plain text or Markdown (e.g. `iconv -f latin1 -t utf-8`), or export it from the source app as .txt/.md."
        case .unsupportedExtension(let p, let found):
            let shown = found.isEmpty ? "no extension" : "'.\(found)'"
            return "\(p): unsupported book file type (\(shown)). Supported: "
                + BookError.supportedExtensions.map { "." + $0 }.joined(separator: ", ")
                + ". Convert the book to EPUB, Markdown or plain text, or rename it if it already is one."
        case .malformedFrontMatter(let p, let line, let reason):
            return "\(p):\(line): malformed front matter: \(reason). "
                + "Fix the YAML block between the '---' lines at the top of the file (keys: title, author, narrator, language, seed, cover, publisher, date, description, image-alt-text, voices, dialogue, chapter-voices)."
        case .noSpeakableText(let p):
            return "\(p): the book has no speakable text (no letters or digits outside markup). "
                + "Check that the file holds the book's text and not only front matter, headings markup or comments."
        case .invalidEPUB(let p, let entry, let reason):
            return "\(p)" + (entry.map { ": \($0)" } ?? "") + ": cannot read this EPUB: \(reason). "
                + "Check that the file is a complete EPUB 2 or 3 (open it in an e-book reader, or run epubcheck on it)."
        case .drmProtected(let p, let entry):
            return "\(p): the book is DRM-protected (\(entry) says its content is encrypted); bookvox reads only DRM-free "
                + "EPUBs. Use a DRM-free edition of the book."
        case .coverUnreadable(let p, let cover, let reason):
            return "\(p): the cover image \(cover) could not be read (\(reason)). "
                + "Fix the `cover:` path in the front matter (it is relative to the book file) or remove the line."
        case .unknownVoice(let p, let line, let reason):
            return "\(p):\(line): \(reason)."
        }
    }
}
