// The job store interface, run against every store: the same operations give the same results in the SQLite
// store (always) and the PostgreSQL store (when BOOKVOX_TEST_PG_URL names a server; scripts/test-postgres.sh
// starts one and .ci/run exports its URL). So far the book-level records (BookRecordStore).
@testable import Bookvox
import Foundation
import PostgresNIO
import XCTest

final class StoreConformanceTests: XCTestCase {
    private var workspace: TestWorkspace!

    override func setUpWithError() throws { workspace = try TestWorkspace() }

    private func sqliteStore() throws -> JobStore {
        let layout = ProjectLayout(root: workspace.root.appendingPathComponent("p.bookvox"))
        try layout.create()
        return try JobStore(layout: layout)
    }

    /// A store for a book of its own (a fresh key per test), or a skip that says why.
    private func postgresStore(book: String = UUID().uuidString) throws -> PostgresJobStore {
        guard let url = ProcessInfo.processInfo.environment["BOOKVOX_TEST_PG_URL"], !url.isEmpty else {
            throw XCTSkip("BOOKVOX_TEST_PG_URL is not set: no PostgreSQL server to test against (scripts/test-postgres.sh start prints one)")
        }
        return try PostgresJobStore(url: try PostgresStoreURL(url), bookKey: "conformance-\(book)")
    }

    private func book(_ title: String) -> BookRecord {
        var b = BookRecord(title: title, author: "A. Author", narrator: nil, language: "en", seed: -7, sourcePath: "/books/x.md",
                           engine: "espeak", voiceSha256: "abc", voicePath: nil, bitrateKbps: 96)
        b.pace = "{\"rate\":1.1}"
        b.cast = nil
        b.exportFormats = "mp3,m4b"
        return b
    }

    private func json<T: Encodable>(_ value: T) throws -> String {
        let e = JSONEncoder()
        e.outputFormatting = .sortedKeys
        return String(decoding: try e.encode(value), as: UTF8.self)
    }

    /// Every BookRecordStore operation, with what it must read back; `label` names the store in failures.
    private func exerciseRecords(_ store: some BookRecordStore, _ label: String) throws -> [String] {
        var transcript: [String] = []
        XCTAssertNil(try store.book(), label)
        try store.saveBook(book("First"))
        try store.saveBook(book("Second"))
        transcript.append(try json(try XCTUnwrap(store.book(), label)))
        XCTAssertEqual(try store.book()?.title, "Second", label)

        XCTAssertNil(try store.voice(sha256: "v1"), label)
        try store.saveVoice(VoiceRecord(sha256: "v1", path: "voices/v1.wav", engine: "espeak", profilePath: "voices/v1.json"))
        try store.saveVoice(VoiceRecord(sha256: "v1", path: "voices/v1b.wav", engine: "espeak", profilePath: "voices/v1.json"))
        transcript.append(try json(try XCTUnwrap(store.voice(sha256: "v1"), label)))

        let r1 = try store.startRun(engine: "espeak")
        let r2 = try store.startRun(engine: "qwen3")
        XCTAssertLessThan(r1, r2, label)
        try store.finishRun(r1, status: "failed", error: "disk full")
        let runs = try store.runs()
        XCTAssertEqual(runs.map(\.id), [r1, r2], label)
        // Ids and times differ between stores (a shared sequence in PostgreSQL); the rest must not.
        transcript.append(runs.map { "\($0.engine) \($0.status) \($0.error ?? "-") \($0.finished != nil) \($0.pid == getpid())" }
            .joined(separator: "; "))

        XCTAssertEqual(try store.bookExports(), [], label)
        let exports = [BookExportRecord(format: "m4b", fileName: "x.m4b", sha256: "s1", exportHash: "h1"),
                       BookExportRecord(format: "srt", fileName: "x.srt", sha256: "s2", exportHash: "h1")]
        try store.setBookExports(exports.reversed())
        XCTAssertEqual(try store.bookExports(), exports, label)
        try store.setBookExports([exports[1]])
        XCTAssertEqual(try store.bookExports(), [exports[1]], label)

        XCTAssertEqual(try store.chapters().count, 0, label)
        XCTAssertEqual(try store.orphanExports().count, 0, label)
        try store.removeOrphanExports(nil)

        let failure = ProjectFailure(kind: .exportFailed, command: "export", message: "m", hint: "h", time: 1)
        store.recordFailure(failure)
        XCTAssertEqual(try store.book()?.failure, failure, label)
        store.clearFailure(kinds: [.diskFull])
        XCTAssertEqual(try store.book()?.failure, failure, "\(label): another kind's clear keeps it")
        store.clearFailure(kinds: [.exportFailed])
        XCTAssertNil(try store.book()?.failure, label)
        store.recordFailure(failure)
        store.clearFailure(kinds: nil)
        XCTAssertNil(try store.book()?.failure, label)
        return transcript
    }

    func testSQLiteBookRecords() throws {
        let transcript = try exerciseRecords(try sqliteStore(), "sqlite")
        XCTAssertEqual(transcript.count, 3)
    }

    func testPostgresBookRecordsMatchSQLite() throws {
        let pg = try postgresStore()
        XCTAssertEqual(try exerciseRecords(pg, "postgres"), try exerciseRecords(try sqliteStore(), "sqlite"))
    }

    /// Two books in one database see only their own rows.
    func testPostgresBooksAreSeparate() throws {
        let a = try postgresStore(), b = try postgresStore()
        XCTAssertNotEqual(a.bookID, b.bookID)
        try a.saveBook(book("A"))
        _ = try a.startRun(engine: "espeak")
        try a.setBookExports([BookExportRecord(format: "m4b", fileName: "a.m4b", sha256: "s", exportHash: "h")])
        XCTAssertNil(try b.book())
        XCTAssertEqual(try b.runs().count, 0)
        XCTAssertEqual(try b.bookExports(), [])
        // Opening the same book again finds it.
        let again = try PostgresJobStore(url: try PostgresStoreURL(ProcessInfo.processInfo.environment["BOOKVOX_TEST_PG_URL"]!),
                                         bookKey: a.bookKey)
        XCTAssertEqual(again.bookID, a.bookID)
        XCTAssertEqual(try again.book()?.title, "A")
    }

    /// Workers that start together on a fresh database migrate it once (the advisory lock) and all open it.
    func testPostgresConcurrentFirstOpenMigratesOnce() throws {
        let admin = try postgresStore()
        var url = try PostgresStoreURL(ProcessInfo.processInfo.environment["BOOKVOX_TEST_PG_URL"]!)
        url.database = "bookvox_fresh_" + UUID().uuidString.prefix(8).lowercased()
        try admin.db.execute(PostgresQuery(unsafeSQL: "CREATE DATABASE \(url.database)"))
        defer { try? admin.db.execute(PostgresQuery(unsafeSQL: "DROP DATABASE \(url.database) WITH (FORCE)")) }
        let ids = LockedList()
        DispatchQueue.concurrentPerform(iterations: 4) { i in
            do {
                let store = try PostgresJobStore(url: url, bookKey: i % 2 == 0 ? "even" : "odd")
                ids.append("\(store.bookKey)=\(store.bookID)")
            } catch {
                ids.append("error: \(error)")
            }
        }
        XCTAssertEqual(Set(ids.items).count, 2, "\(ids.items)")
        XCTAssertFalse(ids.items.contains { $0.hasPrefix("error") }, "\(ids.items)")
        let fresh = try PostgresJobStore(url: url, bookKey: "even")
        XCTAssertEqual(try fresh.db.rows("SELECT name FROM bookvox_migrations").map { try $0.decode(String.self) },
                       PostgresMigrations.all.map(\.name))
    }

    /// URL, environment and password file, as libpq reads them.
    func testURLAndEnvironment() throws {
        let u = try PostgresStoreURL("postgres://alice:s%3Acret@db.example:6543/books?sslmode=verify-full", environment: [:])
        XCTAssertEqual([u.user, u.password, u.host, "\(u.port)", u.database, u.sslMode.rawValue],
                       ["alice", "s:cret", "db.example", "6543", "books", "verify-full"])
        let e = try PostgresStoreURL("postgres://", environment: ["PGHOST": "h", "PGPORT": "7000", "PGUSER": "bob",
                                                                    "PGPASSWORD": "pw", "PGDATABASE": "d", "PGSSLMODE": "disable"])
        XCTAssertEqual([e.user, e.password, e.host, "\(e.port)", e.database, e.sslMode.rawValue], ["bob", "pw", "h", "7000", "d", "disable"])
        XCTAssertEqual(try PostgresStoreURL("postgres://u@h/", environment: [:]).database, "u")
        XCTAssertThrowsError(try PostgresStoreURL("mysql://u@h/d", environment: [:]))
        XCTAssertThrowsError(try PostgresStoreURL("postgres://u@h/d?sslmode=sometimes", environment: [:]))
        XCTAssertThrowsError(try PostgresStoreURL("postgres://u@h/d?application_name=x", environment: [:]))

        let pass = workspace.root.appendingPathComponent("pgpass").path
        try "# comment\nother:*:*:*:no\nh:5432:d:u:wrong\\:not\n*:*:d:u:p\\:w\n".write(toFile: pass, atomically: true, encoding: .utf8)
        try FileManager.default.setAttributes([.posixPermissions: 0o600], ofItemAtPath: pass)
        XCTAssertEqual(try PostgresStoreURL("postgres://u@h:5432/d", environment: ["PGPASSFILE": pass]).password, "wrong:not")
        XCTAssertEqual(try PostgresStoreURL("postgres://u@h:5433/d", environment: ["PGPASSFILE": pass]).password, "p:w")
        XCTAssertEqual(try PostgresStoreURL("postgres://u:given@h/d", environment: ["PGPASSFILE": pass]).password, "given")
        XCTAssertNil(try PostgresStoreURL("postgres://x@h/d", environment: ["PGPASSFILE": pass]).password)
        try FileManager.default.setAttributes([.posixPermissions: 0o644], ofItemAtPath: pass)
        XCTAssertNil(try PostgresStoreURL("postgres://u@h/d", environment: ["PGPASSFILE": pass]).password,
                     "a password file others may read is ignored, as libpq does")
    }
}

private final class LockedList: @unchecked Sendable {
    private let lock = NSLock()
    private var list: [String] = []
    func append(_ s: String) { lock.lock(); list.append(s); lock.unlock() }
    var items: [String] { lock.lock(); defer { lock.unlock() }; return list }
}
