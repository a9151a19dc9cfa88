// The ZIP container of an EPUB, read through ZIPFoundation from the memory-mapped file, extracting nothing to disk.
// Every read is capped (per file and in total, counting the bytes actually inflated, not the sizes the archive
// declares), so a zip bomb or a huge entry fails with an error instead of filling memory. Paths inside the archive
// are resolved against the referring file (`resolve`); a reference that leaves the archive's root ("../x") is an
// error.
import Foundation
import ZIPFoundation

/// Caps on what reading one EPUB may inflate.
public struct EPUBLimits: Sendable, Equatable {
    /// Largest single file read from the archive.
    public var maxEntryBytes: Int
    /// Largest total of all files read from the archive.
    public var maxTotalBytes: Int

    public init(maxEntryBytes: Int = 64 << 20, maxTotalBytes: Int = 512 << 20) {
        self.maxEntryBytes = maxEntryBytes
        self.maxTotalBytes = maxTotalBytes
    }
}

final class EPUBArchive {
    let bookPath: String
    let limits: EPUBLimits
    private let archive: Archive
    /// Entries by their path, with "./" segments and a leading "/" removed.
    private let entries: [String: Entry]
    /// Lower-cased path → path, for references whose case differs from the archive's (made on case-insensitive
    /// file systems); a lower-cased path two entries share is left out.
    private let caseFolded: [String: String]
    private(set) var bytesRead = 0
    /// File paths (normalized) in the order the archive stores them.
    let storedOrder: [String]

    init(url: URL, bookPath: String, limits: EPUBLimits) throws {
        self.bookPath = bookPath
        self.limits = limits
        // Mapped, not read: pages are loaded as entries are read. (ZIPFoundation's file-backed reader leaks the C
        // path string of every archive it opens on Linux; the in-memory one does not.)
        let mapped: Data
        do {
            mapped = try Data(contentsOf: url, options: .alwaysMapped)
        } catch {
            throw BookError.unreadable(path: bookPath, reason: error.localizedDescription)
        }
        do {
            archive = try Archive(data: mapped, accessMode: .read)
        } catch {
            throw BookError.invalidEPUB(path: bookPath, entry: nil, reason: "it is not a ZIP archive (\(error))")
        }
        var byPath: [String: Entry] = [:]
        var order: [String] = []
        for entry in archive where entry.type == .file {
            let key = Self.normalizedEntryName(entry.path)
            if byPath[key] == nil { byPath[key] = entry; order.append(key) }
        }
        storedOrder = order
        entries = byPath
        var folded: [String: String?] = [:]
        for key in byPath.keys {
            let lower = key.lowercased()
            folded[lower] = folded[lower] == nil ? key : .some(nil)
        }
        caseFolded = folded.compactMapValues { $0 }
    }

    /// The archive's spelling of `path`: itself, or the one entry that differs from it only in case.
    private func entry(_ path: String) -> Entry? {
        entries[path] ?? caseFolded[path.lowercased()].flatMap { entries[$0] }
    }

    /// True when the archive holds a file at `path` (letter case aside, when no other file differs only in case).
    func contains(_ path: String) -> Bool { entry(path) != nil }

    /// All file paths in the archive.
    var paths: [String] { entries.keys.sorted() }

    /// The bytes of the file at `path` (already resolved). Throws an error naming the file when it is absent,
    /// larger than the caps, or damaged.
    func read(_ path: String) throws -> Data {
        guard let entry = entry(path) else {
            throw BookError.invalidEPUB(path: bookPath, entry: path, reason: "the file is missing from the archive")
        }
        let declared = entry.uncompressedSize
        if declared > UInt64(limits.maxEntryBytes) {
            throw tooLarge(path, "it declares \(declared) bytes")
        }
        if declared > UInt64(max(limits.maxTotalBytes - bytesRead, 0)) {
            throw totalTooLarge(path)
        }
        var data = Data()
        data.reserveCapacity(Int(declared))
        do {
            _ = try archive.extract(entry, skipCRC32: false) { chunk in
                data.append(chunk)
                if data.count > self.limits.maxEntryBytes { throw ReadCap.entry }
                if self.bytesRead + data.count > self.limits.maxTotalBytes { throw ReadCap.total }
            }
        } catch ReadCap.entry {
            throw tooLarge(path, "it inflates to more than that although it declares \(declared) bytes")
        } catch ReadCap.total {
            throw totalTooLarge(path)
        } catch {
            throw BookError.invalidEPUB(path: bookPath, entry: path, reason: "the file is damaged in the archive (\(error))")
        }
        bytesRead += data.count
        return data
    }

    private enum ReadCap: Error { case entry, total }

    private func tooLarge(_ path: String, _ detail: String) -> BookError {
        .invalidEPUB(path: bookPath, entry: path,
                     reason: "the file is larger than the \(limits.maxEntryBytes >> 20) MiB a book file may have (\(detail))")
    }

    private func totalTooLarge(_ path: String) -> BookError {
        .invalidEPUB(path: bookPath, entry: path,
                     reason: "reading it would inflate the archive past \(limits.maxTotalBytes >> 20) MiB in all (a ZIP bomb?)")
    }

    /// An entry name as stored, without a leading "/" or "./" segments.
    static func normalizedEntryName(_ name: String) -> String {
        name.split(separator: "/", omittingEmptySubsequences: true).filter { $0 != "." }.joined(separator: "/")
    }

    /// Resolves `href` (a URL reference, percent-encoded, maybe with a "#fragment") against the file `base`
    /// ("OEBPS/content.opf"): the archive path and the fragment. `nil` path: the reference leaves the archive
    /// (an absolute URL, or "../" above the root) and `problem` says so.
    static func resolve(_ href: String, relativeTo base: String) -> (path: String?, fragment: String?, problem: String?) {
        var ref = href.trimmingCharacters(in: .whitespacesAndNewlines)
        var fragment: String?
        if let hash = ref.firstIndex(of: "#") {
            fragment = String(ref[ref.index(after: hash)...]).removingPercentEncoding ?? String(ref[ref.index(after: hash)...])
            ref = String(ref[..<hash])
        }
        if let q = ref.firstIndex(of: "?") { ref = String(ref[..<q]) }
        if ref.range(of: #"^[A-Za-z][A-Za-z0-9+.-]*:"#, options: .regularExpression) != nil {
            return (nil, fragment, "'\(href)' points outside the book")
        }
        let decoded = ref.removingPercentEncoding ?? ref
        var parts: [Substring] = decoded.hasPrefix("/") ? [] : base.split(separator: "/").dropLast()
        if decoded.isEmpty { return (base, fragment, nil) }  // "#id": the referring file itself
        for seg in decoded.split(separator: "/", omittingEmptySubsequences: true) {
            if seg == "." { continue }
            if seg == ".." {
                guard !parts.isEmpty else { return (nil, fragment, "'\(href)' points above the archive's root") }
                parts.removeLast()
                continue
            }
            parts.append(seg)
        }
        return (parts.joined(separator: "/"), fragment, nil)
    }
}
