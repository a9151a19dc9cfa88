// Writes EPUB (ZIP) files for tests from files given in code: the `mimetype` entry first and stored, as OCF
// requires, then the rest deflated. Also helpers to write damaged archives (a lying size field).
import Foundation
import ZIPFoundation

public struct EPUBBuilder {
    public var files: [(path: String, data: Data)] = []
    /// Write the `mimetype` entry first (a real EPUB has it; some hostile-input tests leave it out).
    public var includesMimetype = true

    public init() {}

    public mutating func add(_ path: String, _ text: String) { files.append((path, Data(text.utf8))) }
    public mutating func add(_ path: String, data: Data) { files.append((path, data)) }

    /// The standard container.xml naming `opfPath`.
    public mutating func addContainer(opfPath: String = "OEBPS/content.opf") {
        add("META-INF/container.xml", """
        <?xml version="1.0" encoding="UTF-8"?>
        <container version="1.0" xmlns="urn:oasis:names:tc:opendocument:xmlns:container">
          <rootfiles><rootfile full-path="\(opfPath)" media-type="application/oebps-package+xml"/></rootfiles>
        </container>
        """)
    }

    /// Writes the archive to `url` (replacing it).
    public func write(to url: URL) throws {
        try? FileManager.default.removeItem(at: url)
        let archive = try Archive(url: url, accessMode: .create)
        let fixedDate = Date(timeIntervalSince1970: 1_600_000_000)
        if includesMimetype {
            let mime = Data("application/epub+zip".utf8)
            try archive.addEntry(with: "mimetype", type: .file, uncompressedSize: Int64(mime.count),
                                 modificationDate: fixedDate, compressionMethod: .none) { pos, size in
                mime.subdata(in: Int(pos)..<Int(pos) + size)
            }
        }
        for (path, data) in files {
            try archive.addEntry(with: path, type: .file, uncompressedSize: Int64(data.count),
                                 modificationDate: fixedDate, compressionMethod: .deflate) { pos, size in
                data.subdata(in: Int(pos)..<Int(pos) + size)
            }
        }
    }

    /// Sets the uncompressed size that the central directory declares for `entry` in the ZIP at `url` (to make
    /// an entry that inflates to more than it declares).
    public static func patchDeclaredSize(of entry: String, in url: URL, to size: UInt32) throws {
        var bytes = [UInt8](try Data(contentsOf: url))
        let name = Array(entry.utf8)
        var i = 0
        while i + 46 + name.count <= bytes.count {
            if bytes[i] == 0x50, bytes[i + 1] == 0x4B, bytes[i + 2] == 0x01, bytes[i + 3] == 0x02 {
                let nameLength = Int(bytes[i + 28]) | Int(bytes[i + 29]) << 8
                if nameLength == name.count, Array(bytes[(i + 46)..<(i + 46 + nameLength)]) == name {
                    for k in 0..<4 { bytes[i + 24 + k] = UInt8(truncatingIfNeeded: size >> (8 * UInt32(k))) }
                    try Data(bytes).write(to: url)
                    return
                }
            }
            i += 1
        }
        throw NSError(domain: "EPUBBuilder", code: 1, userInfo: [NSLocalizedDescriptionKey: "no central directory entry \(entry)"])
    }
}
