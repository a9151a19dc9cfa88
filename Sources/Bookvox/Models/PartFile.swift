// The `.part` file a download appends to: POSIX open/write so a full disk is reported as ENOSPC
// (→ ModelDownloadError.diskFull) and the data can be fsync'ed before the rename.
import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

final class PartFile {
    let url: URL
    private var fd: Int32
    /// Bytes in the file (= the offset the next append writes at).
    private(set) var length: Int64

    init(_ url: URL) throws {
        self.url = url
        fd = open(url.path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw ModelDownloadError.io(path: url.path, reason: String(cString: strerror(errno))) }
        var st = stat()
        guard fstat(fd, &st) == 0 else { throw ModelDownloadError.io(path: url.path, reason: String(cString: strerror(errno))) }
        length = Int64(st.st_size)
    }

    deinit { close() }

    func append(_ data: Data) throws {
        try data.withUnsafeBytes { (buf: UnsafeRawBufferPointer) in
            var done = 0
            while done < buf.count {
                let n = write(fd, buf.baseAddress! + done, buf.count - done)
                if n < 0 {
                    if errno == EINTR { continue }
                    throw error(errno)
                }
                done += n
            }
        }
        length += Int64(data.count)
    }

    func truncate() throws {
        guard ftruncate(fd, 0) == 0 else { throw error(errno) }
        length = 0
    }

    func sync() throws {
        guard fsync(fd) == 0 else { throw error(errno) }
    }

    func close() {
        if fd >= 0 {
            _ = systemClose(fd)
            fd = -1
        }
    }

    /// The download error for a failed write's errno (ENOSPC / EDQUOT: disk full).
    func error(_ code: Int32) -> ModelDownloadError {
        if code == ENOSPC || code == EDQUOT { return .diskFull(path: url.path, needed: nil, available: nil) }
        return .io(path: url.path, reason: String(cString: strerror(code)))
    }
}

#if canImport(Glibc)
private let systemClose = Glibc.close
#else
private let systemClose = Darwin.close
#endif
