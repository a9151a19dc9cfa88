// Distributed rendering through PostgreSQL (docs/distributed.md), with real `bookvox submit / worker / export
// --store` processes against the test server (TestPostgresServer: BOOKVOX_TEST_PG_URL, or one the tests start). Each test uses a
// database of its own. espeak, small books and 2-second leases keep them fast.
@testable import Bookvox
import Foundation
import PostgresNIO
import XCTest

final class DistributedTests: XCTestCase {
    private var ws: TestWorkspace!
    private var storeURL = ""
    private var database = ""
    private var admin: PostgresSession?
    private var workers: [Process] = []

    override func setUpWithError() throws {
        let base = try TestPostgresServer.url()
        ws = try TestWorkspace()
        let url = try PostgresStoreURL(base)
        let session = try PostgresSession(url, logger: .init(label: "test"))
        database = "bookvox_dist_" + UUID().uuidString.prefix(8).lowercased()
        try session.execute(PostgresQuery(unsafeSQL: "CREATE DATABASE \(database)"))
        admin = session
        var c = URLComponents(string: base)!
        c.path = "/" + database
        storeURL = c.string!
    }

    override func tearDownWithError() throws {
        for p in workers where p.isRunning { kill(p.processIdentifier, SIGKILL); p.waitUntilExit() }
        try? admin?.execute(PostgresQuery(unsafeSQL: "DROP DATABASE IF EXISTS \(database) WITH (FORCE)"))
    }

    private func store() throws -> DistributedStore { try DistributedStore(url: try PostgresStoreURL(storeURL)) }

    private func book(_ name: String, chapters: Int = 3, sentences: Int = 8, edit: Bool = false) throws -> String {
        let lines = (1...sentences).map { "Sentence number \($0) of this chapter is here to take a little time." }
        let text = (1...chapters).map { ch in
            "# Part \(ch)\n\n" + lines.enumerated().map { i, s in edit && ch == 2 && i == 3 ? "This one sentence was edited." : s }
                .joined(separator: " ")
        }.joined(separator: "\n\n")
        return try ws.write(name, "---\ntitle: \(name)\nseed: 11\n---\n\n" + text + "\n")
    }

    private func cli(_ args: [String], cwd: URL? = nil) throws -> CLIResult {
        try CLIProcess.run(args + ["--store", storeURL], cwd: cwd)
    }

    private func submit(_ path: String, _ extra: [String] = []) throws -> String {
        let r = try cli(["submit", path, "--engine", "espeak"] + extra)
        XCTAssertEqual(r.status, 0, r.stderr)
        return r.stdout
    }

    private func startWorker(_ extra: [String] = []) throws -> (Process, Pipe) {
        let dir = ws.root.appendingPathComponent("work-\(workers.count)")
        let (p, _, err) = try CLIProcess.launch(["worker", "--store", storeURL, "--lease-seconds", "2", "--work-dir", dir.path] + extra)
        workers.append(p)
        return (p, err)
    }

    private func finish(_ p: Process, _ err: Pipe) -> String {
        let text = String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        p.waitUntilExit()
        return text
    }

    /// The export files of `bookvox render` of `path` on one machine.
    private func singleRender(_ path: String) throws -> [String: Data] {
        let project = ws.root.appendingPathComponent("single-" + UUID().uuidString.prefix(6))
        let r = try CLIProcess.run(["render", path, "--engine", "espeak", "--quiet", "--project", project.path])
        XCTAssertEqual(r.status, 0, r.stderr)
        return TestWorkspace.snapshot(project.appendingPathComponent("export"))
    }

    /// The export files `bookvox export --store` writes for `key` into a fresh directory.
    private func storeExport(_ key: String) throws -> [String: Data] {
        let dir = ws.root.appendingPathComponent("export-" + UUID().uuidString.prefix(6))
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        let r = try cli(["export", key], cwd: dir)
        XCTAssertEqual(r.status, 0, r.stderr)
        return TestWorkspace.snapshot(dir.appendingPathComponent("\(key).bookvox/export"))
    }

    private func count(_ sql: String) throws -> Int {
        try store().run { try $0.rows(PostgresQuery(unsafeSQL: sql))[0].decode(Int.self) }
    }

    /// Three workers; one is killed with -9 after it committed a segment while it holds a lease; the others
    /// finish once that lease expires, and the export equals a single-process render byte for byte.
    func testThreeWorkersOneKilledExportIsByteIdentical() throws {
        let path = try book("three.md")
        _ = try submit(path)
        let started = (0..<3).map { _ in try! startWorker(["--until-idle"]) }
        let victim = started[0].0
        let tag = "%-\(victim.processIdentifier)-%"
        let deadline = Date().addingTimeInterval(60)
        var killed = false
        var leased: [String] = []
        while Date() < deadline, victim.isRunning {
            let committed = try count("SELECT count(*)::int FROM segments WHERE state = 'rendered' AND lease_owner LIKE '\(tag)'")
            leased = try store().run { db in
                try db.rows(PostgresQuery(unsafeSQL: "SELECT key FROM segments WHERE state = 'pending' AND lease_owner LIKE '\(tag)' AND lease_expires > now()"))
                    .map { try $0.decode(String.self) }
            }
            if committed >= 1, !leased.isEmpty {
                kill(victim.processIdentifier, SIGKILL)
                killed = true
                break
            }
            usleep(2_000)
        }
        XCTAssertTrue(killed, "the worker finished before it could be killed mid-render")
        var logs: [String] = []
        for (p, err) in started.dropFirst() { logs.append(finish(p, err)) }
        _ = finish(victim, started[0].1)
        XCTAssertEqual(victim.terminationReason, .uncaughtSignal)
        for (i, (p, _)) in started.dropFirst().enumerated() { XCTAssertEqual(p.terminationStatus, 0, logs[i]) }
        XCTAssertEqual(try count("SELECT count(*)::int FROM segments WHERE state <> 'rendered'"), 0, logs.joined())
        // The killed worker's leased segments were committed by another worker after its lease expired.
        for key in leased {
            XCTAssertEqual(try count("SELECT count(*)::int FROM segments WHERE key = '\(key)' AND lease_owner NOT LIKE '\(tag)'"), 1)
        }
        let status = try cli(["status"])
        XCTAssertTrue(status.stdout.contains("27/27 rendered"), status.stdout)
        let exported = try storeExport("three")
        XCTAssertEqual(exported.count, 19, "3 chapters × mp3, flac, srt, vtt, timings + the ACX report + the book's m4b, srt, vtt")
        XCTAssertEqual(exported, try singleRender(path))
    }

    /// A worker whose lease expired and was claimed again cannot commit: nothing is written.
    func testStaleLeaseCommitIsRefused() throws {
        _ = try submit(try book("stale.md", chapters: 1, sentences: 2))
        let shared = try store()
        let books = try shared.books().map(\.id)
        let first = try XCTUnwrap(shared.claim(worker: "a", books: books, limit: 1, leaseSeconds: 1).first)
        XCTAssertEqual(try shared.claim(worker: "b", books: books, limit: 1, leaseSeconds: 1).first?.key == first.key, false,
                       "a live lease is not claimed twice")
        try shared.release(worker: "b")
        usleep(1_300_000)
        let second = try XCTUnwrap(shared.claim(worker: "b", books: books, limit: 1, leaseSeconds: 30).first)
        XCTAssertEqual(second.key, first.key, "the expired lease's segment is claimed again")
        XCTAssertGreaterThan(second.token, first.token)
        let file = PortableFile(path: "segments/0/1.take1.wav", sha256: Hashing.sha256Hex(Data([1, 2])), data: Data([1, 2]))
        let result = PortableResult(segment: ["id": .int(1)], takes: [], files: [file.path])
        XCTAssertEqual(try shared.commit(first, state: "rendered", result: (result, [file]), error: nil), .staleLease)
        XCTAssertEqual(try count("SELECT count(*)::int FROM segments WHERE state = 'pending' AND key = '\(first.key)' AND result IS NULL"), 1)
        XCTAssertEqual(try count("SELECT count(*)::int FROM segment_files"), 0)
        guard case .committed = try shared.commit(second, state: "rendered", result: (result, [file]), error: nil) else {
            return XCTFail("the current lease commits")
        }
        XCTAssertEqual(try count("SELECT count(*)::int FROM segment_files"), 1)
    }

    /// Two books queued at once: two workers render both; each exports like its single-machine render.
    func testTwoBooksRenderConcurrently() throws {
        let a = try book("alpha.md", chapters: 2, sentences: 4)
        let b = try book("beta.md", chapters: 2, sentences: 3)
        _ = try submit(a)
        _ = try submit(b)
        let started = (0..<2).map { _ in try! startWorker(["--until-idle", "--concurrency", "2"]) }
        for (p, err) in started {
            let log = finish(p, err)
            XCTAssertEqual(p.terminationStatus, 0, log)
        }
        let status = try cli(["status", "--json"])
        let report = try JSONDecoder().decode(StoreStatusReport.self, from: Data(status.stdout.utf8))
        XCTAssertEqual(report.books.map(\.key), ["alpha", "beta"])
        XCTAssertEqual(report.books.map { $0.rendered == $0.segments && $0.exportedChapters == $0.chapters }, [true, true])
        XCTAssertEqual(report.workers.map(\.state), ["stopped", "stopped"])
        XCTAssertEqual(try storeExport("beta"), try singleRender(b))
    }

    /// A complete chapter without a stored export (its completing worker died while exporting it) is exported by
    /// the next worker that finds nothing to claim.
    func testIdleWorkerExportsChapterLeftUnexported() throws {
        let path = try book("orphan.md", chapters: 2, sentences: 3)
        _ = try submit(path)
        let (w1, e1) = try startWorker(["--until-idle", "--concurrency", "3"])
        let first = finish(w1, e1)
        XCTAssertEqual(w1.terminationStatus, 0, first)
        XCTAssertEqual(try count("SELECT count(*)::int FROM exports"), 2)
        try store().run { try $0.execute(PostgresQuery(unsafeSQL: "DELETE FROM exports WHERE chapter = 2")) }
        XCTAssertEqual(try count("SELECT count(*)::int FROM exports"), 1)
        let (w2, e2) = try startWorker(["--until-idle"])
        let log = finish(w2, e2)
        XCTAssertEqual(w2.terminationStatus, 0, log)
        XCTAssertTrue(log.contains("exported orphan chapter 2"), log)
        XCTAssertEqual(try count("SELECT count(*)::int FROM exports WHERE chapter = 2"), 1)
        XCTAssertEqual(try storeExport("orphan"), try singleRender(path))
    }

    /// Submitting an edited book again re-renders only the changed segments; the export matches a fresh render;
    /// submitting it once more unchanged leaves the store as it is.
    func testResubmitRendersOnlyChangedSegments() throws {
        let path = try book("edit.md", chapters: 3, sentences: 4)
        _ = try submit(path)
        let (w1, e1) = try startWorker(["--until-idle", "--concurrency", "4"])
        let first = finish(w1, e1)
        XCTAssertTrue(first.contains("15 committed"), first)
        _ = try book("edit.md", chapters: 3, sentences: 4, edit: true)
        let out = try submit(path)
        XCTAssertTrue(out.contains("plan 2") && out.contains("15 segment(s), 1 to render, 14 kept"), out)
        let (w2, e2) = try startWorker(["--until-idle", "--concurrency", "4"])
        let log = finish(w2, e2)
        XCTAssertTrue(log.contains("1 committed"), log)
        XCTAssertEqual(try storeExport("edit"), try singleRender(path))
        // The same book again: nothing changes in the store (no new plan version, the exports stay).
        let exportsBefore = try count("SELECT count(*)::int FROM exports")
        let again = try submit(path)
        XCTAssertTrue(again.contains("edit is unchanged (plan 2): 15 segment(s), 15 rendered, 0 queued"), again)
        XCTAssertEqual(try count("SELECT plan_version FROM books WHERE key = 'edit'"), 2)
        XCTAssertEqual(try count("SELECT count(*)::int FROM exports"), exportsBefore)
        XCTAssertEqual(exportsBefore, 3, log)
    }

    /// SIGTERM: the worker commits what it is rendering, gives back its leases, marks itself stopped, exits 0.
    func testSigtermStopsWorkerCleanly() throws {
        _ = try submit(try book("term.md", chapters: 3, sentences: 8))
        let (p, err) = try startWorker(["--concurrency", "2"])
        let deadline = Date().addingTimeInterval(60)
        while Date() < deadline, try count("SELECT count(*)::int FROM segments WHERE state = 'rendered'") < 1 { usleep(5_000) }
        kill(p.processIdentifier, SIGTERM)
        let log = finish(p, err)
        XCTAssertEqual(p.terminationReason, .exit, log)
        XCTAssertEqual(p.terminationStatus, 0, log)
        XCTAssertTrue(log.contains("stopping"), log)
        XCTAssertEqual(try count("SELECT count(*)::int FROM segments WHERE state = 'pending' AND lease_expires IS NOT NULL"), 0,
                       "no lease left behind")
        XCTAssertEqual(try count("SELECT count(*)::int FROM workers WHERE state = 'stopped'"), 1)
        XCTAssertGreaterThan(try count("SELECT count(*)::int FROM segments WHERE state = 'rendered'"), 0)
    }

    /// The server drops the worker's connections mid-render: it reconnects with backoff and finishes the book.
    func testWorkerReconnectsAfterConnectionLoss() throws {
        _ = try submit(try book("drop.md", chapters: 2, sentences: 4))
        let (p, err) = try startWorker(["--until-idle"])
        let deadline = Date().addingTimeInterval(60)
        while Date() < deadline, try count("SELECT count(*)::int FROM segments WHERE state = 'rendered'") < 1 { usleep(5_000) }
        try admin?.execute(PostgresQuery(unsafeSQL: """
            SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '\(database)' AND pid <> pg_backend_pid()
            """))
        let log = finish(p, err)
        XCTAssertEqual(p.terminationStatus, 0, log)
        XCTAssertEqual(try count("SELECT count(*)::int FROM segments WHERE state <> 'rendered'"), 0, log)
    }
}
