// Reads a book file (EPUB, Markdown or plain text) and segments it. An EPUB is recognized by its `.epub` extension
// or, whatever its name, by its first bytes (a ZIP whose first entry is the `mimetype` file saying
// application/epub+zip); Markdown and plain text must be readable UTF-8 text. A cover image the book names is loaded.
import Foundation
import Logging

public enum BookFormat: String, Sendable, CaseIterable {
    case markdown, plainText, epub

    /// The format for a file extension (lower-cased, without the dot), or nil when unsupported.
    public init?(fileExtension ext: String) {
        switch ext.lowercased() {
        case "md", "markdown": self = .markdown
        case "txt": self = .plainText
        case "epub": self = .epub
        default: return nil
        }
    }
}

public enum BookLoader {
    private static let logger = Logger(label: "bookvox.text.book")

    /// Loads and segments the book at `path`. `.epub` (or a file that starts like an EPUB) is read as EPUB,
    /// `.md`/`.markdown` as Markdown, `.txt` as plain text. `reading` says what of an EPUB is read; `limits` caps
    /// what an EPUB may inflate.
    public static func load(path: String, options: SegmenterOptions = .init(), reading: BookReadingOptions = .init(),
                            limits: EPUBLimits = .init()) throws -> Book {
        let url = URL(fileURLWithPath: path)
        var isDir: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDir) else {
            throw BookError.fileNotFound(path: path)
        }
        guard !isDir.boolValue else { throw BookError.unreadable(path: path, reason: "it is a directory") }
        let extensionFormat = BookFormat(fileExtension: url.pathExtension)
        let looksLikeEPUB = EPUBContainer.looksLikeEPUB(try head(of: url, path: path))
        if extensionFormat == .epub || looksLikeEPUB {
            let document = try EPUBReader.read(url: url, bookPath: path, defaultTitle: defaultTitle(path),
                                               reading: reading, limits: limits)
            return try build(document, sourcePath: path, options: options)
        }
        guard let format = extensionFormat else {
            throw BookError.unsupportedExtension(path: path, found: url.pathExtension)
        }
        let data: Data
        do {
            data = try Data(contentsOf: url)
        } catch {
            throw BookError.unreadable(path: path, reason: error.localizedDescription)
        }
        let text = try decode(data, path: path)
        var book = try load(text: text, format: format, sourcePath: path, options: options)
        if let cover = book.metadata.cover {
            book.metadata.coverImage = try CoverImageLoader.load(cover, bookPath: path)
        }
        return book
    }

    /// The first bytes of the file (enough to recognize an EPUB).
    private static func head(of url: URL, path: String) throws -> Data {
        do {
            let handle = try FileHandle(forReadingFrom: url)
            defer { try? handle.close() }
            return try handle.read(upToCount: 64) ?? Data()
        } catch {
            throw BookError.unreadable(path: path, reason: error.localizedDescription)
        }
    }

    /// Segments book text already in memory (Markdown or plain text; the cover it names is not loaded).
    /// `sourcePath` names the book in errors and sets the default title.
    public static func load(text: String, format: BookFormat, sourcePath: String,
                            options: SegmenterOptions = .init()) throws -> Book {
        if text.allSatisfy({ $0.isWhitespace || $0 == "\u{FEFF}" }) { throw BookError.emptyFile(path: sourcePath) }
        let title = defaultTitle(sourcePath)
        let document: SourceDocument
        switch format {
        case .markdown: document = try MarkdownReader.read(text, path: sourcePath, defaultTitle: title)
        case .plainText: document = PlainTextReader.read(text, path: sourcePath, defaultTitle: title)
        case .epub:
            throw BookError.invalidEPUB(path: sourcePath, entry: nil, reason: "an EPUB is read from its file, not from text")
        }
        return try build(document, sourcePath: sourcePath, options: options)
    }

    /// Segments a reader's chapters into the book.
    private static func build(_ document: SourceDocument, sourcePath: String, options: SegmenterOptions) throws -> Book {
        let metadata = document.metadata.sanitizedForTags(fallbackTitle: defaultTitle(sourcePath))
        var options = options
        if options.dialogueVoice == nil { options.dialogueVoice = metadata.cast?.dialogueVoice }
        let chapters = document.chapters.enumerated().map { i, source in
            ChapterSegmenter.segment(source, number: i + 1, bookTitle: metadata.title, options: options)
        }
        guard chapters.contains(where: { $0.segments.contains { $0.text.hasSpeakableText } }) else {
            throw BookError.noSpeakableText(path: sourcePath)
        }
        let count = chapters.reduce(0) { $0 + $1.segments.count }
        logger.info("\(sourcePath): \(chapters.count) chapters, \(count) segments")
        return Book(metadata: metadata, chapters: chapters, sourcePath: sourcePath, sourceItems: document.sourceItems)
    }

    /// UTF-8 text from file bytes; NUL bytes or invalid UTF-8 mean the file is not a text book.
    static func decode(_ data: Data, path: String) throws -> String {
        if data.isEmpty { throw BookError.emptyFile(path: path) }
        let bytes = [UInt8](data)
        func line(at offset: Int) -> Int { 1 + bytes[..<offset].reduce(0) { $0 + ($1 == 0x0A ? 1 : 0) } }
        if let nul = bytes.firstIndex(of: 0) {
            throw BookError.binaryFile(path: path, line: line(at: nul), reason: "a NUL byte at byte offset \(nul)")
        }
        var parser = Unicode.UTF8.ForwardParser()
        var iterator = bytes.makeIterator()
        var offset = 0
        decoding: while true {
            switch parser.parseScalar(from: &iterator) {
            case .valid(let encoded): offset += encoded.count
            case .emptyInput: break decoding
            case .error:
                let hex = String(bytes[offset], radix: 16, uppercase: true)
                throw BookError.binaryFile(path: path, line: line(at: offset),
                                           reason: "a byte that is not valid UTF-8 (0x\(hex)) at byte offset \(offset)")
            }
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    /// "books/pride_and_prejudice.md" → "pride and prejudice".
    static func defaultTitle(_ path: String) -> String {
        let base = URL(fileURLWithPath: path).deletingPathExtension().lastPathComponent
        let t = base.replacingOccurrences(of: "_", with: " ").trimmingCharacters(in: .whitespaces)
        return t.isEmpty ? "Untitled" : t
    }
}
