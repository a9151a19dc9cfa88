// Cooperative stop: SIGINT/SIGTERM set a flag; the scheduler starts no new segment once it is set,
// finishes and saves the ones in flight, then the run ends with `BookvoxError.interrupted` (exit 130).
import Dispatch
import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

public final class CancellationFlag: @unchecked Sendable {
    private let lock = NSLock()
    private var cancelled = false
    private var signalSources: [DispatchSourceSignal] = []

    public init() {}

    public var isCancelled: Bool {
        lock.lock()
        defer { lock.unlock() }
        return cancelled
    }

    public func cancel() {
        lock.lock()
        cancelled = true
        lock.unlock()
    }

    /// Routes SIGINT and SIGTERM to `cancel()` (the default handlers are ignored while installed).
    /// `onSignal` runs once per signal, on a private queue.
    public func installSignalHandlers(onSignal: (@Sendable (Int32) -> Void)? = nil) {
        let queue = DispatchQueue(label: "bookvox.signals")
        for sig in [SIGINT, SIGTERM] {
            signal(sig, SIG_IGN)
            let src = DispatchSource.makeSignalSource(signal: sig, queue: queue)
            src.setEventHandler { [weak self] in
                self?.cancel()
                onSignal?(sig)
            }
            src.resume()
            signalSources.append(src)
        }
    }

    /// Restores the default SIGINT/SIGTERM handlers.
    public func removeSignalHandlers() {
        for s in signalSources { s.cancel() }
        signalSources.removeAll()
        signal(SIGINT, SIG_DFL)
        signal(SIGTERM, SIG_DFL)
    }
}
