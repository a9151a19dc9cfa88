// Row types of the job store (one SQLite database per book project). Schema: Store/StoreMigrations.swift.
import Foundation
import GRDB
import TextFrontend

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
    /// Export formats the project writes, comma-separated ("flac,mp3"); nil = the defaults.
    public var exportFormats: String?
    /// JSON of the last failure (ProjectFailure) until a later run succeeds; shown by `status`.
    public var lastFailure: String?
    /// Room tone of the exports (`--room-tone`: "off" or a level in dBFS, see RoomToneLevel); nil: the default.
    public var roomTone: String? = nil
    /// JSON of the DurationProfile learned from the book's accepted segments (QA/DurationProfile.swift).
    public var qaProfile: String? = nil
    /// JSON of the BookReadingOptions the book is planned with (nil: the defaults).
    public var readingOptions: String? = nil
    /// The lexicon file given with `--lexicon` (absolute; nil: `lexicon.yaml` next to the book, when there is one).
    public var lexiconPath: String? = nil
    /// JSON of the StoredPace (pauses and rate from the front matter and the command line; nil: none set).
    public var pace: String? = nil
    /// JSON of the book's cast of voices (BookCast; nil: one voice, `--voice`).
    public var cast: String? = nil

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

    /// The export settings the project remembers (the defaults' formats when none were stored).
    public var storedExportSettings: ExportSettings {
        let formats = exportFormats.map { Set($0.split(separator: ",").compactMap { ExportFormat(rawValue: String($0)) }) }
        return ExportSettings(formats: formats.flatMap { $0.isEmpty ? nil : $0 } ?? ExportSettings.defaultFormats,
                              bitrateKbps: bitrateKbps, roomTone: roomToneLevel)
    }

    /// Stores `settings` as the project's export settings.
    public mutating func remember(_ settings: ExportSettings) {
        bitrateKbps = settings.bitrateKbps
        exportFormats = settings.formats.map(\.rawValue).sorted().joined(separator: ",")
        if let tone = settings.roomTone { roomToneLevel = tone }
    }

    /// `readingOptions` decoded (the defaults when absent or unreadable).
    public var storedReadingOptions: BookReadingOptions {
        get { readingOptions.flatMap { try? JSONDecoder().decode(BookReadingOptions.self, from: Data($0.utf8)) } ?? .init() }
        set {
            let encoder = JSONEncoder()
            encoder.outputFormatting = .sortedKeys
            readingOptions = newValue == .init() ? nil
                : (try? encoder.encode(newValue)).map { String(decoding: $0, as: UTF8.self) }
        }
    }

    /// `pace` decoded (empty when absent or unreadable).
    public var storedPace: StoredPace {
        get { pace.flatMap { try? JSONDecoder().decode(StoredPace.self, from: Data($0.utf8)) } ?? StoredPace() }
        set {
            let encoder = JSONEncoder()
            encoder.outputFormatting = .sortedKeys
            pace = newValue == StoredPace() ? nil : (try? encoder.encode(newValue)).map { String(decoding: $0, as: UTF8.self) }
        }
    }

    /// `cast` decoded (nil when absent or unreadable).
    public var storedCast: BookCast? {
        get { cast.flatMap { try? JSONDecoder().decode(BookCast.self, from: Data($0.utf8)) } }
        set {
            let encoder = JSONEncoder()
            encoder.outputFormatting = .sortedKeys
            cast = newValue.flatMap { try? encoder.encode($0) }.map { String(decoding: $0, as: UTF8.self) }
        }
    }

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
    /// sha256 of each export file written for `exportHash`, by extension (JSON object); nil until exported.
    public var exportFiles: String?
    /// Hash of the exported audio alone: `exportHash` less the chapter's number and tags (nil before v9).
    public var exportAudioHash: String?

    public init(number: Int, title: String, segmentCount: Int, exportHash: String? = nil, exportFiles: String? = nil,
                exportAudioHash: String? = nil) {
        self.number = number
        self.title = title
        self.segmentCount = segmentCount
        self.exportHash = exportHash
        self.exportFiles = exportFiles
        self.exportAudioHash = exportAudioHash
    }

    /// `exportFiles` decoded: extension ("mp3", "timings.json") → sha256.
    public var exportFileHashes: [String: String] { Self.decodeFileHashes(exportFiles) }

    static func decodeFileHashes(_ json: String?) -> [String: String] {
        json.flatMap { try? JSONDecoder().decode([String: String].self, from: Data($0.utf8)) } ?? [:]
    }
}

/// The export record of a chapter number the book no longer has, while its files may still be on disk
/// (Export/ExportRelabeling.swift moves them to the chapter's new number).
public struct OrphanExportRecord: Codable, Sendable, FetchableRecord, PersistableRecord {
    public static let databaseTableName = "orphanExports"
    public var number: Int
    public var exportHash: String?
    public var exportFiles: String?
    public var exportAudioHash: String?

    /// `exportFiles` decoded, as `ChapterRecord.exportFileHashes`.
    public var exportFileHashes: [String: String] { ChapterRecord.decodeFileHashes(exportFiles) }
}

/// One book-level export file (`export/<book>.m4b`, `.srt`, …): its name, sha256 when written, and the hash of
/// everything it depends on (Export/BookExporter).
public struct BookExportRecord: Codable, Sendable, Equatable, FetchableRecord, PersistableRecord {
    public static let databaseTableName = "bookExports"
    /// An ExportFormat raw value.
    public var format: String
    public var fileName: String
    public var sha256: String
    public var exportHash: String

    public init(format: String, fileName: String, sha256: String, exportHash: String) {
        self.format = format
        self.fileName = fileName
        self.sha256 = sha256
        self.exportHash = exportHash
    }
}

public struct SegmentRecord: Codable, Sendable, FetchableRecord, MutablePersistableRecord {
    public static let databaseTableName = "segments"
    /// Row id: stable for the life of the segment whatever its key becomes (never reused).
    public var id: Int64?
    /// Human address "chapter.index" in the current plan; recomputed on every plan.
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
    /// Occurrence of the normalized text within its chapter (SegmentIdentity).
    public var occurrence: Int
    /// Content-stable identity; the seed of every take derives from it.
    public var contentID: String
    /// The chapter's anchor when the segment was last planned (guides re-matching after edits).
    public var chapterAnchor: String
    /// First take of the current round of takes (1, or the take a `rerender` started): at most
    /// `QASettings.maxTakes` takes from here, then the best one is kept.
    public var cycleStart: Int = 1
    /// Score of the kept take (0 = every check passed; lower is better) and its findings (JSON), nil until checked.
    public var qaScore: Double? = nil
    public var qaFindings: String? = nil
    /// The kept take passed its signal checks and waits for the word check (speech recognition), which runs
    /// per chapter over several segments at once (QA/RecognitionPass.swift).
    public var awaitingRecognition: Bool = false
    /// The text the engine is given, where the pronunciation lexicon changed `normalizedText` (nil: that text).
    public var engineText: String? = nil
    /// Speaking rate of the segment (nil: 1, the engine's natural pace).
    public var rate: Double? = nil
    /// The cast voice that reads the segment (the cast's default voice included); nil: the voice of `--voice`.
    public var voice: String? = nil

    enum CodingKeys: String, CodingKey {
        case id, key, chapter, index = "position", paragraph, sourceText, normalizedText, boundary, language, state
        case take, attempts, seed, codes, codesHash, audioPath, audioSha256, sampleCount, sampleRate
        case lastError, flagReason, cacheIdentity, occurrence, contentID, chapterAnchor, cycleStart, qaScore, qaFindings
        case awaitingRecognition, engineText, rate, voice
    }

    /// The text the engine is given.
    public var textForEngine: String { engineText ?? normalizedText }
    /// The speaking rate the segment is rendered at.
    public var speakingRate: Double { rate ?? 1 }

    /// The kept take's findings (empty when it passed or was not checked).
    public var findings: [QAFinding] {
        qaFindings.flatMap { try? JSONDecoder().decode([QAFinding].self, from: Data($0.utf8)) } ?? []
    }

    public mutating func didInsert(_ inserted: InsertionSuccess) { id = inserted.rowID }

    /// Stable row id (every stored segment has one).
    public var rowID: Int64 { id ?? -1 }

    /// Back to `pending` at take 1 with `seed`, dropping codes, audio and flag (what they describe is stale).
    mutating func resetForSynthesis(seed: UInt64) {
        state = .pending
        take = 1
        cycleStart = 1
        qaScore = nil
        qaFindings = nil
        awaitingRecognition = false
        self.seed = Int64(bitPattern: seed)
        codes = nil
        codesHash = nil
        audioPath = nil
        audioSha256 = nil
        sampleCount = nil
        sampleRate = nil
        lastError = nil
        flagReason = nil
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
    /// Why the run failed (nil while running or when it succeeded).
    public var error: String?

    public mutating func didInsert(_ inserted: InsertionSuccess) { id = inserted.rowID }
}

/// One take of a segment: its audio (nil when the engine failed), its checks and score.
public struct TakeRecord: Codable, Sendable, Equatable, FetchableRecord, PersistableRecord {
    public static let databaseTableName = "takes"
    public var segmentID: Int64
    public var take: Int
    public var seed: Int64
    public var audioPath: String?
    public var audioSha256: String?
    public var sampleCount: Int?
    public var sampleRate: Int?
    /// 0 when every check passed; lower is better (TakeAssessment.score).
    public var score: Double
    public var passed: Bool
    /// JSON array of QAFinding.
    public var findings: String
    /// What speech recognition heard, and the word error rate against the text (nil without recognition).
    public var transcript: String?
    public var wordErrorRate: Double?
    /// The engine error of a take that produced no audio.
    public var error: String?

    public var decodedFindings: [QAFinding] {
        (try? JSONDecoder().decode([QAFinding].self, from: Data(findings.utf8))) ?? []
    }
}
