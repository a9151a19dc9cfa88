// `bookvox status --store URL`: every submitted book's queue (pending, leased, rendered, failed; chapters
// exported), the workers (alive while their heartbeat is younger than their lease), and the failures.
import Foundation
import PostgresNIO

public struct StoreStatusReport: Codable, Sendable {
    public struct Book: Codable, Sendable {
        public var key, title, engine: String
        public var planVersion: Int
        public var segments, pending, leased, rendered, failed: Int
        public var chapters, exportedChapters: Int
    }
    public struct Worker: Codable, Sendable {
        public var id, host: String
        public var pid: Int
        public var engines: String
        public var heartbeatAgeSeconds: Double
        /// alive, stale (no heartbeat within its lease) or stopped.
        public var state: String
        public var leases: Int
    }
    public struct Failure: Codable, Sendable {
        public var book, key, error: String
    }
    public var books: [Book] = []
    public var workers: [Worker] = []
    public var failures: [Failure] = []

    public static func read(storeURL: PostgresStoreURL) throws -> StoreStatusReport {
        let shared = try DistributedStore(url: storeURL)
        var report = StoreStatusReport()
        try shared.run { db in
            for row in try db.rows("""
                SELECT b.key, b.title, b.engine, b.plan_version,
                  count(s.key), count(*) FILTER (WHERE s.state = 'pending'),
                  count(*) FILTER (WHERE s.state = 'pending' AND s.lease_expires > now()),
                  count(*) FILTER (WHERE s.state = 'rendered'), count(*) FILTER (WHERE s.state = 'failed'),
                  count(DISTINCT s.chapter), (SELECT count(*) FROM exports e WHERE e.book_id = b.id)
                FROM books b LEFT JOIN segments s ON s.book_id = b.id
                WHERE b.snapshot IS NOT NULL GROUP BY b.id ORDER BY b.key
                """) {
                let (key, title, engine, version, n, pending, leased, rendered, failed, chapters, exported) =
                    try row.decode((String, String, String, Int, Int, Int, Int, Int, Int, Int, Int).self)
                report.books.append(Book(key: key, title: title, engine: engine, planVersion: version, segments: n, pending: pending,
                                         leased: leased, rendered: rendered, failed: failed, chapters: chapters, exportedChapters: exported))
            }
            for row in try db.rows("""
                SELECT w.id, w.host, w.pid, w.engines, extract(epoch FROM now() - w.heartbeat)::double precision,
                  CASE WHEN w.state = 'stopped' THEN 'stopped'
                       WHEN w.heartbeat > now() - make_interval(secs => w.lease_seconds) THEN 'alive' ELSE 'stale' END,
                  (SELECT count(*) FROM segments s WHERE s.lease_owner = w.id AND s.state = 'pending' AND s.lease_expires > now())
                FROM workers w ORDER BY w.started
                """) {
                let (id, host, pid, engines, age, state, leases) = try row.decode((String, String, Int, String, Double, String, Int).self)
                report.workers.append(Worker(id: id, host: host, pid: pid, engines: engines, heartbeatAgeSeconds: age,
                                             state: state, leases: leases))
            }
            for row in try db.rows("""
                SELECT b.key, s.key, coalesce(s.error, '') FROM segments s JOIN books b ON b.id = s.book_id
                WHERE s.state = 'failed' ORDER BY b.key, s.chapter, s.position
                """) {
                let (book, key, error) = try row.decode((String, String, String).self)
                report.failures.append(Failure(book: book, key: key, error: error))
            }
        }
        return report
    }

    public var text: String {
        var lines: [String] = []
        if books.isEmpty { lines.append("no book submitted") }
        for b in books {
            lines.append("\(b.key) \"\(b.title)\" (\(b.engine), plan \(b.planVersion)): \(b.rendered)/\(b.segments) rendered, "
                + "\(b.pending) pending (\(b.leased) leased), \(b.failed) failed; \(b.exportedChapters)/\(b.chapters) chapters exported")
        }
        if !workers.isEmpty { lines.append("workers:") }
        for w in workers {
            lines.append("  \(w.host) pid \(w.pid) [\(w.engines)]: \(w.state), heartbeat \(String(format: "%.0f", w.heartbeatAgeSeconds)) s ago, "
                + "\(w.leases) lease(s)")
        }
        if !failures.isEmpty { lines.append("failures:") }
        for f in failures { lines.append("  \(f.book) \(f.key): \(f.error)") }
        return lines.joined(separator: "\n")
    }
}
