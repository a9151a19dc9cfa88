// `.bookvox-verified.json` in a model directory: for each file, the size, sha256 and modification
// time it had when it was last verified (after a download or by `bookvox models verify`). A download
// skips a file whose size and mtime still match the record and whose recorded sha256 is the expected
// one, so re-running a finished download does not re-hash gigabytes. `verify` always re-hashes.
import Crypto
import Foundation

public struct VerifiedRecord: Codable, Equatable, Sendable {
    public struct Entry: Codable, Equatable, Sendable {
        public var size: Int64
        public var sha256: String
        public var mtime: Double
    }

    public static let fileName = ".bookvox-verified.json"

    public var files: [String: Entry] = [:]

    public init() {}

    public static func load(from dir: URL) -> VerifiedRecord {
        let url = dir.appendingPathComponent(fileName)
        guard let data = FileManager.default.contents(atPath: url.path),
              let r = try? JSONDecoder().decode(VerifiedRecord.self, from: data) else { return VerifiedRecord() }
        return r
    }

    public func save(to dir: URL) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        let data = try encoder.encode(self)
        let url = dir.appendingPathComponent(Self.fileName)
        do {
            try data.write(to: url, options: .atomic)
        } catch {
            throw ModelDownloadError.io(path: url.path, reason: error.localizedDescription)
        }
    }

    /// The entry for `local` if the file at `url` still has the recorded size and mtime.
    public func current(_ local: String, at url: URL) -> Entry? {
        guard let e = files[local], let st = FileStat(url), st.size == e.size, st.mtime == e.mtime else { return nil }
        return e
    }

    public mutating func record(_ local: String, at url: URL, sha256: String) {
        guard let st = FileStat(url) else { return }
        files[local] = Entry(size: st.size, sha256: sha256, mtime: st.mtime)
    }
}

/// Size and modification time of a regular file.
struct FileStat {
    var size: Int64
    var mtime: Double

    init?(_ url: URL) {
        guard let a = try? FileManager.default.attributesOfItem(atPath: url.path),
              (a[.type] as? FileAttributeType) == .typeRegular,
              let size = (a[.size] as? NSNumber)?.int64Value else { return nil }
        self.size = size
        self.mtime = (a[.modificationDate] as? Date)?.timeIntervalSince1970 ?? 0
    }
}

/// Streamed sha256 of files (swift-crypto), reporting bytes hashed so far.
public enum FileHasher {
    public static func sha256(of url: URL, progress: ((Int64) -> Void)? = nil) throws -> String {
        var hasher = SHA256()
        try feed(&hasher, from: url, progress: progress)
        return hex(hasher.finalize())
    }

    /// Adds the whole content of `url` to `hasher`; returns the byte count.
    @discardableResult
    static func feed(_ hasher: inout SHA256, from url: URL, progress: ((Int64) -> Void)? = nil) throws -> Int64 {
        guard let handle = FileHandle(forReadingAtPath: url.path) else {
            throw ModelStoreError.unreadable(path: url.path, reason: "cannot open for reading")
        }
        defer { try? handle.close() }
        var done: Int64 = 0
        do {
            while let chunk = try handle.read(upToCount: 4 << 20), !chunk.isEmpty {
                hasher.update(data: chunk)
                done += Int64(chunk.count)
                progress?(done)
            }
        } catch {
            throw ModelStoreError.unreadable(path: url.path, reason: error.localizedDescription)
        }
        return done
    }

    static func hex<D: Sequence>(_ digest: D) -> String where D.Element == UInt8 {
        digest.map { String(format: "%02x", $0) }.joined()
    }
}
