// Row types of the job store (one SQLite database per book project). Schema: Store/StoreMigrations.swift.
import Foundation
import GRDB

public enum SegmentState: String, Codable, Sendable, CaseIterable, DatabaseValueConvertible {
    /// Not synthesized yet (or its audio did not verify and was re-queued).
    case pending
    /// Codes stored; audio not rendered yet.
    case generated
    /// Audio file written, synced and recorded with its sha256.
    case rendered
    /// Every allowed take failed; `lastError` says why.
    case failed
    /// Rendered, but marked by the user for review (`bookvox flag`); still exported.
    case flagged

    /// The segment has verified audio that export may use.
    public var hasAudio: Bool { self == .rendered || self == .flagged }
}

public struct BookRecord: Codable, Sendable, FetchableRecord, PersistableRecord {
    public static let databaseTableName = "book"
    public var id: Int64 = 1
    public var title: String
    public var author: String?
    public var narrator: String?
    public var language: String
    /// Book seed (UInt64 stored by bit pattern).
    public var seed: Int64
    public var sourcePath: String
    public var engine: String
    public var voiceSha256: String?
    public var voicePath: String?
    public var bitrateKbps: Int
    /// JSON of the EngineOptions the book is rendered with (nil in projects made before they were stored).
    public var engineSettings: String?
    /// Room tone of the exports (`--room-tone`: "off" or a level in dBFS, see RoomToneLevel); nil: the default.
    public var roomTone: String? = nil

    public init(title: String, author: String?, narrator: String?, language: String, seed: Int64, sourcePath: String,
                engine: String, voiceSha256: String?, voicePath: String?, bitrateKbps: Int, engineSettings: EngineOptions? = nil) {
        self.title = title
        self.author = author
        self.narrator = narrator
        self.language = language
        self.seed = seed
        self.sourcePath = sourcePath
        self.engine = engine
        self.voiceSha256 = voiceSha256
        self.voicePath = voicePath
        self.bitrateKbps = bitrateKbps
        self.storedEngineSettings = engineSettings
    }

    public var bookSeed: UInt64 { UInt64(bitPattern: seed) }

    /// `engineSettings` decoded (nil when absent or unreadable).
    public var storedEngineSettings: EngineOptions? {
        get { engineSettings.flatMap { try? JSONDecoder().decode(EngineOptions.self, from: Data($0.utf8)) } }
        set {
            let encoder = JSONEncoder()
            encoder.outputFormatting = .sortedKeys
            engineSettings = newValue.flatMap { try? encoder.encode($0) }.map { String(decoding: $0, as: UTF8.self) }
        }
    }
}

public struct ChapterRecord: Codable, Sendable, FetchableRecord, PersistableRecord {
    public static let databaseTableName = "chapters"
    public var number: Int
    public var title: String
    public var segmentCount: Int
    /// Hash of everything the chapter's exports depend on; nil until exported.
    public var exportHash: String?
}

public struct SegmentRecord: Codable, Sendable, FetchableRecord, PersistableRecord {
    public static let databaseTableName = "segments"
    public var key: String
    public var chapter: Int
    public var index: Int
    public var paragraph: Int
    public var sourceText: String
    public var normalizedText: String
    public var boundary: String
    public var language: String
    public var state: SegmentState
    /// Take number (1-based); the seed derives from (book seed, key, take).
    public var take: Int
    /// Synthesis attempts made for this segment over all takes.
    public var attempts: Int
    public var seed: Int64
    public var codes: Data?
    public var codesHash: String?
    /// Audio file relative to the project root.
    public var audioPath: String?
    public var audioSha256: String?
    public var sampleCount: Int?
    public var sampleRate: Int?
    public var lastError: String?
    public var flagReason: String?
    public var cacheIdentity: String

    enum CodingKeys: String, CodingKey {
        case key, chapter, index = "position", paragraph, sourceText, normalizedText, boundary, language, state
        case take, attempts, seed, codes, codesHash, audioPath, audioSha256, sampleCount, sampleRate
        case lastError, flagReason, cacheIdentity
    }

    public var segmentSeed: UInt64 { UInt64(bitPattern: seed) }
    public var duration: Double? {
        guard let n = sampleCount, let r = sampleRate, r > 0 else { return nil }
        return Double(n) / Double(r)
    }
}

public struct VoiceRecord: Codable, Sendable, FetchableRecord, PersistableRecord {
    public static let databaseTableName = "voices"
    public var sha256: String
    public var path: String
    public var engine: String
    public var profilePath: String
}

public struct RunRecord: Codable, Sendable, FetchableRecord, MutablePersistableRecord {
    public static let databaseTableName = "runs"
    public var id: Int64?
    public var started: Double
    public var finished: Double?
    public var engine: String
    public var status: String
    public var pid: Int32

    public mutating func didInsert(_ inserted: InsertionSuccess) { id = inserted.rowID }
}
