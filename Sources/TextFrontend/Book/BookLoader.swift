// Reads a book file (Markdown or plain text), checks that it is readable UTF-8 text, and segments it.
import Foundation
import Logging

public enum BookFormat: String, Sendable, CaseIterable {
    case markdown, plainText

    /// The format for a file extension (lower-cased, without the dot), or nil when unsupported.
    public init?(fileExtension ext: String) {
        switch ext.lowercased() {
        case "md", "markdown": self = .markdown
        case "txt": self = .plainText
        default: return nil
        }
    }
}

public enum BookLoader {
    private static let logger = Logger(label: "bookvox.text.book")

    /// Loads and segments the book at `path`. `.md`/`.markdown` are read as Markdown, `.txt` as plain text.
    public static func load(path: String, options: SegmenterOptions = .init()) throws -> Book {
        let url = URL(fileURLWithPath: path)
        var isDir: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDir) else {
            throw BookError.fileNotFound(path: path)
        }
        guard !isDir.boolValue else { throw BookError.unreadable(path: path, reason: "it is a directory") }
        guard let format = BookFormat(fileExtension: url.pathExtension) else {
            throw BookError.unsupportedExtension(path: path, found: url.pathExtension)
        }
        let data: Data
        do {
            data = try Data(contentsOf: url)
        } catch {
            throw BookError.unreadable(path: path, reason: error.localizedDescription)
        }
        let text = try decode(data, path: path)
        return try load(text: text, format: format, sourcePath: path, options: options)
    }

    /// Segments book text already in memory. `sourcePath` names the book in errors and sets the default title.
    public static func load(text: String, format: BookFormat, sourcePath: String,
                            options: SegmenterOptions = .init()) throws -> Book {
        if text.allSatisfy({ $0.isWhitespace || $0 == "\u{FEFF}" }) { throw BookError.emptyFile(path: sourcePath) }
        let title = defaultTitle(sourcePath)
        let document: SourceDocument
        switch format {
        case .markdown: document = try MarkdownReader.read(text, path: sourcePath, defaultTitle: title)
        case .plainText: document = PlainTextReader.read(text, path: sourcePath, defaultTitle: title)
        }
        let metadata = document.metadata.sanitizedForTags(fallbackTitle: title)
        let chapters = document.chapters.enumerated().map { i, source in
            ChapterSegmenter.segment(source, number: i + 1, bookTitle: metadata.title, options: options)
        }
        guard chapters.contains(where: { $0.segments.contains { $0.text.hasSpeakableText } }) else {
            throw BookError.noSpeakableText(path: sourcePath)
        }
        let count = chapters.reduce(0) { $0 + $1.segments.count }
        logger.info("\(sourcePath): \(chapters.count) chapters, \(count) segments")
        return Book(metadata: metadata, chapters: chapters, sourcePath: sourcePath)
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
