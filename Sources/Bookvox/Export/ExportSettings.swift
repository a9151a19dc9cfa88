// What `export` writes per chapter, and the timings file format.
import Foundation

public enum ExportFormat: String, CaseIterable, Codable, Sendable {
    case mp3, flac, wav, m4b, srt, vtt, lrc
    /// The read-along EPUB 3 (`<book>.epub`, Export/ReadAlongEPUB.swift); it holds the chapters' MP3s, so asking
    /// for it writes them too.
    case epub3

    /// Written per chapter as `chapter-NN.<ext>` (every format but m4b and epub3).
    public var isChapterFile: Bool { self != .m4b && self != .epub3 }
    /// Written for the whole book as `<book>.<ext>` (m4b, epub3 and the subtitle formats).
    public var isBookFile: Bool { self == .m4b || self == .epub3 || subtitle != nil }
    public var subtitle: SubtitleFormat? { SubtitleFormat(rawValue: rawValue) }
    /// The file name extension ("epub" for epub3).
    public var fileExtension: String { self == .epub3 ? "epub" : rawValue }
}

public struct ExportSettings: Sendable, Equatable {
    public var formats: Set<ExportFormat>
    public var bitrateKbps: Int
    /// Room tone in pauses, head and tail (`--room-tone`); nil: the project's stored setting, else −70 dBFS.
    public var roomTone: RoomToneLevel?
    /// MP3s are encoded at this rate (the master FLAC/WAV keep the engine's rate).
    public static let mp3SampleRate = 44_100
    public static let defaultBitrateKbps = 192
    public static let defaultFormats: Set<ExportFormat> = [.mp3, .flac, .m4b, .srt, .vtt]
    /// The M4B's AAC bitrate (mono); `--bitrate` is the MP3's.
    public static let m4bBitrateKbps = 64

    public init(formats: Set<ExportFormat> = ExportSettings.defaultFormats, bitrateKbps: Int = ExportSettings.defaultBitrateKbps,
                roomTone: RoomToneLevel? = nil) {
        self.formats = formats
        self.bitrateKbps = bitrateKbps
        self.roomTone = roomTone
    }

    /// LAME's CBR bitrates for 32/44.1/48 kHz MPEG-1 Layer III.
    public static let validBitrates = [32, 40, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320]
}

/// Export settings given on a command line. Unset fields keep the project's stored value; what is given is
/// stored, so later runs (`resume`, `rerender`, `render`) export the same way without the flags.
public struct ExportChanges: Sendable, Equatable {
    /// `--bitrate`.
    public var bitrateKbps: Int?
    /// Formats added to the project's (`render --wav`).
    public var addFormats: Set<ExportFormat>
    /// Formats replacing the project's (`export --format …`).
    public var formats: Set<ExportFormat>?
    /// `--room-tone`.
    public var roomTone: RoomToneLevel?

    public init(bitrateKbps: Int? = nil, addFormats: Set<ExportFormat> = [], formats: Set<ExportFormat>? = nil,
                roomTone: RoomToneLevel? = nil) {
        self.bitrateKbps = bitrateKbps
        self.addFormats = addFormats
        self.formats = formats
        self.roomTone = roomTone
    }

    public func applied(to stored: ExportSettings) -> ExportSettings {
        var s = stored
        if let bitrateKbps { s.bitrateKbps = bitrateKbps }
        if let formats { s.formats = formats }
        if let roomTone { s.roomTone = roomTone }
        s.formats.formUnion(addFormats)
        return s
    }
}

/// `chapter-NN.timings.json`: where each segment lies in the chapter's master audio.
public struct ChapterTimings: Codable, Sendable, Equatable {
    public var chapter: Int
    public var title: String
    public var sampleRate: Int
    public var totalSamples: Int
    /// Each segment's trimmed extent [startSample, endSample) in the master audio.
    public var segments: [SegmentTiming]

    /// Stable bytes: sorted keys, no timestamps.
    public func encoded() throws -> Data { try stableJSON() }
}
