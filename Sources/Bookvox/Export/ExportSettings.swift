// What `export` writes per chapter, and the timings file format.
import Foundation

public enum ExportFormat: String, CaseIterable, Codable, Sendable {
    case mp3, flac, wav
}

public struct ExportSettings: Sendable, Equatable {
    public var formats: Set<ExportFormat>
    public var bitrateKbps: Int
    /// Room tone in pauses, head and tail (`--room-tone`); nil: the project's stored setting, else −70 dBFS.
    public var roomTone: RoomToneLevel?
    /// MP3s are encoded at this rate (the master FLAC/WAV keep the engine's rate).
    public static let mp3SampleRate = 44_100
    public static let defaultBitrateKbps = 192
    public static let defaultFormats: Set<ExportFormat> = [.mp3, .flac]

    public init(formats: Set<ExportFormat> = ExportSettings.defaultFormats, bitrateKbps: Int = ExportSettings.defaultBitrateKbps,
                roomTone: RoomToneLevel? = nil) {
        self.formats = formats
        self.bitrateKbps = bitrateKbps
        self.roomTone = roomTone
    }

    /// LAME's CBR bitrates for 32/44.1/48 kHz MPEG-1 Layer III.
    public static let validBitrates = [32, 40, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320]
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
    public func encoded() throws -> Data {
        let enc = JSONEncoder()
        enc.outputFormatting = [.sortedKeys, .prettyPrinted]
        var d = try enc.encode(self)
        d.append(0x0A)
        return d
    }
}
