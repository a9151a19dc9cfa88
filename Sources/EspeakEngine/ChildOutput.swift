// What a fork()ed espeak-ng child (synthesis, dictionary lookup) wrote to its pipe and how it ended: the pipe read
// to its end, then the child reaped. The caller has closed its copy of the write end.
import Foundation

struct ChildOutput {
    var bytes: [UInt8]
    /// errno of a failed read (0: the pipe was read to its end).
    var readError: Int32
    /// The signal that killed the child (0: it exited).
    var signal: Int32
    var exitCode: Int32

    /// `pid` as fork() returned it (≤ 0: the fork failed, reported with errno); closes `readFD`.
    static func collect(pid: pid_t, readFD: Int32) throws -> ChildOutput {
        guard pid > 0 else {
            let reason = String(cString: strerror(errno))
            close(readFD)
            throw EspeakError.synthesisFailed("fork(): \(reason)")
        }
        var bytes = [UInt8]()
        var chunk = [UInt8](repeating: 0, count: 1 << 16)
        var readError: Int32 = 0
        while true {
            let n = chunk.withUnsafeMutableBytes { read(readFD, $0.baseAddress, $0.count) }
            if n > 0 { bytes.append(contentsOf: chunk[0..<n]); continue }
            if n < 0, errno == EINTR { continue }
            if n < 0 { readError = errno }
            break
        }
        close(readFD)
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0 {
            guard errno == EINTR else { throw EspeakError.synthesisFailed("waitpid(): \(String(cString: strerror(errno)))") }
        }
        return ChildOutput(bytes: bytes, readError: readError, signal: status & 0x7F, exitCode: (status >> 8) & 0xFF)
    }
}
