// Downloads a model's files: for each file, HEAD for the server's size / sha256 (checked against
// the manifest), then GET onto `<file>.part`, resuming with `Range: bytes=N-` after an interruption
// (within the run, up to `maxAttempts`, and across runs), hashing while writing; the finished file is
// verified (size and sha256), synced and renamed into place. Files already verified are skipped.
import Crypto
import Foundation
import Logging
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

public struct ModelDownloadOptions: Sendable {
    /// Hub base URL (default https://huggingface.co); files come from <endpoint>/<repo>/resolve/<rev>/<path>.
    public var endpoint: URL
    /// Bearer token sent to the endpoint's host only (HF_TOKEN).
    public var token: String?
    /// GET attempts per file when the connection breaks (each resumes where the last stopped).
    public var maxAttempts: Int = 5
    /// Delay before the first retry; doubles each time.
    public var retryDelay: TimeInterval = 1
    /// Seconds without data before a request fails.
    public var idleTimeout: TimeInterval = 60

    public static let defaultEndpoint = "https://huggingface.co"

    public init(endpoint: URL, token: String? = nil) {
        self.endpoint = endpoint
        self.token = token
    }

    /// --endpoint, else $BOOKVOX_HF_ENDPOINT, else huggingface.co; token from $HF_TOKEN.
    public static func standard(endpoint override: String? = nil,
                                environment: [String: String] = ProcessInfo.processInfo.environment) throws -> ModelDownloadOptions {
        let text = override ?? environment["BOOKVOX_HF_ENDPOINT"].flatMap { $0.isEmpty ? nil : $0 } ?? defaultEndpoint
        guard let url = URL(string: text), let scheme = url.scheme?.lowercased(), ["http", "https"].contains(scheme),
              url.host != nil else {
            throw BookvoxError.badInput("invalid endpoint '\(text)': expected an http(s) URL like \(defaultEndpoint)")
        }
        return ModelDownloadOptions(endpoint: url, token: environment["HF_TOKEN"].flatMap { $0.isEmpty ? nil : $0 })
    }

    /// The resolve URL of one manifest file.
    public func url(for f: ModelFileSpec) -> URL {
        var base = endpoint.absoluteString
        while base.hasSuffix("/") { base.removeLast() }
        let enc = { (s: String) in s.addingPercentEncoding(withAllowedCharacters: .urlPathAllowed) ?? s }
        return URL(string: "\(base)/\(enc(f.repo))/resolve/\(enc(f.revision))/\(enc(f.path))")!
    }
}

public enum ModelDownloadEvent: Sendable {
    case fileStart(file: ModelFileSpec, index: Int, count: Int, size: Int64?, resumeFrom: Int64)
    case progress(file: ModelFileSpec, bytes: Int64, total: Int64?)
    /// Hashing bytes already on disk (a resumed `.part`, or an existing file without a record).
    case hashing(file: ModelFileSpec, bytes: Int64, total: Int64?)
    case retry(file: ModelFileSpec, attempt: Int, reason: String)
    case skipped(file: ModelFileSpec, reason: String)
    case finished(file: ModelFileSpec, size: Int64, sha256: String)
}

public struct ModelDownloadReport: Sendable {
    public var directory: URL
    public var downloaded: Int = 0
    public var skipped: Int = 0
    public var bytesTransferred: Int64 = 0
}

public final class ModelDownloader {
    public let store: ModelStore
    public let options: ModelDownloadOptions
    let events: (ModelDownloadEvent) -> Void
    let http: HTTPTransfer
    private let log = Logger(label: "bookvox.models")

    public init(store: ModelStore, options: ModelDownloadOptions, events: @escaping (ModelDownloadEvent) -> Void = { _ in }) {
        self.store = store
        self.options = options
        self.events = events
        http = HTTPTransfer(token: options.token, authHost: options.endpoint.host, idleTimeout: options.idleTimeout)
    }

    /// Downloads every file of `manifest` into `dir` (default: the store's directory for it).
    @discardableResult
    public func download(_ manifest: ModelManifest, into dir: URL? = nil) throws -> ModelDownloadReport {
        let dir = dir ?? store.directory(for: manifest.name)
        try makeDirectory(dir)
        let lock = try DirectoryLock(dir)
        defer { lock.release() }
        try store.recordLocation(manifest.name, directory: dir)
        var record = VerifiedRecord.load(from: dir)
        var report = ModelDownloadReport(directory: dir)
        for (i, f) in manifest.files.enumerated() {
            let dest = dir.appendingPathComponent(f.local)
            if let e = record.current(f.local, at: dest), f.sha256 == nil || f.sha256 == e.sha256,
               f.size == nil || f.size == e.size {
                events(.skipped(file: f, reason: "already verified"))
                report.skipped += 1
                continue
            }
            let url = options.url(for: f)
            let info = try withRetries(f) { try http.head(url) }
            let expected = try reconcile(f, info)
            if let sha = try existingFileMatches(f, at: dest, expected: expected) {
                record.record(f.local, at: dest, sha256: sha)
                try record.save(to: dir)
                events(.skipped(file: f, reason: "already present and verified"))
                report.skipped += 1
                continue
            }
            let (size, sha, moved) = try fetch(f, url: url, to: dest, expected: expected, index: i, count: manifest.files.count)
            record.record(f.local, at: dest, sha256: sha)
            try record.save(to: dir)
            report.downloaded += 1
            report.bytesTransferred += moved
            events(.finished(file: f, size: size, sha256: sha))
        }
        return report
    }

    /// Runs `body`, retrying (with the backoff) while it fails with a broken transfer.
    func withRetries<T>(_ f: ModelFileSpec, _ body: () throws -> T) throws -> T {
        var attempt = 1
        while true {
            do {
                return try body()
            } catch let ModelDownloadError.network(url, reason) where attempt < options.maxAttempts {
                _ = url
                attempt += 1
                events(.retry(file: f, attempt: attempt, reason: reason))
                Thread.sleep(forTimeInterval: options.retryDelay * pow(2, Double(attempt - 2)))
            }
        }
    }

    /// Expected (size, sha256): the manifest's values, else the server's; both must agree where both exist.
    func reconcile(_ f: ModelFileSpec, _ info: RemoteFileInfo) throws -> (size: Int64?, sha256: String?) {
        if let m = f.size, let s = info.size, m != s {
            throw ModelDownloadError.manifestServerMismatch(file: f.local, what: "size", manifest: "\(m)", server: "\(s)")
        }
        if let m = f.sha256, let s = info.sha256, m != s {
            throw ModelDownloadError.manifestServerMismatch(file: f.local, what: "sha256", manifest: m, server: s)
        }
        return (f.size ?? info.size, f.sha256 ?? info.sha256)
    }

    /// The sha256 of an existing file that matches the expected size and hash; a file that does not
    /// match is removed (it will be downloaded again). nil when nothing usable is there.
    func existingFileMatches(_ f: ModelFileSpec, at dest: URL, expected: (size: Int64?, sha256: String?)) throws -> String? {
        guard let st = FileStat(dest) else { return nil }
        if let size = expected.size, size == st.size {
            let sha = try FileHasher.sha256(of: dest) { self.events(.hashing(file: f, bytes: $0, total: st.size)) }
            if expected.sha256 == nil || expected.sha256 == sha { return sha }
        }
        log.warning("\(dest.path) does not match the expected size/sha256; downloading it again")
        try? FileManager.default.removeItem(at: dest)
        return nil
    }

    /// Downloads one file to `dest` via `dest.part`; returns (size, sha256, bytes transferred).
    func fetch(_ f: ModelFileSpec, url: URL, to dest: URL, expected: (size: Int64?, sha256: String?),
               index: Int, count: Int) throws -> (Int64, String, Int64) {
        let partURL = URL(fileURLWithPath: dest.path + ".part")
        try makeDirectory(dest.deletingLastPathComponent())
        let part = try PartFile(partURL)
        defer { part.close() }
        if let size = expected.size, part.length > size { try part.truncate() }
        var hasher = SHA256()
        if part.length > 0 {
            let total = part.length
            try FileHasher.feed(&hasher, from: partURL) { self.events(.hashing(file: f, bytes: $0, total: total)) }
        }
        try checkFreeSpace(for: partURL, needed: expected.size.map { $0 - part.length })
        events(.fileStart(file: f, index: index, count: count, size: expected.size, resumeFrom: part.length))

        var moved: Int64 = 0
        var attempt = 0
        while expected.size.map({ part.length < $0 }) ?? true {
            attempt += 1
            let offset = part.length
            var total = expected.size
            do {
                let result = try http.get(url, from: offset, onStart: { r in
                    if r.status == 200 && offset > 0 {  // Range ignored: start over
                        try part.truncate()
                        hasher = SHA256()
                    } else if r.status == 206 && r.startOffset != offset {
                        throw ModelDownloadError.network(url: url.absoluteString,
                                                         reason: "server resumed at byte \(r.startOffset), expected \(offset)")
                    }
                    total = total ?? r.totalSize
                }, sink: { data in
                    try part.append(data)
                    hasher.update(data: data)
                    moved += Int64(data.count)
                    self.events(.progress(file: f, bytes: part.length, total: total))
                })
                if result.status == 416 {  // nothing left to send from `offset`
                    if let size = expected.size, part.length == size { break }
                    try part.truncate()
                    hasher = SHA256()
                    continue
                }
                try HTTPTransfer.check(status: result.status, url: url, file: f.path)
                if expected.size == nil {
                    if let t = total, part.length < t { throw ModelDownloadError.network(url: url.absoluteString,
                                                                                          reason: "connection closed early") }
                    break
                }
                if part.length < expected.size! {
                    throw ModelDownloadError.network(url: url.absoluteString,
                                                     reason: "connection closed after \(part.length) of \(expected.size!) bytes")
                }
            } catch let error as ModelDownloadError {
                guard case let .network(_, reason) = error, attempt < options.maxAttempts else { throw error }
                events(.retry(file: f, attempt: attempt + 1, reason: reason))
                Thread.sleep(forTimeInterval: options.retryDelay * pow(2, Double(attempt - 1)))
            }
        }
        try part.sync()
        let size = part.length
        let sha = FileHasher.hex(hasher.finalize())
        if let e = expected.size, e != size {
            part.close()
            try? FileManager.default.removeItem(at: partURL)
            throw ModelDownloadError.sizeMismatch(file: f.local, expected: e, got: size)
        }
        if let e = expected.sha256, e != sha {
            part.close()
            try? FileManager.default.removeItem(at: partURL)
            throw ModelDownloadError.checksumMismatch(file: f.local, expected: e, got: sha)
        }
        part.close()
        guard rename(partURL.path, dest.path) == 0 else {
            throw ModelDownloadError.io(path: dest.path, reason: String(cString: strerror(errno)))
        }
        return (size, sha, moved)
    }

    func makeDirectory(_ dir: URL) throws {
        do {
            try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        } catch {
            throw ModelDownloadError.io(path: dir.path, reason: error.localizedDescription)
        }
    }

    func checkFreeSpace(for url: URL, needed: Int64?) throws {
        guard let needed, needed > 0,
              let attrs = try? FileManager.default.attributesOfFileSystem(forPath: url.deletingLastPathComponent().path),
              let free = (attrs[.systemFreeSize] as? NSNumber)?.int64Value else { return }
        if free < needed { throw ModelDownloadError.diskFull(path: url.path, needed: needed, available: free) }
    }
}

/// An exclusive flock on `<dir>/.bookvox-download.lock`, so two downloads never append to one `.part`.
final class DirectoryLock {
    private var fd: Int32

    init(_ dir: URL) throws {
        let path = dir.appendingPathComponent(".bookvox-download.lock").path
        fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw ModelDownloadError.io(path: path, reason: String(cString: strerror(errno))) }
        if flock(fd, LOCK_EX | LOCK_NB) != 0 {
            let busy = errno == EWOULDBLOCK
            let reason = String(cString: strerror(errno))
            release()
            throw busy ? ModelDownloadError.busy(directory: dir.path) : ModelDownloadError.io(path: path, reason: reason)
        }
    }

    deinit { release() }

    func release() {
        if fd >= 0 {
            flock(fd, LOCK_UN)
            _ = closeDescriptor(fd)
            fd = -1
        }
    }
}

#if canImport(Glibc)
private let closeDescriptor = Glibc.close
#else
private let closeDescriptor = Darwin.close
#endif
