// Errors of the Bookvox layer. Each case maps to one documented process exit code (docs/cli.md).
import Foundation
import GRDB

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
            return left == 0 && done == 0 ? "interrupted while exporting: every segment is saved. Run `bookvox resume` to finish the exports."
                : "interrupted: \(done) segments saved, \(left) left. Run `bookvox resume` to continue."
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

extension BookvoxError {
    /// Any error as a BookvoxError with a message that says what to do: a full disk (SQLite, file writes,
    /// libsndfile) becomes a failure naming the cause; other errors keep their description.
    public static func from(_ error: Error) -> BookvoxError {
        if let e = error as? BookvoxError { return e }
        if let e = error as? DatabaseError {
            switch e.resultCode {
            case .SQLITE_FULL:
                return .failure("the disk holding the project is full (the job store could not be written: \(e.message ?? "database or disk is full")). "
                    + "Free disk space and run `bookvox resume`; everything saved before is kept.")
            case .SQLITE_READONLY, .SQLITE_CANTOPEN, .SQLITE_PERM:
                return .failure("the job store cannot be written (\(e.message ?? "\(e.resultCode)")). "
                    + "Check that the project directory is writable.")
            case .SQLITE_CORRUPT, .SQLITE_NOTADB:
                return .failure("the job store is damaged (\(e.message ?? "\(e.resultCode)")). Restore the project's bookvox.sqlite "
                    + "from a backup, or render the book into a new project (--project DIR).")
            case .SQLITE_IOERR:
                return .failure("the job store could not be read or written (disk I/O error: \(e.message ?? "")). "
                    + "Check the disk, free space, and run `bookvox resume`.")
            default:
                return .failure("job store error: \(e)")
            }
        }
        if let e = error as? FileWriteError, e.isDiskFull {
            return .failure("the disk is full: \(e.description) Free disk space and run `bookvox resume`; everything saved before is kept.")
        }
        return .failure("\(error)")
    }

    /// True when the error says the disk (or quota) is full.
    public var isDiskFull: Bool {
        let text = description.lowercased()
        return text.contains("no space left") || text.contains("disk is full") || text.contains("disk quota")
    }
}

extension BookvoxError {
    /// The BookvoxError for a library error that escaped a command (job store, file writes), or nil for
    /// errors the command line reports itself (argument parsing).
    public static func mapped(_ error: Error) -> BookvoxError? {
        if error is DatabaseError || error is FileWriteError { return from(error) }
        switch error as? PostgresStoreError {
        case .badURL?, .unsupported?: return .badInput("\(error)")
        case .connection?, .query?, .closed?: return .failure("\(error)")
        case nil: return nil
        }
    }
}
