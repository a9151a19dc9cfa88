// Progress on stderr: a bar with ETA when stderr is a TTY, plain lines otherwise, nothing with --quiet
// (warnings always print, once each).
import Bookvox
import Foundation

final class TerminalProgress: RenderProgress, @unchecked Sendable {
    private let quiet: Bool
    private let tty = Terminal.isTTY
    private let lock = NSLock()
    private var start = Date()
    private var startDone = 0
    private var lastLine = Date.distantPast
    private var warned = Set<String>()

    init(quiet: Bool) { self.quiet = quiet }

    func begin(total: Int, alreadyDone: Int) {
        lock.lock()
        defer { lock.unlock() }
        start = Date()
        startDone = alreadyDone
        guard !quiet else { return }
        Terminal.line("rendering \(total - alreadyDone) of \(total) segments (\(alreadyDone) already done)")
    }

    func segmentSaved(key: String, done: Int, total: Int) {
        lock.lock()
        defer { lock.unlock() }
        guard !quiet else { return }
        let now = Date()
        let elapsed = now.timeIntervalSince(start)
        let rate = Double(done - startDone) / max(elapsed, 1e-3)
        let eta = rate > 0 ? Double(total - done) / rate : 0
        if tty {
            let width = 30
            let filled = total > 0 ? width * done / total : width
            let bar = String(repeating: "#", count: filled) + String(repeating: "-", count: width - filled)
            let text = String(format: "\r[%@] %d/%d  %@  ETA %@   ", bar, done, total, key, Self.clock(eta))
            FileHandle.standardError.write(Data(text.utf8))
        } else if done == total || now.timeIntervalSince(lastLine) >= 2 {
            lastLine = now
            Terminal.line("progress: \(done)/\(total) segments, last \(key), ETA \(Self.clock(eta))")
        }
    }

    func chapterExported(_ chapter: Int, files: [String]) {
        guard !quiet else { return }
        lock.lock()
        defer { lock.unlock() }
        if tty { FileHandle.standardError.write(Data("\r\u{1B}[K".utf8)) }
        Terminal.line("chapter \(chapter) exported: " + files.map { ($0 as NSString).lastPathComponent }.joined(separator: ", "))
    }

    func warning(_ message: String) {
        lock.lock()
        defer { lock.unlock() }
        guard warned.insert(message).inserted else { return }
        Terminal.warning(message)
    }

    func note(_ message: String) {
        guard !quiet else { return }
        Terminal.line(message)
    }

    func finish() {
        guard !quiet, tty else { return }
        FileHandle.standardError.write(Data("\n".utf8))
    }

    static func clock(_ seconds: Double) -> String {
        let s = Int(seconds.rounded())
        return String(format: "%d:%02d:%02d", s / 3600, s / 60 % 60, s % 60)
    }
}
