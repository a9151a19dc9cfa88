// The shared store of distributed rendering (docs/distributed.md): books (a planned job's SQLite snapshot and
// its inputs), the segment queue with leases and fencing tokens, results with their audio, workers and chapter
// exports, in PostgreSQL. Each operation is one transaction. A lost connection is re-opened with backoff
// (1, 2, 4 … 30 s) and the operation retried; every write is idempotent, so a retried one changes nothing twice.
import Foundation
import Logging
import PostgresNIO

/// Run settings of a submitted book that the project does not store but that decide its audio.
struct DistributedSettings: Codable, Equatable, Sendable {
    /// Signal checks on every take (`--qa off`: none).
    var qa: Bool
    var maxTakes: Int
}

public struct StoredBook: Sendable {
    public var id: Int64
    public var key: String
    public var title: String
    public var engine: String
    public var planVersion: Int
    var sourceName: String
    var settings: DistributedSettings
}

struct LeaseClaim: Sendable {
    var bookID: Int64
    var key: String
    var token: Int64
    var planVersion: Int
}

/// A segment as submit uploads it: pending, or with the result a previous plan already had.
struct QueuedSegment {
    var key: String
    var rowID: Int64
    var chapter: Int
    var position: Int
    var state: String
    var result: (PortableResult, [PortableFile])?
    var error: String?
}

enum CommitOutcome: Equatable {
    /// Stored; `chapterComplete`: this commit rendered the chapter's last segment.
    case committed(chapter: Int, chapterComplete: Bool)
    /// The lease was lost (expired and re-claimed, or the book re-submitted): nothing written.
    case staleLease
}

public final class DistributedStore: @unchecked Sendable {
    let url: PostgresStoreURL
    private let logger: Logger
    private var session: PostgresSession
    private let lock = NSLock()
    /// Stops reconnect attempts (a worker told to stop); nil: retry until it works.
    var giveUp: (@Sendable () -> Bool)?

    private let timeoutSeconds: Double

    /// `timeoutSeconds`: the longest wait for one statement before the connection counts as lost.
    public init(url: PostgresStoreURL, timeoutSeconds: Double = 300, logger: Logger = Logger(label: "bookvox.distributed")) throws {
        self.url = url
        self.logger = logger
        self.timeoutSeconds = timeoutSeconds
        session = try PostgresSession(url, logger: logger, timeoutSeconds: timeoutSeconds)
        try PostgresMigrations.migrate(session)
    }

    /// Runs `body` on the session; when the connection is lost, reconnects with backoff and runs it again.
    func run<T>(_ body: (PostgresSession) throws -> T) throws -> T {
        lock.lock()
        defer { lock.unlock() }
        var delay: UInt32 = 1
        while true {
            do {
                return try body(session)
            } catch {
                guard session.isClosed else { throw error }
                logger.warning("PostgreSQL connection lost (\(error)); reconnecting in \(delay) s")
                while true {
                    sleep(delay)
                    delay = min(delay * 2, 30)
                    do {
                        session = try PostgresSession(url, logger: logger, timeoutSeconds: timeoutSeconds)
                        break
                    } catch {
                        if giveUp?() ?? false { throw error }
                        logger.warning("reconnect to \(url.redacted) failed (\(error)); next try in \(delay) s")
                    }
                }
            }
        }
    }

    func transaction<T>(_ body: (PostgresSession) throws -> T) throws -> T {
        try run { try $0.transaction(body) }
    }

    // MARK: books

    public func books() throws -> [StoredBook] {
        try run { db in
            try db.rows("""
                SELECT id, key, title, engine, plan_version, source_name, settings FROM books
                WHERE snapshot IS NOT NULL ORDER BY key
                """).map(Self.book)
        }
    }

    func book(key: String) throws -> StoredBook? { try books().first { $0.key == key } }

    private static func book(_ row: PostgresRow) throws -> StoredBook {
        let (id, key, title, engine, version, source, settings) =
            try row.decode((Int64, String, String, String, Int, String, String).self)
        return StoredBook(id: id, key: key, title: title, engine: engine, planVersion: version, sourceName: source,
                          settings: try JSONDecoder().decode(DistributedSettings.self, from: Data(settings.utf8)))
    }

    /// The book's snapshot (SQLite file of the planned job) and inputs (role → name, bytes), checked.
    func snapshot(bookID: Int64) throws -> (version: Int, snapshot: Data, inputs: [(role: String, name: String, data: Data)]) {
        try transaction { db in
            guard let row = try db.rows("SELECT plan_version, snapshot, snapshot_sha256 FROM books WHERE id = \(bookID)").first else {
                throw BookvoxError.failure("book \(bookID) is gone from the store")
            }
            let (version, snapshot, sha) = try row.decode((Int, Data, String).self)
            guard Hashing.sha256Hex(snapshot) == sha else { throw BookvoxError.failure("the stored job of book \(bookID) is damaged (sha256)") }
            let inputs = try db.rows("SELECT role, name, sha256, data FROM book_inputs WHERE book_id = \(bookID) ORDER BY role").map { row in
                let (role, name, sha, data) = try row.decode((String, String, String, Data).self)
                guard Hashing.sha256Hex(data) == sha else { throw BookvoxError.failure("stored input \(name) is damaged (sha256)") }
                return (role: role, name: name, data: data)
            }
            return (version, snapshot, inputs)
        }
    }

    /// Stores a planned book in one transaction: its row (plan version + 1), snapshot, inputs and segment queue
    /// (results of reused segments kept); chapter exports of the previous plan are dropped.
    func submit(key: String, title: String, engine: String, settings: DistributedSettings, sourceName: String, digest: String,
                snapshot: Data, inputs: [(role: String, name: String, data: Data)], segments: [QueuedSegment]) throws -> (id: Int64, version: Int) {
        let settingsJSON = String(decoding: try JSONEncoder().encode(settings), as: UTF8.self)
        return try transaction { db in
            try db.execute("INSERT INTO books (key, created) VALUES (\(key), \(Date().timeIntervalSince1970)) ON CONFLICT (key) DO NOTHING")
            let row = try db.rows("""
                UPDATE books SET title = \(title), engine = \(engine), settings = \(settingsJSON), source_name = \(sourceName),
                  snapshot = \(snapshot), snapshot_sha256 = \(Hashing.sha256Hex(snapshot)), plan_digest = \(digest), plan_version = plan_version + 1
                WHERE key = \(key) RETURNING id, plan_version
                """)
            let (id, version) = try row[0].decode((Int64, Int).self)
            try db.execute("DELETE FROM book_inputs WHERE book_id = \(id)")
            for input in inputs {
                try db.execute("""
                    INSERT INTO book_inputs (book_id, role, name, sha256, data)
                    VALUES (\(id), \(input.role), \(input.name), \(Hashing.sha256Hex(input.data)), \(input.data))
                    """)
            }
            try db.execute("DELETE FROM segments WHERE book_id = \(id)")
            try db.execute("DELETE FROM exports WHERE book_id = \(id)")
            for seg in segments {
                try db.execute("""
                    INSERT INTO segments (book_id, key, row_id, chapter, position, plan_version, state, result, error, committed)
                    VALUES (\(id), \(seg.key), \(seg.rowID), \(seg.chapter), \(seg.position), \(version), \(seg.state),
                            \(seg.result?.0.json), \(seg.error), \(seg.result == nil ? nil : Date()))
                    """)
                for file in seg.result?.1 ?? [] { try insertFile(db, bookID: id, key: seg.key, file) }
            }
            return (id, version)
        }
    }

    /// The digest of the book's last submit and how many of its segments failed.
    func planDigest(bookID: Int64) throws -> (digest: String?, failed: Int) {
        try run { db in
            let digest = try db.rows("SELECT plan_digest FROM books WHERE id = \(bookID)").first?.decode(String?.self) ?? nil
            let failed = try db.rows("SELECT count(*)::int FROM segments WHERE book_id = \(bookID) AND state = 'failed'")
                .first?.decode(Int.self) ?? 0
            return (digest, failed)
        }
    }

    private func insertFile(_ db: PostgresSession, bookID: Int64, key: String, _ file: PortableFile) throws {
        try db.execute("""
            INSERT INTO segment_files (book_id, key, path, sha256, data) VALUES (\(bookID), \(key), \(file.path), \(file.sha256), \(file.data))
            """)
    }

    // MARK: workers and leases

    func registerWorker(id: String, host: String, pid: Int32, engines: String, leaseSeconds: Double) throws {
        try run { db in
            try db.execute("""
                INSERT INTO workers (id, host, pid, engines, lease_seconds, started, heartbeat, state)
                VALUES (\(id), \(host), \(Int(pid)), \(engines), \(leaseSeconds), now(), now(), 'running')
                ON CONFLICT (id) DO UPDATE SET heartbeat = now(), state = 'running'
                """)
        }
    }

    /// The worker is alive: its heartbeat, and the leases it holds extended by `leaseSeconds`.
    func heartbeat(worker: String, leaseSeconds: Double) throws {
        try transaction { db in
            try db.execute("UPDATE workers SET heartbeat = now() WHERE id = \(worker)")
            try db.execute("""
                UPDATE segments SET lease_expires = now() + make_interval(secs => \(leaseSeconds))
                WHERE lease_owner = \(worker) AND state = 'pending' AND lease_expires > now()
                """)
        }
    }

    func setWorkerState(_ worker: String, _ state: String) throws {
        try run { try $0.execute("UPDATE workers SET state = \(state), heartbeat = now() WHERE id = \(worker)") }
    }

    /// Books with pending segments that no live lease holds (what a worker could claim now).
    func booksWithWork() throws -> [Int64] {
        try run { db in
            try db.rows("""
                SELECT DISTINCT book_id FROM segments
                WHERE state = 'pending' AND (lease_expires IS NULL OR lease_expires < now()) ORDER BY book_id
                """).map { try $0.decode(Int64.self) }
        }
    }

    /// Whether any segment of `books` is still pending (claimable or leased).
    func anyPending(books: [Int64]) throws -> Bool {
        try run { db in
            try db.rows("SELECT 1 FROM segments WHERE state = 'pending' AND book_id = ANY(\(books)) LIMIT 1").isEmpty == false
        }
    }

    /// Claims up to `limit` pending segments of `books` that no live lease holds, in reading order, under a
    /// lease of `leaseSeconds` with a new fencing token each. SKIP LOCKED: concurrent claims take disjoint rows.
    func claim(worker: String, books: [Int64], limit: Int, leaseSeconds: Double) throws -> [LeaseClaim] {
        try run { db in
            try db.rows("""
                UPDATE segments SET lease_owner = \(worker), lease_token = nextval('lease_tokens'),
                  lease_expires = now() + make_interval(secs => \(leaseSeconds))
                WHERE (book_id, key) IN (
                  SELECT book_id, key FROM segments
                  WHERE state = 'pending' AND book_id = ANY(\(books)) AND (lease_expires IS NULL OR lease_expires < now())
                  ORDER BY book_id, chapter, position LIMIT \(limit) FOR UPDATE SKIP LOCKED)
                RETURNING book_id, key, lease_token, plan_version
                """).map { row in
                let (book, key, token, version) = try row.decode((Int64, String, Int64, Int).self)
                return LeaseClaim(bookID: book, key: key, token: token, planVersion: version)
            }
        }
    }

    /// Stores a claimed segment's result if the lease is still this claim's (`lease_token` and plan version
    /// match); otherwise writes nothing. Idempotent: a retry after a lost acknowledgement stores the same.
    func commit(_ claim: LeaseClaim, state: String, result: (PortableResult, [PortableFile])?, error: String?) throws -> CommitOutcome {
        try transaction { db in
            // Commits of one book are serialized, so the one that completes a chapter sees every other commit.
            try db.execute("SELECT 1 FROM books WHERE id = \(claim.bookID) FOR UPDATE")
            let rows = try db.rows("""
                UPDATE segments SET state = \(state), result = \(result?.0.json), error = \(error), committed = now(),
                  attempts = attempts + 1, lease_expires = NULL
                WHERE book_id = \(claim.bookID) AND key = \(claim.key) AND lease_token = \(claim.token)
                  AND plan_version = \(claim.planVersion)
                RETURNING chapter
                """)
            guard let row = rows.first else { return .staleLease }
            let chapter = try row.decode(Int.self)
            try db.execute("DELETE FROM segment_files WHERE book_id = \(claim.bookID) AND key = \(claim.key)")
            for file in result?.1 ?? [] { try insertFile(db, bookID: claim.bookID, key: claim.key, file) }
            let open = try db.rows("""
                SELECT count(*) FROM segments WHERE book_id = \(claim.bookID) AND chapter = \(chapter) AND state <> 'rendered'
                """)[0].decode(Int64.self)
            return .committed(chapter: chapter, chapterComplete: open == 0 && state == "rendered")
        }
    }

    /// Gives back the leases of `keys` (nil: all the worker holds) that were not committed.
    func release(worker: String, bookID: Int64? = nil, keys: [String]? = nil) throws {
        try run { db in
            if let bookID, let keys {
                try db.execute("""
                    UPDATE segments SET lease_owner = NULL, lease_expires = NULL
                    WHERE lease_owner = \(worker) AND state = 'pending' AND book_id = \(bookID) AND key = ANY(\(keys))
                    """)
            } else {
                try db.execute("UPDATE segments SET lease_owner = NULL, lease_expires = NULL WHERE lease_owner = \(worker) AND state = 'pending'")
            }
        }
    }

    // MARK: results and exports

    /// Committed results of a book (of one chapter, or all), with their files checked by the importer.
    func results(bookID: Int64, chapter: Int? = nil, except: Set<String> = []) throws -> [(key: String, result: PortableResult, files: [PortableFile])] {
        try run { db in
            let rows = try chapter.map { chapter in
                try db.rows("""
                    SELECT key, result FROM segments WHERE book_id = \(bookID) AND result IS NOT NULL AND chapter = \(chapter)
                    ORDER BY chapter, position
                    """)
            } ?? db.rows("SELECT key, result FROM segments WHERE book_id = \(bookID) AND result IS NOT NULL ORDER BY chapter, position")
            var out: [(key: String, result: PortableResult, files: [PortableFile])] = []
            for row in rows {
                let (key, json) = try row.decode((String, String).self)
                guard !except.contains(key) else { continue }
                let files = try db.rows("SELECT path, sha256, data FROM segment_files WHERE book_id = \(bookID) AND key = \(key)").map { r in
                    let (path, sha, data) = try r.decode((String, String, Data).self)
                    return PortableFile(path: path, sha256: sha, data: data)
                }
                out.append((key, try PortableResult.decode(json), files))
            }
            return out
        }
    }

    /// Chapters of `bookID` whose every segment is rendered but that have no export of the current plan: the
    /// worker that completed one was stopped or died before it stored the export, or is exporting it now.
    func chaptersAwaitingExport(bookID: Int64) throws -> [Int] {
        try run { db in
            try db.rows("""
                SELECT s.chapter FROM segments s JOIN books b ON b.id = s.book_id
                WHERE s.book_id = \(bookID)
                GROUP BY s.chapter, b.plan_version
                HAVING bool_and(s.state = 'rendered') AND NOT EXISTS (
                  SELECT 1 FROM exports e WHERE e.book_id = \(bookID) AND e.chapter = s.chapter AND e.plan_version = b.plan_version)
                ORDER BY s.chapter
                """).map { try $0.decode(Int.self) }
        }
    }

    /// Takes the chapter's export lock for this connection (false: another worker is exporting it). A worker that
    /// dies holding it loses it with its connection.
    func tryLockExport(bookID: Int64, chapter: Int) throws -> Bool {
        try run { db in
            try db.rows("SELECT pg_try_advisory_lock(\(Self.exportLockSpace), hashtext(\("\(bookID).\(chapter)")))")[0].decode(Bool.self)
        }
    }

    func unlockExport(bookID: Int64, chapter: Int) {
        _ = try? run { db in
            try db.execute("SELECT pg_advisory_unlock(\(Self.exportLockSpace), hashtext(\("\(bookID).\(chapter)")))")
        }
    }

    /// First key of the two-key advisory locks that guard chapter exports.
    static let exportLockSpace: Int32 = 0x626f_6f6b

    func saveExport(bookID: Int64, planVersion: Int, chapter: Int, row: PortableRow, files: [PortableFile]) throws {
        let json = String(decoding: try JSONEncoder().encode(row), as: UTF8.self)
        try transaction { db in
            // A re-submitted book's old exports are not stored over the new plan.
            guard try db.rows("SELECT 1 FROM books WHERE id = \(bookID) AND plan_version = \(planVersion)").isEmpty == false else { return }
            try db.execute("DELETE FROM exports WHERE book_id = \(bookID) AND chapter = \(chapter)")
            try db.execute("""
                INSERT INTO exports (book_id, chapter, plan_version, chapter_row) VALUES (\(bookID), \(chapter), \(planVersion), \(json))
                """)
            for file in files {
                try db.execute("""
                    INSERT INTO export_files (book_id, chapter, name, sha256, data)
                    VALUES (\(bookID), \(chapter), \(file.path), \(file.sha256), \(file.data))
                    """)
            }
        }
    }

    func exports(bookID: Int64) throws -> [(chapter: Int, row: PortableRow, files: [PortableFile])] {
        try run { db in
            try db.rows("SELECT chapter, chapter_row FROM exports WHERE book_id = \(bookID) ORDER BY chapter").map { row in
                let (chapter, json) = try row.decode((Int, String).self)
                let files = try db.rows("SELECT name, sha256, data FROM export_files WHERE book_id = \(bookID) AND chapter = \(chapter)").map { r in
                    let (name, sha, data) = try r.decode((String, String, Data).self)
                    return PortableFile(path: name, sha256: sha, data: data)
                }
                return (chapter, try JSONDecoder().decode(PortableRow.self, from: Data(json.utf8)), files)
            }
        }
    }
}
