// Exclusive advisory lock (flock) on <project>/lock; the file holds the owner's pid so a second
// process can say "already rendering (pid N)". The kernel drops the lock when the process dies
// (kill -9 included), so a stale file never blocks `resume`.
import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

public final class ProjectLock {
    private var fd: Int32
    public let path: String

    /// Takes the lock or throws `BookvoxError.alreadyRendering` with the holder's pid.
    public init(layout: ProjectLayout) throws {
        path = layout.lockFile.path
        fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o644)
        guard fd >= 0 else {
            throw BookvoxError.badInput("cannot open lock file \(path): \(String(cString: strerror(errno))). "
                + "Check that the project directory is writable.")
        }
        if flock(fd, LOCK_EX | LOCK_NB) != 0 {
            // The holder writes its pid right after taking the lock; give it a moment if the file is still empty.
            var holder = Self.readPid(fd: fd)
            for _ in 0..<20 where holder == 0 {
                usleep(10_000)
                holder = Self.readPid(fd: fd)
            }
            close(fd)
            fd = -1
            throw BookvoxError.alreadyRendering(pid: holder, project: layout.root.path)
        }
        let text = "\(getpid())\n"
        _ = ftruncate(fd, 0)
        _ = text.withCString { pwrite(fd, $0, strlen($0), 0) }
        _ = fsync(fd)
    }

    private static func readPid(fd: Int32) -> Int32 {
        var buf = [CChar](repeating: 0, count: 32)
        let n = pread(fd, &buf, 31, 0)
        guard n > 0 else { return 0 }
        let text = String(cString: buf).trimmingCharacters(in: .whitespacesAndNewlines)
        return Int32(text) ?? 0
    }

    public func release() {
        guard fd >= 0 else { return }
        _ = ftruncate(fd, 0)
        _ = flock(fd, LOCK_UN)
        close(fd)
        fd = -1
    }

    deinit { release() }
}
