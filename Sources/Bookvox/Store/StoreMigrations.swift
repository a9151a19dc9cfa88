// Schema of the job store, as GRDB migrations (append new migrations; never edit a shipped one).
import GRDB

enum StoreMigrations {
    static var migrator: DatabaseMigrator {
        var m = DatabaseMigrator()
        m.registerMigration("v1") { db in
            try db.create(table: "book") { t in
                t.column("id", .integer).primaryKey()
                t.column("title", .text).notNull()
                t.column("author", .text)
                t.column("narrator", .text)
                t.column("language", .text).notNull()
                t.column("seed", .integer).notNull()
                t.column("sourcePath", .text).notNull()
                t.column("engine", .text).notNull()
                t.column("voiceSha256", .text)
                t.column("voicePath", .text)
                t.column("bitrateKbps", .integer).notNull()
            }
            try db.create(table: "chapters") { t in
                t.column("number", .integer).primaryKey()
                t.column("title", .text).notNull()
                t.column("segmentCount", .integer).notNull()
                t.column("exportHash", .text)
            }
            try db.create(table: "segments") { t in
                t.column("key", .text).primaryKey()
                t.column("chapter", .integer).notNull().indexed()
                t.column("position", .integer).notNull()
                t.column("paragraph", .integer).notNull()
                t.column("sourceText", .text).notNull()
                t.column("normalizedText", .text).notNull()
                t.column("boundary", .text).notNull()
                t.column("language", .text).notNull()
                t.column("state", .text).notNull().indexed()
                t.column("take", .integer).notNull()
                t.column("attempts", .integer).notNull()
                t.column("seed", .integer).notNull()
                t.column("codes", .blob)
                t.column("codesHash", .text)
                t.column("audioPath", .text)
                t.column("audioSha256", .text)
                t.column("sampleCount", .integer)
                t.column("sampleRate", .integer)
                t.column("lastError", .text)
                t.column("flagReason", .text)
                t.column("cacheIdentity", .text).notNull()
            }
            try db.create(table: "voices") { t in
                t.column("sha256", .text).primaryKey()
                t.column("path", .text).notNull()
                t.column("engine", .text).notNull()
                t.column("profilePath", .text).notNull()
            }
            try db.create(table: "runs") { t in
                t.autoIncrementedPrimaryKey("id")
                t.column("started", .double).notNull()
                t.column("finished", .double)
                t.column("engine", .text).notNull()
                t.column("status", .text).notNull()
                t.column("pid", .integer).notNull()
            }
        }
        m.registerMigration("v2-engine-settings") { db in
            try db.alter(table: "book") { t in t.add(column: "engineSettings", .text) }
        }
        m.registerMigration("v3-content-identity") { db in try migrateToContentIdentity(db) }
        m.registerMigration("v4-verified-exports") { db in
            try db.alter(table: "chapters") { t in t.add(column: "exportFiles", .text) }
            try db.alter(table: "book") { t in
                t.add(column: "exportFormats", .text)
                t.add(column: "lastFailure", .text)
            }
            try db.alter(table: "runs") { t in t.add(column: "error", .text) }
        }
        m.registerMigration("v5-takes") { db in
            try db.create(table: "takes") { t in
                t.column("segmentID", .integer).notNull().references("segments", onDelete: .cascade)
                t.column("take", .integer).notNull()
                t.column("seed", .integer).notNull()
                t.column("audioPath", .text)
                t.column("audioSha256", .text)
                t.column("sampleCount", .integer)
                t.column("sampleRate", .integer)
                t.column("score", .double).notNull()
                t.column("passed", .boolean).notNull()
                t.column("findings", .text).notNull()
                t.column("transcript", .text)
                t.column("wordErrorRate", .double)
                t.column("error", .text)
                t.primaryKey(["segmentID", "take"])
            }
            try db.alter(table: "segments") { t in
                t.add(column: "cycleStart", .integer).notNull().defaults(to: 1)
                t.add(column: "qaScore", .double)
                t.add(column: "qaFindings", .text)
            }
        }
        // Broadcast-ready chapters (ACX): the book's room-tone setting, which its exports depend on.
        m.registerMigration("v6-room-tone") { db in
            try db.alter(table: "book") { t in t.add(column: "roomTone", .text) }
        }
        m.registerMigration("v7-duration-profile") { db in
            try db.alter(table: "book") { t in t.add(column: "qaProfile", .text) }
        }
        m.registerMigration("v8-recognition") { db in
            try db.alter(table: "segments") { t in t.add(column: "awaitingRecognition", .boolean).notNull().defaults(to: false) }
        }
        // v9: the hash of a chapter export's audio alone (without its number and tags), so an export whose
        // chapter moved is renamed and re-tagged instead of stitched again (Export/ExportRelabeling.swift).
        // Exports of chapter numbers an edit removed stay usable until the run after it: `orphanExports` keeps
        // their records while their files are still on disk.
        m.registerMigration("v9-export-audio-hash") { db in
            try db.alter(table: "chapters") { t in t.add(column: "exportAudioHash", .text) }
            try db.create(table: "orphanExports") { t in
                t.primaryKey("number", .integer)
                t.column("exportHash", .text)
                t.column("exportFiles", .text)
                t.column("exportAudioHash", .text)
            }
        }
        // Book-level exports (the M4B and the book's subtitles): one row per format.
        m.registerMigration("v10-book-exports") { db in
            try db.create(table: "bookExports") { t in
                t.column("format", .text).primaryKey()
                t.column("fileName", .text).notNull()
                t.column("sha256", .text).notNull()
                t.column("exportHash", .text).notNull()
            }
        }
        // EPUB input: what of the book is read (front/back matter, image alt text), so `resume` plans the same text.
        m.registerMigration("v11-reading-options") { db in
            try db.alter(table: "book") { t in t.add(column: "readingOptions", .text) }
        }
        // Pronunciation lexicon and pace (issue 16): the text the engine is given where the lexicon changed it and
        // each segment's speaking rate (NULL: the normalized text, rate 1); the book's lexicon file and pace settings.
        m.registerMigration("v12-lexicon-pace") { db in
            try db.alter(table: "segments") { t in
                t.add(column: "engineText", .text)
                t.add(column: "rate", .double)
            }
            try db.alter(table: "book") { t in
                t.add(column: "lexiconPath", .text)
                t.add(column: "pace", .text)
            }
        }
        // A cast of voices: each segment records the voice that reads it (NULL: the voice given on the command
        // line), and the book its cast (JSON of BookCast, clip paths absolute) so `resume`/`rerender` need no book file.
        m.registerMigration("v13-segment-voice") { db in
            try db.alter(table: "segments") { t in t.add(column: "voice", .text) }
            try db.alter(table: "book") { t in t.add(column: "cast", .text) }
        }
        return m
    }

    /// v3: segments get a stable row id and a content identity (Plan/SegmentIdentity.swift) instead of
    /// being keyed by position. Every row keeps its audio, take, seed, flag and codes; occurrence, content
    /// id and chapter anchor are computed from the stored texts exactly as the planner computes them, so the
    /// next plan matches every unchanged segment to its row.
    private static func migrateToContentIdentity(_ db: Database) throws {
        try db.create(table: "segments_v3") { t in
            t.autoIncrementedPrimaryKey("id")
            t.column("key", .text).notNull()
            t.column("chapter", .integer).notNull()
            t.column("position", .integer).notNull()
            t.column("paragraph", .integer).notNull()
            t.column("sourceText", .text).notNull()
            t.column("normalizedText", .text).notNull()
            t.column("boundary", .text).notNull()
            t.column("language", .text).notNull()
            t.column("state", .text).notNull()
            t.column("take", .integer).notNull()
            t.column("attempts", .integer).notNull()
            t.column("seed", .integer).notNull()
            t.column("codes", .blob)
            t.column("codesHash", .text)
            t.column("audioPath", .text)
            t.column("audioSha256", .text)
            t.column("sampleCount", .integer)
            t.column("sampleRate", .integer)
            t.column("lastError", .text)
            t.column("flagReason", .text)
            t.column("cacheIdentity", .text).notNull()
            t.column("occurrence", .integer).notNull()
            t.column("contentID", .text).notNull()
            t.column("chapterAnchor", .text).notNull()
        }
        let titles = try Row.fetchAll(db, sql: "SELECT number, title FROM chapters ORDER BY number")
        let titleOccurrences = SegmentIdentity.occurrences(of: titles.map { $0["title"] as String })
        var anchors: [Int: String] = [:]
        for (row, n) in zip(titles, titleOccurrences) {
            anchors[row["number"]] = SegmentIdentity.chapterAnchor(title: row["title"], occurrence: n)
        }
        let rows = try Row.fetchAll(db, sql: "SELECT * FROM segments ORDER BY chapter, position")
        var seen: [Int: [String: Int]] = [:]
        for row in rows {
            let chapter: Int = row["chapter"]
            let text: String = row["normalizedText"]
            let occurrence = seen[chapter, default: [:]][text, default: 0]
            seen[chapter, default: [:]][text] = occurrence + 1
            var values: [String: DatabaseValueConvertible?] = [:]
            for column in row.columnNames { values[column] = row[column] as DatabaseValue }
            values["occurrence"] = occurrence
            values["contentID"] = SegmentIdentity.contentID(normalizedText: text, occurrence: occurrence)
            values["chapterAnchor"] = anchors[chapter] ?? SegmentIdentity.chapterAnchor(title: "", occurrence: chapter)
            let columns = values.keys.sorted()
            try db.execute(sql: "INSERT INTO segments_v3 (\(columns.joined(separator: ", "))) VALUES ("
                + Array(repeating: "?", count: columns.count).joined(separator: ", ") + ")",
                arguments: StatementArguments(columns.map { values[$0]! }))
        }
        try db.drop(table: "segments")
        try db.rename(table: "segments_v3", to: "segments")
        try db.create(index: "segments_key", on: "segments", columns: ["key"])
        try db.create(index: "segments_chapter", on: "segments", columns: ["chapter", "position"])
        try db.create(index: "segments_state", on: "segments", columns: ["state"])
        try db.create(index: "segments_content", on: "segments", columns: ["contentID"])
    }
}
