// The job store: one SQLite database per book project (GRDB DatabasePool = WAL mode).
// Every state change is one transaction, so a killed process leaves the database consistent.
import Foundation
import GRDB
import Logging

public final class JobStore: @unchecked Sendable {
    public let layout: ProjectLayout
    let pool: DatabasePool
    private let log = Logger(label: "bookvox.store")

    /// Opens (and migrates) the project's database. `readOnly` opens an existing store without
    /// migrating or changing its journal mode, for readers such as `status` while a render runs.
    public init(layout: ProjectLayout, readOnly: Bool = false) throws {
        self.layout = layout
        var config = Configuration()
        config.busyMode = .timeout(10)
        config.readonly = readOnly
        var lastError: Error?
        // Two processes opening a fresh database at once can meet SQLITE_BUSY while one switches
        // it to WAL; retry for a few seconds before giving up.
        for attempt in 0..<50 {
            do {
                let pool = try DatabasePool(path: layout.database.path, configuration: config)
                if readOnly {
                    guard try pool.read({ try $0.tableExists("segments") }) else {
                        throw BookvoxError.projectNotFound("\(layout.root.path) has no job store yet; start with `bookvox render BOOK`.")
                    }
                } else {
                    try StoreMigrations.migrator.migrate(pool)
                }
                self.pool = pool
                return
            } catch let e as DatabaseError where e.resultCode == .SQLITE_BUSY || e.resultCode == .SQLITE_LOCKED {
                lastError = e
                log.debug("job store busy (attempt \(attempt + 1)); retrying")
                usleep(100_000)
            } catch let e as BookvoxError {
                throw e
            } catch {
                lastError = error
                break
            }
        }
        throw BookvoxError.failure("cannot open the job store \(layout.database.path): \(lastError.map { "\($0)" } ?? "unknown error"). "
            + "Check that the project directory is writable and not on a full disk.")
    }

    // MARK: book, chapters, voices, runs

    public func book() throws -> BookRecord? { try pool.read { try BookRecord.fetchOne($0) } }

    public func saveBook(_ book: BookRecord) throws { try pool.write { try book.save($0) } }

    public func chapters() throws -> [ChapterRecord] {
        try pool.read { try ChapterRecord.order(Column("number")).fetchAll($0) }
    }

    /// Records a chapter's export: its content hash, the hash of its audio alone and the sha256 of each file
    /// written (by extension). A nil `hash` forgets the chapter's export.
    public func setExport(chapter: Int, hash: String?, audioHash: String?, files: [String: String]) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        let json = String(decoding: try encoder.encode(files), as: UTF8.self)
        try pool.write { db in
            try db.execute(sql: "UPDATE chapters SET exportHash = ?, exportFiles = ?, exportAudioHash = ? WHERE number = ?",
                           arguments: [hash, json, audioHash, chapter])
        }
    }

    /// Records the audio hash of a chapter whose export is current (projects exported before v9 lack it).
    public func setExportAudioHash(chapter: Int, _ hash: String) throws {
        try pool.write { try $0.execute(sql: "UPDATE chapters SET exportAudioHash = ? WHERE number = ?", arguments: [hash, chapter]) }
    }

    /// Export records of chapter numbers the book no longer has (Store/Records.swift).
    public func orphanExports() throws -> [OrphanExportRecord] {
        try pool.read { try OrphanExportRecord.order(Column("number")).fetchAll($0) }
    }

    /// Forgets orphaned export records: `numbers`, or all of them.
    public func removeOrphanExports(_ numbers: [Int]? = nil) throws {
        try pool.write { db in
            if let numbers { _ = try OrphanExportRecord.deleteAll(db, keys: numbers) } else { _ = try OrphanExportRecord.deleteAll(db) }
        }
    }

    /// The book-level export files (M4B, book subtitles) as last written.
    public func bookExports() throws -> [BookExportRecord] {
        try pool.read { try BookExportRecord.order(Column("format")).fetchAll($0) }
    }

    /// Replaces the record of the book-level export files.
    public func setBookExports(_ records: [BookExportRecord]) throws {
        try pool.write { db in
            try BookExportRecord.deleteAll(db)
            for r in records { try r.insert(db) }
        }
    }

    public func voice(sha256: String) throws -> VoiceRecord? {
        try pool.read { try VoiceRecord.fetchOne($0, key: sha256) }
    }

    public func saveVoice(_ voice: VoiceRecord) throws { try pool.write { try voice.save($0) } }

    public func startRun(engine: String) throws -> Int64 {
        try pool.write { db in
            var run = RunRecord(id: nil, started: Date().timeIntervalSince1970, finished: nil, engine: engine,
                                status: "running", pid: getpid(), error: nil)
            try run.insert(db)
            return run.id ?? 0
        }
    }

    public func finishRun(_ id: Int64, status: String, error: String? = nil) throws {
        try pool.write { db in
            try db.execute(sql: "UPDATE runs SET finished = ?, status = ?, error = ? WHERE id = ?",
                           arguments: [Date().timeIntervalSince1970, status, error, id])
        }
    }

    public func runs() throws -> [RunRecord] { try pool.read { try RunRecord.order(Column("id")).fetchAll($0) } }

    // MARK: segments

    public func segments() throws -> [SegmentRecord] {
        try pool.read { try SegmentRecord.order(Column("chapter"), Column("position")).fetchAll($0) }
    }

    public func segments(chapter: Int) throws -> [SegmentRecord] {
        try pool.read {
            try SegmentRecord.filter(Column("chapter") == chapter).order(Column("position")).fetchAll($0)
        }
    }

    /// The segment currently addressed by `key` ("3.17").
    public func segment(_ key: String) throws -> SegmentRecord? {
        try pool.read { try SegmentRecord.filter(Column("key") == key).fetchOne($0) }
    }

    public func segment(id: Int64) throws -> SegmentRecord? {
        try pool.read { try SegmentRecord.fetchOne($0, key: id) }
    }

    /// Segments that still need synthesis, in book order.
    public func pendingSegments() throws -> [SegmentRecord] {
        try pool.read {
            try SegmentRecord.filter([SegmentState.pending, .generated].contains(Column("state")))
                .order(Column("chapter"), Column("position")).fetchAll($0)
        }
    }

    public func markGenerated(id: Int64, take: Int, codes: Data, codesHash: String) throws {
        try pool.write { db in
            try db.execute(sql: """
                UPDATE segments SET state = ?, codes = ?, codesHash = ?, lastError = NULL
                WHERE id = ? AND take = ?
                """, arguments: [SegmentState.generated, codes, codesHash, id, take])
        }
    }

    public func markRendered(id: Int64, take: Int, audioPath: String, sha256: String, sampleCount: Int,
                             sampleRate: Int) throws {
        try pool.write { db in
            try db.execute(sql: """
                UPDATE segments SET state = CASE WHEN flagReason IS NULL THEN ? ELSE ? END, audioPath = ?,
                audioSha256 = ?, sampleCount = ?, sampleRate = ?, lastError = NULL WHERE id = ? AND take = ?
                """, arguments: [SegmentState.rendered, SegmentState.flagged, audioPath, sha256, sampleCount, sampleRate, id, take])
        }
    }

    /// Records a take that was not kept. With `nextTake` the segment is re-queued with that take and its seed;
    /// without, it becomes `failed`. (Attempts are counted by `countAttempt`.)
    public func markFailed(id: Int64, error: String, nextTake: (take: Int, seed: UInt64)?) throws {
        try pool.write { db in
            if let next = nextTake {
                try db.execute(sql: """
                    UPDATE segments SET state = ?, take = ?, seed = ?, codes = NULL, codesHash = NULL,
                    lastError = ? WHERE id = ?
                    """, arguments: [SegmentState.pending, next.take, Int64(bitPattern: next.seed), error, id])
            } else {
                try db.execute(sql: "UPDATE segments SET state = ?, lastError = ? WHERE id = ?",
                               arguments: [SegmentState.failed, error, id])
            }
        }
    }

    /// Records an error that did not consume a take (e.g. the audio file could not be saved).
    public func recordError(id: Int64, error: String) throws {
        try pool.write { db in
            try db.execute(sql: "UPDATE segments SET lastError = ? WHERE id = ?", arguments: [error, id])
        }
    }

    public func countAttempt(id: Int64) throws {
        try pool.write { db in
            try db.execute(sql: "UPDATE segments SET attempts = attempts + 1 WHERE id = ?", arguments: [id])
        }
    }

    public func flag(key: String, reason: String?) throws {
        try pool.write { db in
            guard var seg = try SegmentRecord.filter(Column("key") == key).fetchOne(db) else {
                throw BookvoxError.badInput("no segment \(key) in this project. `bookvox status` lists the chapters; "
                    + "keys are CHAPTER.INDEX, e.g. 3.17.")
            }
            guard seg.state.hasAudio else {
                throw BookvoxError.badInput("segment \(key) is \(seg.state.rawValue), not rendered yet; "
                    + "only rendered segments can be flagged.")
            }
            seg.state = .flagged
            seg.flagReason = reason ?? "flagged for review"
            try seg.update(db)
        }
    }

    /// Re-queues one segment with a new take (and its seed), clearing codes, audio and flag; a new round of
    /// takes starts there.
    public func requeue(id: Int64, take: Int, seed: UInt64, reason: String?) throws {
        try pool.write { db in
            try db.execute(sql: """
                UPDATE segments SET state = ?, take = ?, cycleStart = ?, seed = ?, codes = NULL, codesHash = NULL,
                audioPath = NULL, audioSha256 = NULL, sampleCount = NULL, sampleRate = NULL, flagReason = NULL,
                qaScore = NULL, qaFindings = NULL, lastError = ?
                WHERE id = ?
                """, arguments: [SegmentState.pending, take, take, Int64(bitPattern: seed), reason, id])
        }
    }

    /// Makes failed segments pending again with their current take, starting a new round of takes there
    /// (a `resume` after fixing the cause).
    public func retryFailed() throws {
        try pool.write { db in
            try db.execute(sql: "UPDATE segments SET state = ?, cycleStart = take WHERE state = ?",
                           arguments: [SegmentState.pending, SegmentState.failed])
        }
    }

    func write<T>(_ body: (Database) throws -> T) throws -> T { try pool.write(body) }
}
