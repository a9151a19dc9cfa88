// Schema of the PostgreSQL store of distributed rendering (docs/distributed.md): each submitted book's planned
// job (a SQLite snapshot) and inputs, the segment queue with leases, results with their audio files, workers,
// chapter exports (v2; v1's tables that v2 and v3 drop came first). Migrations are appended, never edited; each
// runs in one transaction under an advisory lock, so workers that start together migrate once.
import Foundation
import PostgresNIO

enum PostgresMigrations {
    /// Any constant the other users of a database are unlikely to pick: the advisory lock held while migrating.
    static let lockKey: Int64 = 0x626f_6f6b_766f_78 // "bookvox"

    static let all: [(name: String, sql: [String])] = [
        ("v1", [
            """
            CREATE TABLE books (
              id bigserial PRIMARY KEY,
              key text NOT NULL UNIQUE,
              created double precision NOT NULL)
            """,
            """
            CREATE TABLE book (
              book_id bigint PRIMARY KEY REFERENCES books(id) ON DELETE CASCADE,
              title text NOT NULL, author text, narrator text, language text NOT NULL, seed bigint NOT NULL,
              source_path text NOT NULL, engine text NOT NULL, voice_sha256 text, voice_path text,
              bitrate_kbps integer NOT NULL, engine_settings text, export_formats text, last_failure text,
              room_tone text, qa_profile text, reading_options text, lexicon_path text, pace text, cast_list text)
            """,
            """
            CREATE TABLE chapters (
              book_id bigint NOT NULL REFERENCES books(id) ON DELETE CASCADE,
              number integer NOT NULL, title text NOT NULL, segment_count integer NOT NULL,
              export_hash text, export_files text, export_audio_hash text,
              PRIMARY KEY (book_id, number))
            """,
            """
            CREATE TABLE orphan_exports (
              book_id bigint NOT NULL REFERENCES books(id) ON DELETE CASCADE,
              number integer NOT NULL, export_hash text, export_files text, export_audio_hash text,
              PRIMARY KEY (book_id, number))
            """,
            """
            CREATE TABLE book_exports (
              book_id bigint NOT NULL REFERENCES books(id) ON DELETE CASCADE,
              format text NOT NULL, file_name text NOT NULL, sha256 text NOT NULL, export_hash text NOT NULL,
              PRIMARY KEY (book_id, format))
            """,
            """
            CREATE TABLE voices (
              book_id bigint NOT NULL REFERENCES books(id) ON DELETE CASCADE,
              sha256 text NOT NULL, path text NOT NULL, engine text NOT NULL, profile_path text NOT NULL,
              PRIMARY KEY (book_id, sha256))
            """,
            """
            CREATE TABLE runs (
              id bigserial PRIMARY KEY,
              book_id bigint NOT NULL REFERENCES books(id) ON DELETE CASCADE,
              started double precision NOT NULL, finished double precision, engine text NOT NULL,
              status text NOT NULL, pid integer NOT NULL, error text)
            """,
            "CREATE INDEX runs_book ON runs (book_id, id)",
            // Segments and takes: created now so the schema is whole; the store's segment operations come next
            // (docs/distributed.md). Audio lives in the row (FLAC bytea + sha256) instead of a file path.
            """
            CREATE TABLE segments (
              id bigserial PRIMARY KEY,
              book_id bigint NOT NULL REFERENCES books(id) ON DELETE CASCADE,
              key text NOT NULL, chapter integer NOT NULL, position integer NOT NULL, paragraph integer NOT NULL,
              source_text text NOT NULL, normalized_text text NOT NULL, boundary text NOT NULL, language text NOT NULL,
              state text NOT NULL, take integer NOT NULL, attempts integer NOT NULL, seed bigint NOT NULL,
              codes bytea, codes_hash text, audio_path text, audio_sha256 text, sample_count integer, sample_rate integer,
              last_error text, flag_reason text, cache_identity text NOT NULL, occurrence integer NOT NULL,
              content_id text NOT NULL, chapter_anchor text NOT NULL, cycle_start integer NOT NULL DEFAULT 1,
              qa_score double precision, qa_findings text, awaiting_recognition boolean NOT NULL DEFAULT false,
              engine_text text, rate double precision, voice text,
              audio_flac bytea,
              UNIQUE (book_id, key))
            """,
            "CREATE INDEX segments_book_state ON segments (book_id, state)",
            "CREATE INDEX segments_book_order ON segments (book_id, chapter, position)",
            """
            CREATE TABLE takes (
              segment_id bigint NOT NULL REFERENCES segments(id) ON DELETE CASCADE,
              take integer NOT NULL, seed bigint NOT NULL, audio_path text, audio_sha256 text,
              sample_count integer, sample_rate integer, score double precision NOT NULL, passed boolean NOT NULL,
              findings text NOT NULL, transcript text, word_error_rate double precision,
              audio_flac bytea,
              PRIMARY KEY (segment_id, take))
            """,
        ]),
        // Distributed rendering (docs/distributed.md): the book's planned job as a SQLite snapshot plus its inputs,
        // the segment queue with leases, results with their audio files, workers, chapter exports. v1's per-row
        // segments and takes were never used; the queue and its results replace them.
        ("v2-distributed", [
            "DROP TABLE takes",
            "DROP TABLE segments",
            "CREATE SEQUENCE lease_tokens",
            """
            ALTER TABLE books ADD COLUMN title text, ADD COLUMN engine text, ADD COLUMN settings text,
              ADD COLUMN plan_version integer NOT NULL DEFAULT 0, ADD COLUMN source_name text,
              ADD COLUMN snapshot bytea, ADD COLUMN snapshot_sha256 text
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
        // v1's per-book record tables belonged to a row-by-row store that distributed rendering does not use (each
        // book's job state travels as its SQLite snapshot; docs/distributed.md).
        ("v3-drop-record-tables", [
            "DROP TABLE runs", "DROP TABLE voices", "DROP TABLE book_exports", "DROP TABLE orphan_exports",
            "DROP TABLE chapters", "DROP TABLE book",
        ]),
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
                if migration.name == "v2-distributed" { try compressAudio(db) }
                try db.execute("INSERT INTO bookvox_migrations (name, applied) VALUES (\(migration.name), \(Date().timeIntervalSince1970))")
                db.logger.info("job store: applied migration \(migration.name)")
            }
        }
    }
}
