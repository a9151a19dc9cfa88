// The ZIP container of an exported EPUB (OCF), written through ZIPFoundation so that the same files give the same
// bytes: the `mimetype` entry first, stored (uncompressed, no extra field), as OCF requires; then the files in the
// order given, text deflated and media (already compressed) stored; every entry with one fixed modification time
// (2000-01-01 00:00:00 UTC; ZIPFoundation converts it with gmtime, so the time zone does not matter).
import Foundation
import ZIPFoundation

struct EPUBZipWriter {
    struct File {
        enum Content {
            case data(Data)
            /// A file on disk, read in chunks while it is added (chapter audio).
            case file(URL)
        }
        var path: String
        var content: Content

        init(_ path: String, _ data: Data) {
            self.path = path
            content = .data(data)
        }

        init(_ path: String, file: URL) {
            self.path = path
            content = .file(file)
        }
    }

    static let modificationDate = Date(timeIntervalSince1970: 946_684_800)
    static let compressedExtensions: Set<String> = ["xhtml", "html", "htm", "opf", "ncx", "css", "smil", "xml", "svg", "js", "txt"]

    /// Writes the EPUB to `path` (which must not exist yet).
    static func write(_ files: [File], to path: String) throws {
        let archive = try Archive(url: URL(fileURLWithPath: path), accessMode: .create)
        try add(archive, "mimetype", Data("application/epub+zip".utf8), method: .none)
        for f in files where f.path != "mimetype" {
            let ext = (f.path as NSString).pathExtension.lowercased()
            let method: CompressionMethod = compressedExtensions.contains(ext) ? .deflate : .none
            switch f.content {
            case .data(let data): try add(archive, f.path, data, method: method)
            case .file(let url):
                let handle = try FileHandle(forReadingFrom: url)
                defer { try? handle.close() }
                let size = try handle.seekToEnd()
                try archive.addEntry(with: f.path, type: .file, uncompressedSize: Int64(size), modificationDate: modificationDate,
                                     permissions: 0o644, compressionMethod: method) { position, count in
                    try handle.seek(toOffset: UInt64(position))
                    return try handle.read(upToCount: count) ?? Data()
                }
            }
        }
    }

    private static func add(_ archive: Archive, _ path: String, _ data: Data, method: CompressionMethod) throws {
        try archive.addEntry(with: path, type: .file, uncompressedSize: Int64(data.count), modificationDate: modificationDate,
                             permissions: 0o644, compressionMethod: method) { position, size in
            data.subdata(in: Int(position)..<Int(position) + size)
        }
    }
}
