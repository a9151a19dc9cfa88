// Thread-safe tallies a render keeps while its queues (synthesis, word check, export) run.
import Foundation

/// Thread-safe counter of saved segments.
final class Counter: @unchecked Sendable {
    private let lock = NSLock()
    private var n: Int
    init(start: Int) { n = start }
    var value: Int { lock.lock(); defer { lock.unlock() }; return n }
    func increment() -> Int { lock.lock(); defer { lock.unlock() }; n += 1; return n }
    func decrement(_ k: Int) { lock.lock(); n -= k; lock.unlock() }
}

/// Segments the word check sent back for another take since the last `take()`.
final class RetakeLog: @unchecked Sendable {
    private let lock = NSLock()
    private var n = 0
    func add(_ count: Int) { lock.lock(); n += count; lock.unlock() }
    /// The count so far, reset to 0.
    func take() -> Int { lock.lock(); defer { n = 0; lock.unlock() }; return n }
}

/// Chapters exported during a run, and the first export error.
final class ExportLog: @unchecked Sendable {
    private let lock = NSLock()
    private var done: [Int] = []
    private var firstError: Error?
    private var keys: [String] = []
    func add(_ c: Int) { lock.lock(); done.append(c); lock.unlock() }
    func unverified(_ k: [String]) { lock.lock(); keys += k; lock.unlock() }
    var unverifiedKeys: [String] { lock.lock(); defer { lock.unlock() }; return keys }
    func fail(_ e: Error) { lock.lock(); if firstError == nil { firstError = e }; lock.unlock() }
    var chapters: [Int] { lock.lock(); defer { lock.unlock() }; return done }
    var error: Error? { lock.lock(); defer { lock.unlock() }; return firstError }
}
