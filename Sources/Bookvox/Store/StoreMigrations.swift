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
        // Broadcast-ready chapters (ACX): the book's room-tone setting, which its exports depend on.
        m.registerMigration("v3-chapter-acx") { db in
            try db.alter(table: "book") { t in t.add(column: "roomTone", .text) }
        }
        return m
    }
}
