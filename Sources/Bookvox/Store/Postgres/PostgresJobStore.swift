// The PostgreSQL job store: one book's job state in a database that several books (and, next, several
// workers) share; every row carries the book's `book_id`. Mirrors JobStore (SQLite) operation by operation:
// the same statements, the same transaction boundaries, the same results (StoreConformanceTests).
//
// Built so far: the BookRecordStore half (book, chapters' export records, book exports, voices, runs,
// failures). The SegmentStore half (segments and takes, with leases: docs/distributed.md) and plan sync are
// next; until then this store cannot back a render.
import Foundation
import Logging
import PostgresNIO

public final class PostgresJobStore: BookRecordStore, @unchecked Sendable {
    /// The book's key in the database (books.key): the name `submit` gives it.
    public let bookKey: String
    /// The book's row in `books`.
    public let bookID: Int64
    let db: PostgresSession

    /// Connects, migrates the database, and registers the book `bookKey` if it is new.
    public init(url: PostgresStoreURL, bookKey: String, logger: Logger = Logger(label: "bookvox.store.postgres")) throws {
        self.bookKey = bookKey
        db = try PostgresSession(url, logger: logger)
        try PostgresMigrations.migrate(db)
        bookID = try db.transaction { db in
            try db.execute("""
                INSERT INTO books (key, created) VALUES (\(bookKey), \(Date().timeIntervalSince1970))
                ON CONFLICT (key) DO NOTHING
                """)
            guard let row = try db.rows("SELECT id FROM books WHERE key = \(bookKey)").first else {
                throw PostgresStoreError.query("registering book \(bookKey)", BookvoxError.failure("no row after insert"))
            }
            return try row.decode(Int64.self)
        }
    }

    // MARK: book, chapters, exports

    public func book() throws -> BookRecord? {
        guard let row = try db.rows("SELECT * FROM book WHERE book_id = \(bookID)").first?.makeRandomAccess() else { return nil }
        var b = BookRecord(title: try row["title"].decode(String.self), author: try row["author"].decode(String?.self),
                           narrator: try row["narrator"].decode(String?.self), language: try row["language"].decode(String.self),
                           seed: try row["seed"].decode(Int64.self), sourcePath: try row["source_path"].decode(String.self),
                           engine: try row["engine"].decode(String.self), voiceSha256: try row["voice_sha256"].decode(String?.self),
                           voicePath: try row["voice_path"].decode(String?.self), bitrateKbps: try row["bitrate_kbps"].decode(Int.self))
        b.engineSettings = try row["engine_settings"].decode(String?.self)
        b.exportFormats = try row["export_formats"].decode(String?.self)
        b.lastFailure = try row["last_failure"].decode(String?.self)
        b.roomTone = try row["room_tone"].decode(String?.self)
        b.qaProfile = try row["qa_profile"].decode(String?.self)
        b.readingOptions = try row["reading_options"].decode(String?.self)
        b.lexiconPath = try row["lexicon_path"].decode(String?.self)
        b.pace = try row["pace"].decode(String?.self)
        b.cast = try row["cast_list"].decode(String?.self)
        return b
    }

    public func saveBook(_ b: BookRecord) throws {
        try db.execute("""
            INSERT INTO book (book_id, title, author, narrator, language, seed, source_path, engine, voice_sha256, voice_path,
              bitrate_kbps, engine_settings, export_formats, last_failure, room_tone, qa_profile, reading_options,
              lexicon_path, pace, cast_list)
            VALUES (\(bookID), \(b.title), \(b.author), \(b.narrator), \(b.language), \(b.seed), \(b.sourcePath), \(b.engine),
              \(b.voiceSha256), \(b.voicePath), \(b.bitrateKbps), \(b.engineSettings), \(b.exportFormats), \(b.lastFailure),
              \(b.roomTone), \(b.qaProfile), \(b.readingOptions), \(b.lexiconPath), \(b.pace), \(b.cast))
            ON CONFLICT (book_id) DO UPDATE SET title = EXCLUDED.title, author = EXCLUDED.author, narrator = EXCLUDED.narrator,
              language = EXCLUDED.language, seed = EXCLUDED.seed, source_path = EXCLUDED.source_path, engine = EXCLUDED.engine,
              voice_sha256 = EXCLUDED.voice_sha256, voice_path = EXCLUDED.voice_path, bitrate_kbps = EXCLUDED.bitrate_kbps,
              engine_settings = EXCLUDED.engine_settings, export_formats = EXCLUDED.export_formats,
              last_failure = EXCLUDED.last_failure, room_tone = EXCLUDED.room_tone, qa_profile = EXCLUDED.qa_profile,
              reading_options = EXCLUDED.reading_options, lexicon_path = EXCLUDED.lexicon_path, pace = EXCLUDED.pace,
              cast_list = EXCLUDED.cast_list
            """)
    }

    public func chapters() throws -> [ChapterRecord] {
        try db.rows("""
            SELECT number, title, segment_count, export_hash, export_files, export_audio_hash FROM chapters
            WHERE book_id = \(bookID) ORDER BY number
            """).map { row in
            let (number, title, count, hash, files, audioHash) = try row.decode((Int, String, Int, String?, String?, String?).self)
            return ChapterRecord(number: number, title: title, segmentCount: count, exportHash: hash, exportFiles: files,
                                 exportAudioHash: audioHash)
        }
    }

    public func setExport(chapter: Int, hash: String?, audioHash: String?, files: [String: String]) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        let json = String(decoding: try encoder.encode(files), as: UTF8.self)
        try db.execute("""
            UPDATE chapters SET export_hash = \(hash), export_files = \(json), export_audio_hash = \(audioHash)
            WHERE book_id = \(bookID) AND number = \(chapter)
            """)
    }

    public func setExportAudioHash(chapter: Int, _ hash: String) throws {
        try db.execute("UPDATE chapters SET export_audio_hash = \(hash) WHERE book_id = \(bookID) AND number = \(chapter)")
    }

    public func orphanExports() throws -> [OrphanExportRecord] {
        try db.rows("""
            SELECT number, export_hash, export_files, export_audio_hash FROM orphan_exports WHERE book_id = \(bookID) ORDER BY number
            """).map { row in
            let (number, hash, files, audioHash) = try row.decode((Int, String?, String?, String?).self)
            return OrphanExportRecord(number: number, exportHash: hash, exportFiles: files, exportAudioHash: audioHash)
        }
    }

    public func removeOrphanExports(_ numbers: [Int]? = nil) throws {
        if let numbers {
            try db.execute("DELETE FROM orphan_exports WHERE book_id = \(bookID) AND number = ANY(\(numbers))")
        } else {
            try db.execute("DELETE FROM orphan_exports WHERE book_id = \(bookID)")
        }
    }

    public func bookExports() throws -> [BookExportRecord] {
        try db.rows("SELECT format, file_name, sha256, export_hash FROM book_exports WHERE book_id = \(bookID) ORDER BY format")
            .map { row in
                let (format, name, sha, hash) = try row.decode((String, String, String, String).self)
                return BookExportRecord(format: format, fileName: name, sha256: sha, exportHash: hash)
            }
    }

    public func setBookExports(_ records: [BookExportRecord]) throws {
        try db.transaction { db in
            try db.execute("DELETE FROM book_exports WHERE book_id = \(bookID)")
            for r in records {
                try db.execute("""
                    INSERT INTO book_exports (book_id, format, file_name, sha256, export_hash)
                    VALUES (\(bookID), \(r.format), \(r.fileName), \(r.sha256), \(r.exportHash))
                    """)
            }
        }
    }

    // MARK: voices, runs, failures

    public func voice(sha256: String) throws -> VoiceRecord? {
        try db.rows("SELECT sha256, path, engine, profile_path FROM voices WHERE book_id = \(bookID) AND sha256 = \(sha256)")
            .first.map { row in
                let (sha, path, engine, profile) = try row.decode((String, String, String, String).self)
                return VoiceRecord(sha256: sha, path: path, engine: engine, profilePath: profile)
            }
    }

    public func saveVoice(_ v: VoiceRecord) throws {
        try db.execute("""
            INSERT INTO voices (book_id, sha256, path, engine, profile_path) VALUES (\(bookID), \(v.sha256), \(v.path), \(v.engine), \(v.profilePath))
            ON CONFLICT (book_id, sha256) DO UPDATE SET path = EXCLUDED.path, engine = EXCLUDED.engine, profile_path = EXCLUDED.profile_path
            """)
    }

    public func startRun(engine: String) throws -> Int64 {
        guard let row = try db.rows("""
            INSERT INTO runs (book_id, started, engine, status, pid) VALUES (\(bookID), \(Date().timeIntervalSince1970), \(engine), 'running', \(getpid()))
            RETURNING id
            """).first else { throw PostgresStoreError.query("starting a run", BookvoxError.failure("no id returned")) }
        return try row.decode(Int64.self)
    }

    public func finishRun(_ id: Int64, status: String, error: String? = nil) throws {
        try db.execute("""
            UPDATE runs SET finished = \(Date().timeIntervalSince1970), status = \(status), error = \(error)
            WHERE book_id = \(bookID) AND id = \(id)
            """)
    }

    public func runs() throws -> [RunRecord] {
        try db.rows("SELECT id, started, finished, engine, status, pid, error FROM runs WHERE book_id = \(bookID) ORDER BY id")
            .map { row in
                let (id, started, finished, engine, status, pid, error) = try row.decode((Int64, Double, Double?, String, String, Int32, String?).self)
                return RunRecord(id: id, started: started, finished: finished, engine: engine, status: status, pid: pid, error: error)
            }
    }

    /// Best effort, as in JobStore.
    public func recordFailure(_ failure: ProjectFailure) {
        try? db.execute("UPDATE book SET last_failure = \(failure.json) WHERE book_id = \(bookID)")
    }

    /// Forgets the last failure, or only one of `kinds`: read and clear in one transaction, the row locked.
    public func clearFailure(kinds: Set<ProjectFailure.Kind>? = nil) {
        try? db.transaction { db in
            if let kinds {
                let text = try db.rows("SELECT last_failure FROM book WHERE book_id = \(bookID) FOR UPDATE").first?.decode(String?.self)
                guard let current = ProjectFailure.decode(text ?? nil), kinds.contains(current.kind) else { return }
            }
            try db.execute("UPDATE book SET last_failure = NULL WHERE book_id = \(bookID)")
        }
    }
}
