// The last failure of a project (disk full, export failed, segments failed, audio that did not verify),
// kept in the job store until a later run succeeds, so `status` can say what went wrong and what to do.
import Foundation
import GRDB

public struct ProjectFailure: Codable, Sendable, Equatable {
    public enum Kind: String, Codable, Sendable {
        case diskFull = "disk-full"
        case exportFailed = "export-failed"
        case segmentsFailed = "segments-failed"
        case audioUnverified = "audio-unverified"
        case failed
    }

    public var kind: Kind
    /// The command that failed ("render", "resume", "rerender", "export").
    public var command: String
    public var message: String
    /// What to do about it.
    public var hint: String
    /// Seconds since 1970.
    public var time: Double

    public init(kind: Kind, command: String, message: String, hint: String, time: Double = Date().timeIntervalSince1970) {
        self.kind = kind
        self.command = command
        self.message = message
        self.hint = hint
        self.time = time
    }

    /// The failure a command's error amounts to.
    public static func from(_ error: Error, command: String) -> ProjectFailure {
        let e = BookvoxError.from(error)
        if case let .segmentsFailed(errors) = e {
            return ProjectFailure(kind: .segmentsFailed, command: command,
                                  message: "\(errors.count) segment(s) failed after all takes: "
                                    + errors.keys.sorted(by: SegmentKey.less).prefix(10).joined(separator: ", "),
                                  hint: "fix the text or the engine settings, then `bookvox resume` (or `bookvox rerender KEY`).")
        }
        if e.isDiskFull {
            return ProjectFailure(kind: .diskFull, command: command, message: e.description,
                                  hint: "free disk space, then `bookvox resume`; everything saved before is kept.")
        }
        return ProjectFailure(kind: command == "export" ? .exportFailed : .failed, command: command, message: e.description,
                              hint: command == "export" ? "fix the cause, then `bookvox export` again." : "fix the cause, then `bookvox resume`.")
    }

    var json: String {
        let enc = JSONEncoder()
        enc.outputFormatting = .sortedKeys
        return (try? enc.encode(self)).map { String(decoding: $0, as: UTF8.self) } ?? "{}"
    }

    static func decode(_ text: String?) -> ProjectFailure? {
        text.flatMap { try? JSONDecoder().decode(ProjectFailure.self, from: Data($0.utf8)) }
    }
}

extension BookRecord {
    public var failure: ProjectFailure? { ProjectFailure.decode(lastFailure) }
}

extension JobStore {
    /// Records `failure` as the project's last failure. Best effort: when the disk is full this write may
    /// fail too; `status` then still sees the run that never finished.
    public func recordFailure(_ failure: ProjectFailure) {
        try? write { db in
            try db.execute(sql: "UPDATE book SET lastFailure = ?", arguments: [failure.json])
        }
    }

    /// Forgets the last failure (a later run succeeded).
    public func clearFailure(kinds: Set<ProjectFailure.Kind>? = nil) {
        try? write { db in
            if let kinds {
                guard let current = ProjectFailure.decode(try String.fetchOne(db, sql: "SELECT lastFailure FROM book")),
                      kinds.contains(current.kind) else { return }
            }
            try db.execute(sql: "UPDATE book SET lastFailure = NULL")
        }
    }
}
