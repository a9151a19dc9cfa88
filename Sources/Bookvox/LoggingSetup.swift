// Process-wide swift-log setup for the executable: everything to stderr (stdout carries command
// output such as `plan --json`), `warning` and above unless verbose.
import Foundation
import Logging

public enum LoggingSetup {
    private static var done = false
    private static let lock = NSLock()

    /// Call once at startup; later calls are ignored.
    public static func bootstrap(verbose: Bool) {
        lock.lock()
        defer { lock.unlock() }
        guard !done else { return }
        done = true
        let level: Logger.Level = verbose ? .info : .warning
        LoggingSystem.bootstrap { label in
            var h = StreamLogHandler.standardError(label: label)
            h.logLevel = level
            return h
        }
    }
}

extension String {
    /// Left-aligned in `width` columns (truncated when longer).
    func padded(_ width: Int) -> String {
        count >= width ? String(prefix(width)) : self + String(repeating: " ", count: width - count)
    }
}
