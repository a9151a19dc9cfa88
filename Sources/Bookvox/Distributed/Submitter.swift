// `bookvox submit BOOK --store URL`: plans a book exactly as `bookvox render` would (RenderSession.render with
// planOnly) into a temporary local project, then stores the planned job in PostgreSQL in one transaction: the
// book row, the project's SQLite snapshot, the input files the render reads and one queue row per segment.
// Re-submitting (an edited book, other settings): the stored book is checked out with every committed result,
// re-planned over that checkout by the normal plan sync (its identity rules decide what is reused, as on one
// machine), and stored as the next plan version with the reused segments' results kept. A re-submit that plans
// exactly what is stored (PlanDigest) and finds no failed segment changes nothing.
import Foundation
import GRDB
import Logging

public struct SubmitReport: Sendable {
    public var key: String
    public var planVersion: Int
    public var segments: Int
    public var reused: Int
    /// The plan equals the stored one (and nothing failed): the store was left as it was.
    public var unchanged = false
}

public enum Submitter {
    public static func submit(book path: String, key: String?, options: RenderOptions, storeURL: PostgresStoreURL,
                              progress: RenderProgress) throws -> SubmitReport {
        if case .required = options.recognition {
            throw BookvoxError.badInput("the word check (speech recognition, --qa asr) is not supported with --store yet: "
                + "workers would need the same Whisper model. Submit with --qa signal (signal checks) or --qa off.")
        }
        guard options.chapters == nil else {
            throw BookvoxError.badInput("--chapters does not apply to submit: the whole book is queued.")
        }
        let bookURL = URL(fileURLWithPath: path).standardizedFileURL
        guard FileManager.default.fileExists(atPath: bookURL.path) else {
            throw BookvoxError.badInput("\(path) does not exist; give the book file (.epub, .md, .markdown or .txt).")
        }
        let key = key ?? bookURL.deletingPathExtension().lastPathComponent
        guard !key.isEmpty, !key.contains("/") else { throw BookvoxError.badInput("--name must be non-empty and contain no '/' (got '\(key)').") }
        let shared = try DistributedStore(url: storeURL)
        let fm = FileManager.default
        let tmp = fm.temporaryDirectory.appendingPathComponent("bookvox-submit-\(getpid())-\(UUID().uuidString.prefix(8))")
        defer { try? fm.removeItem(at: tmp) }
        let projectRoot = tmp.appendingPathComponent(bookURL.deletingPathExtension().lastPathComponent + ".bookvox")
        let existing = try shared.book(key: key)
        if let existing {
            // The previous plan with every result, so the sync reuses what it can.
            let checkout = try Checkout.open(existing, from: shared, dir: tmp, projectRoot: projectRoot)
            try checkout.importResults(from: shared)
            if var record = try checkout.store.book() {
                record.sourcePath = bookURL.path
                try checkout.store.saveBook(record)
            }
            try? fm.removeItem(at: projectRoot.appendingPathComponent("checkout"))
        }
        var opts = options
        opts.projectDir = projectRoot.path
        opts.replaceProject = true
        // Takes get the signal checks only (`--qa auto` without the word check): the same on every worker.
        opts.recognition = .off
        let planned = try RenderSession.render(book: bookURL.path, options: opts, progress: progress, planOnly: true)
        let store = try JobStore(layout: planned.project)
        guard let record = try store.book() else { throw BookvoxError.failure("planning \(path) stored no book") }
        // One self-contained SQLite file (no WAL beside it).
        let snapshotURL = tmp.appendingPathComponent("snapshot.sqlite")
        try store.pool.writeWithoutTransaction { db in try db.execute(sql: "VACUUM INTO ?", arguments: [snapshotURL.path]) }
        let snapshot = try Data(contentsOf: snapshotURL)
        var inputs: [(role: String, name: String, data: Data)] = []
        for input in Checkout.inputs(of: record) {
            guard let data = fm.contents(atPath: input.path) else {
                throw BookvoxError.badInput("\(input.path) (\(input.role)) cannot be read; the workers need it.")
            }
            inputs.append((input.role, URL(fileURLWithPath: input.path).lastPathComponent, data))
        }
        var queue: [QueuedSegment] = []
        var reused = 0
        for seg in try store.segments() {
            var q = QueuedSegment(key: seg.key, rowID: seg.rowID, chapter: seg.chapter, position: seg.index,
                                  state: "pending", result: nil, error: nil)
            if seg.state.hasAudio {
                q.state = "rendered"
                q.result = try store.portableResult(key: seg.key)
                reused += 1
            }
            queue.append(q)
        }
        let settings = DistributedSettings(qa: options.qa != nil, maxTakes: options.maxTakes)
        let digest = try PlanDigest.of(record: record, segments: try store.segments(), settings: settings, inputs: inputs)
        if let existing {
            let previous = try shared.planDigest(bookID: existing.id)
            if previous.digest == digest, previous.failed == 0 {
                // Nothing to re-queue: keep the plan version, so leases in flight still commit and exports stay.
                return SubmitReport(key: key, planVersion: existing.planVersion, segments: queue.count, reused: reused, unchanged: true)
            }
        }
        let stored = try shared.submit(key: key, title: record.title, engine: record.engine, settings: settings,
                                       sourceName: bookURL.lastPathComponent, digest: digest, snapshot: snapshot, inputs: inputs,
                                       segments: queue)
        return SubmitReport(key: key, planVersion: stored.version, segments: queue.count, reused: reused)
    }
}
