// Errors of the Bookvox layer. Each case maps to one documented process exit code (docs/cli.md).
import Foundation

public enum BookvoxError: Error, CustomStringConvertible {
    /// The input (book, voice clip, project dir, segment key) is not usable.
    case badInput(String)
    /// Another process holds the project's lock.
    case alreadyRendering(pid: Int32, project: String)
    /// The run stopped on SIGINT/SIGTERM after saving in-flight segments.
    case interrupted(rendered: Int, remaining: Int)
    /// No project could be found or it is not a bookvox project.
    case projectNotFound(String)
    /// Segments still failed after every allowed take.
    case segmentsFailed([String: String])
    /// An I/O or store failure outside the user's input.
    case failure(String)

    public var description: String {
        switch self {
        case let .badInput(m): return m
        case let .alreadyRendering(pid, project):
            return "already rendering (pid \(pid)): another bookvox process holds \(project). "
                + "Wait for it to finish, or stop it (kill \(pid)) and run `bookvox resume`."
        case let .interrupted(done, left):
            return "interrupted: \(done) segments saved, \(left) left. Run `bookvox resume` to continue."
        case let .projectNotFound(m): return m
        case let .segmentsFailed(errors):
            let list = errors.keys.sorted(by: SegmentKey.less).map { "  \($0): \(errors[$0] ?? "")" }
            return "\(errors.count) segment(s) failed after all takes:\n" + list.joined(separator: "\n")
                + "\nFix the text or engine and run `bookvox rerender KEY` or `bookvox resume`."
        case let .failure(m): return m
        }
    }

    /// Process exit code (docs/cli.md "Exit codes").
    public var exitCode: Int32 {
        switch self {
        case .badInput, .projectNotFound: return ExitCodes.badInput
        case .alreadyRendering: return ExitCodes.locked
        case .interrupted: return ExitCodes.interrupted
        case .segmentsFailed, .failure: return ExitCodes.failure
        }
    }
}

/// The documented exit codes of the `bookvox` executable.
public enum ExitCodes {
    public static let ok: Int32 = 0
    public static let failure: Int32 = 1
    public static let usage: Int32 = 2
    public static let badInput: Int32 = 3
    public static let locked: Int32 = 4
    public static let interrupted: Int32 = 130
}

/// Segment keys are "chapter.index"; they sort numerically part by part.
public enum SegmentKey {
    public static func parts(_ key: String) -> (chapter: Int, index: Int)? {
        let p = key.split(separator: ".")
        guard p.count == 2, let c = Int(p[0]), let i = Int(p[1]) else { return nil }
        return (c, i)
    }

    public static func less(_ a: String, _ b: String) -> Bool {
        guard let x = parts(a), let y = parts(b) else { return a < b }
        return (x.chapter, x.index) < (y.chapter, y.index)
    }
}
