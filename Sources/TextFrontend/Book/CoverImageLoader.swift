// The cover image a book names: Markdown front matter's `cover:` (a path relative to the book file) is read here;
// an EPUB's cover comes from its archive (EPUB/EPUBReader.swift). The media type is taken from the image's own
// bytes where they say it, so a misnamed file still gets the right type.
import Foundation

enum CoverImageType {
    /// "image/jpeg", "image/png", "image/gif" or "image/webp" from the first bytes, or nil.
    static func sniff(_ data: Data) -> String? {
        let b = [UInt8](data.prefix(12))
        if b.starts(with: [0xFF, 0xD8, 0xFF]) { return "image/jpeg" }
        if b.starts(with: [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]) { return "image/png" }
        if b.starts(with: Array("GIF8".utf8)) { return "image/gif" }
        if b.count == 12, b.starts(with: Array("RIFF".utf8)), Array(b[8..<12]) == Array("WEBP".utf8) { return "image/webp" }
        return nil
    }
}

enum CoverImageLoader {
    /// Largest cover file read.
    static let maxBytes = 64 << 20

    /// Reads the cover `cover` names, relative to the book at `bookPath`. A missing, unreadable, oversized or
    /// non-image file is an error naming it.
    static func load(_ cover: String, bookPath: String) throws -> CoverImage {
        let base = URL(fileURLWithPath: bookPath).deletingLastPathComponent()
        let url = cover.hasPrefix("/") ? URL(fileURLWithPath: cover) : base.appendingPathComponent(cover)
        let path = url.standardizedFileURL.path
        var isDir: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDir) else {
            throw BookError.coverUnreadable(path: bookPath, cover: path, reason: "no such file")
        }
        guard !isDir.boolValue else {
            throw BookError.coverUnreadable(path: bookPath, cover: path, reason: "it is a directory")
        }
        let size = (try? FileManager.default.attributesOfItem(atPath: path)[.size] as? Int) ?? 0
        guard size <= maxBytes else {
            throw BookError.coverUnreadable(path: bookPath, cover: path,
                                            reason: "it is \(size >> 20) MiB; a cover may have \(maxBytes >> 20) MiB at most")
        }
        let data: Data
        do {
            data = try Data(contentsOf: url)
        } catch {
            throw BookError.coverUnreadable(path: bookPath, cover: path, reason: error.localizedDescription)
        }
        guard let type = CoverImageType.sniff(data) else {
            throw BookError.coverUnreadable(path: bookPath, cover: path,
                                            reason: data.isEmpty ? "the file is empty" : "it is not a JPEG, PNG, GIF or WebP image")
        }
        return CoverImage(data: data, mediaType: type, source: path)
    }
}
