// How the pipeline reports progress. The library never prints: the CLI implements this protocol
// (bar with ETA on a TTY, plain lines otherwise, nothing with --quiet); tests use SilentProgress.
import Foundation

public protocol RenderProgress: AnyObject, Sendable {
    /// A run starts: `total` segments in the book, `alreadyDone` of them already have audio.
    func begin(total: Int, alreadyDone: Int)
    /// One more segment saved (called from the render queue).
    func segmentSaved(key: String, done: Int, total: Int)
    /// A chapter's exports were written.
    func chapterExported(_ chapter: Int, files: [String])
    /// Something the user should read once (e.g. the voice clip cannot be used by this engine).
    func warning(_ message: String)
    func note(_ message: String)
    func finish()
}

public final class SilentProgress: RenderProgress, @unchecked Sendable {
    private let lock = NSLock()
    public private(set) var warnings: [String] = []
    public private(set) var savedKeys: [String] = []

    public init() {}
    public func begin(total: Int, alreadyDone: Int) {}
    public func segmentSaved(key: String, done: Int, total: Int) {
        lock.lock()
        savedKeys.append(key)
        lock.unlock()
    }
    public func chapterExported(_ chapter: Int, files: [String]) {}
    public func warning(_ message: String) {
        lock.lock()
        warnings.append(message)
        lock.unlock()
    }
    public func note(_ message: String) {}
    public func finish() {}
}
