// Schema of the PostgreSQL store of distributed rendering (docs/distributed.md): each submitted book's planned
// job (a SQLite snapshot) and inputs, the segment queue with leases, results with their audio files, workers,
// chapter exports. Migrations are appended, never edited; each runs in one transaction under an advisory
// lock, so workers that start together migrate once.
import Foundation
import PostgresNIO

enum PostgresMigrations {
    /// Any constant the other users of a database are unlikely to pick: the advisory lock held while migrating.
    static let lockKey: Int64 = 0x626f_6f6b_766f_78 // "bookvox"

    static let all: [(name: String, sql: [String])] = [
        ("v1", [
            "CREATE SEQUENCE lease_tokens",
            """
            CREATE TABLE books (
              id bigserial PRIMARY KEY, key text NOT NULL UNIQUE, created double precision NOT NULL,
              title text, engine text, settings text, plan_version integer NOT NULL DEFAULT 0, source_name text,
              snapshot bytea, snapshot_sha256 text)
            """,
            """
            CREATE TABLE book_inputs (
              book_id bigint NOT NULL REFERENCES books(id) ON DELETE CASCADE,
              role text NOT NULL, name text NOT NULL, sha256 text NOT NULL, data bytea NOT NULL,
              PRIMARY KEY (book_id, role))
            """,
            """
            CREATE TABLE segments (
              book_id bigint NOT NULL REFERENCES books(id) ON DELETE CASCADE,
              key text NOT NULL, row_id bigint NOT NULL, chapter integer NOT NULL, position integer NOT NULL,
              plan_version integer NOT NULL, state text NOT NULL, attempts integer NOT NULL DEFAULT 0,
              lease_owner text, lease_token bigint, lease_expires timestamptz,
              result text, error text, committed timestamptz,
              PRIMARY KEY (book_id, key))
            """,
            "CREATE INDEX segments_claim ON segments (state, book_id, chapter, position)",
            """
            CREATE TABLE segment_files (
              book_id bigint NOT NULL, key text NOT NULL, path text NOT NULL, sha256 text NOT NULL, data bytea NOT NULL,
              PRIMARY KEY (book_id, key, path),
              FOREIGN KEY (book_id, key) REFERENCES segments (book_id, key) ON DELETE CASCADE)
            """,
            """
            CREATE TABLE workers (
              id text PRIMARY KEY, host text NOT NULL, pid integer NOT NULL, engines text NOT NULL,
              lease_seconds double precision NOT NULL, started timestamptz NOT NULL, heartbeat timestamptz NOT NULL, state text NOT NULL)
            """,
            """
            CREATE TABLE exports (
              book_id bigint NOT NULL REFERENCES books(id) ON DELETE CASCADE,
              chapter integer NOT NULL, plan_version integer NOT NULL, chapter_row text NOT NULL,
              PRIMARY KEY (book_id, chapter))
            """,
            """
            CREATE TABLE export_files (
              book_id bigint NOT NULL, chapter integer NOT NULL, name text NOT NULL, sha256 text NOT NULL, data bytea NOT NULL,
              PRIMARY KEY (book_id, chapter, name),
              FOREIGN KEY (book_id, chapter) REFERENCES exports (book_id, chapter) ON DELETE CASCADE)
            """,
        ]),
        // The plan digest of the book's last submit (PlanDigest): an unchanged re-submit is recognized.
        ("v2", ["ALTER TABLE books ADD COLUMN plan_digest text"]),
    ]

    /// Audio bytes (float WAV, stored exactly) compress with lz4 where the server has it (PostgreSQL 14+ built
    /// with lz4); otherwise TOAST's default, pglz, applies.
    static func compressAudio(_ db: PostgresSession) throws {
        let lz4 = try db.rows("SELECT count(*) FROM pg_settings WHERE name = 'default_toast_compression' AND 'lz4' = ANY(enumvals)")
            .first?.decode(Int64.self) ?? 0
        guard lz4 > 0 else { return }
        for column in ["segment_files.data", "export_files.data", "book_inputs.data", "books.snapshot"] {
            let parts = column.split(separator: ".")
            try db.execute(PostgresQuery(unsafeSQL: "ALTER TABLE \(parts[0]) ALTER COLUMN \(parts[1]) SET COMPRESSION lz4"))
        }
    }

    /// Applies the migrations the database lacks, each in its own transaction.
    static func migrate(_ db: PostgresSession) throws {
        try db.transaction { db in
            // Under the lock: two first `CREATE TABLE IF NOT EXISTS` at once can collide in the catalog.
            try db.execute("SELECT pg_advisory_xact_lock(\(lockKey))")
            try db.execute("""
                CREATE TABLE IF NOT EXISTS bookvox_migrations (name text PRIMARY KEY, applied double precision NOT NULL)
                """)
        }
        for migration in all {
            try db.transaction { db in
                try db.execute("SELECT pg_advisory_xact_lock(\(lockKey))")
                guard try db.rows("SELECT 1 FROM bookvox_migrations WHERE name = \(migration.name)").isEmpty else { return }
                for statement in migration.sql { try db.execute(PostgresQuery(unsafeSQL: statement)) }
                if migration.name == "v1" { try compressAudio(db) }
                try db.execute("INSERT INTO bookvox_migrations (name, applied) VALUES (\(migration.name), \(Date().timeIntervalSince1970))")
                db.logger.info("job store: applied migration \(migration.name)")
            }
        }
    }
}
