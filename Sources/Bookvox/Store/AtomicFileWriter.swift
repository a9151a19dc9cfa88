// Durable file writes: temp file in the same directory → fsync file → rename → fsync directory.
// The job store records a file only after this returns, so a crash never leaves a row pointing
// at a half-written file. The writer is a protocol so tests can inject failures (disk full).
import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

#if canImport(Glibc)
private let systemWrite = Glibc.write
#else
private let systemWrite = Darwin.write
#endif

public protocol FileWriting: Sendable {
    /// Creates `path` atomically and durably: `produce` writes the content to the temporary path it is
    /// given; the file is then synced, renamed onto `path` and the directory synced. Returns the sha256
    /// (hex) of the bytes now at `path`. On error nothing new exists at `path`.
    @discardableResult
    func writeFile(at path: String, _ produce: (_ tempPath: String) throws -> Void) throws -> String
}

extension FileWriting {
    /// Writes `data` to `path` atomically and durably; returns its sha256 (hex).
    @discardableResult
    public func write(_ data: Data, to path: String) throws -> String {
        try writeFile(at: path) { temp in
            let fd = open(temp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
            guard fd >= 0 else { throw FileWriteError.open(path: temp, errno: errno) }
            defer { close(fd) }
            try data.withUnsafeBytes { (buf: UnsafeRawBufferPointer) in
                var offset = 0
                while offset < buf.count {
                    let n = systemWrite(fd, buf.baseAddress! + offset, buf.count - offset)
                    if n < 0 {
                        if errno == EINTR { continue }
                        throw FileWriteError.write(path: temp, errno: errno)
                    }
                    offset += n
                }
            }
        }
    }
}

public enum FileWriteError: Error, CustomStringConvertible {
    case open(path: String, errno: Int32)
    case write(path: String, errno: Int32)
    case sync(path: String, errno: Int32)
    case rename(from: String, to: String, errno: Int32)

    public var description: String {
        switch self {
        case let .open(p, e): return "cannot create \(p): \(String(cString: strerror(e))). Check that the directory exists and is writable."
        case let .write(p, e): return "cannot write \(p): \(String(cString: strerror(e))). Check free disk space."
        case let .sync(p, e): return "cannot sync \(p) to disk: \(String(cString: strerror(e)))."
        case let .rename(f, t, e): return "cannot rename \(f) to \(t): \(String(cString: strerror(e)))."
        }
    }

    /// True for ENOSPC/EDQUOT: the disk (or quota) is full.
    public var isDiskFull: Bool {
        switch self {
        case let .write(_, e), let .open(_, e), let .sync(_, e), let .rename(_, _, e): return e == ENOSPC || e == EDQUOT
        }
    }
}

public struct AtomicFileWriter: FileWriting {
    public init() {}

    public func writeFile(at path: String, _ produce: (String) throws -> Void) throws -> String {
        let url = URL(fileURLWithPath: path)
        let dir = url.deletingLastPathComponent().path
        let temp = dir + "/.tmp-\(getpid())-\(UInt32.random(in: 0...UInt32.max))-" + url.lastPathComponent
        var renamed = false
        defer {
            if !renamed { unlink(temp) }
        }
        try produce(temp)
        let fd = open(temp, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw FileWriteError.open(path: temp, errno: errno) }
        guard fsync(fd) == 0 else {
            let e = errno
            close(fd)
            throw FileWriteError.sync(path: temp, errno: e)
        }
        close(fd)
        guard let sha = Hashing.sha256Hex(fileAt: temp) else { throw FileWriteError.open(path: temp, errno: errno) }
        guard rename(temp, path) == 0 else { throw FileWriteError.rename(from: temp, to: path, errno: errno) }
        renamed = true
        let dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        if dfd >= 0 {
            defer { close(dfd) }
            guard fsync(dfd) == 0 else { throw FileWriteError.sync(path: dir, errno: errno) }
        }
        return sha
    }
}
