// The PostgreSQL store's connection settings (URL, libpq environment, password file) and its migrations:
// workers that open a fresh database at once migrate it once. The concurrency test needs a server
// (TestPostgresServer: BOOKVOX_TEST_PG_URL, or one the tests start).
@testable import Bookvox
import Foundation
import PostgresNIO
import XCTest

final class PostgresStoreTests: XCTestCase {
    private var workspace: TestWorkspace!

    override func setUpWithError() throws { workspace = try TestWorkspace() }

    /// Workers that start together on a fresh database migrate it once (the advisory lock) and all open it.
    func testConcurrentFirstOpenMigratesOnce() throws {
        let base = try TestPostgresServer.url()
        let adminURL = try PostgresStoreURL(base)
        let admin = try PostgresSession(adminURL, logger: .init(label: "test"))
        var url = adminURL
        url.database = "bookvox_fresh_" + UUID().uuidString.prefix(8).lowercased()
        try admin.execute(PostgresQuery(unsafeSQL: "CREATE DATABASE \(url.database)"))
        defer { try? admin.execute(PostgresQuery(unsafeSQL: "DROP DATABASE \(url.database) WITH (FORCE)")) }
        let outcomes = LockedList()
        DispatchQueue.concurrentPerform(iterations: 4) { _ in
            do {
                _ = try DistributedStore(url: url)
                outcomes.append("ok")
            } catch {
                outcomes.append("error: \(error)")
            }
        }
        XCTAssertEqual(outcomes.items, ["ok", "ok", "ok", "ok"])
        let fresh = try DistributedStore(url: url)
        XCTAssertEqual(try fresh.run { try $0.rows("SELECT name FROM bookvox_migrations ORDER BY name").map { try $0.decode(String.self) } },
                       PostgresMigrations.all.map(\.name))
    }

    /// A wrong store URL and an unreachable server are one-line errors with the project's exit codes.
    func testStoreErrorsOnTheCommandLine() throws {
        let bad = try CLIProcess.run(["status", "--store", "mysql://db/x"])
        XCTAssertEqual(bad.status, ExitCodes.badInput, bad.stderr)
        XCTAssertTrue(bad.stderr.hasPrefix("error: not a PostgreSQL URL: mysql://db/x"), bad.stderr)
        let down = try CLIProcess.run(["status", "--store", "postgres://nobody@127.0.0.1:1/none"])
        XCTAssertEqual(down.status, ExitCodes.failure, down.stderr)
        XCTAssertTrue(down.stderr.hasPrefix("error: cannot connect to PostgreSQL at postgres://nobody@127.0.0.1:1/none"), down.stderr)
    }

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
