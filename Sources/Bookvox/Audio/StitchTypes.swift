// Inputs and outputs of the chapter stitcher.
import AudioDSP
import Foundation
import TextFrontend

/// One segment's rendered audio and the boundary that follows it.
public struct StitchSegment: Sendable {
    public var key: String
    public var audio: AudioBuffer
    /// A `Boundary` raw value ("clause", "sentence", "paragraph", "scene", "chapter").
    public var boundary: String

    public init(key: String, audio: AudioBuffer, boundary: Boundary) {
        self.init(key: key, audio: audio, boundary: boundary.rawValue)
    }

    /// For boundaries read back from the job store as text; validated by the stitcher.
    public init(key: String, audio: AudioBuffer, boundary: String) {
        self.key = key
        self.audio = audio
        self.boundary = boundary
    }
}

/// Where one segment's (trimmed) audio lies in the chapter: samples [startSample, endSample).
public struct SegmentTiming: Codable, Sendable, Equatable {
    public var key: String
    public var startSample: Int
    public var endSample: Int

    public init(key: String, startSample: Int, endSample: Int) {
        self.key = key
        self.startSample = startSample
        self.endSample = endSample
    }
}

public struct StitchedChapter: Sendable {
    /// The chapter, leveled (pre-gain + limiter) when the settings name a loudness target.
    public var audio: AudioBuffer
    public var timings: [SegmentTiming]
    /// The pre-gain applied to the whole chapter before the limiter (0 when normalization is off or
    /// the chapter is silent).
    public var gainDB: Double
    /// Loudness and true peak of the stitched chapter before the gain (nil when normalization is off).
    public var measuredLUFS: Double?
    public var measuredTruePeakDBTP: Double?
    /// The limiter's deepest gain reduction (dB, ≥ 0; 0 when it never acted).
    public var limiterReductionDB: Double = 0
    /// libebur128's loudness and true peak of `audio` (room tone included; nil when normalization is off).
    public var outputLUFS: Double?
    public var outputTruePeakDBTP: Double?
}

public enum StitchError: Error, CustomStringConvertible, Equatable {
    case noSegments
    case unknownBoundary(key: String, value: String)
    case invalidSampleRate(key: String, rate: Int)

    public var description: String {
        switch self {
        case .noSegments:
            return "cannot stitch a chapter with no segments"
        case let .unknownBoundary(k, v):
            return "segment \(k) has boundary '\(v)'; expected one of "
                + Boundary.allCases.map(\.rawValue).joined(separator: ", ") + ". Re-plan the book (bookvox render) to refresh it."
        case let .invalidSampleRate(k, r):
            return "segment \(k) audio has sample rate \(r) Hz; expected a positive rate. Re-render it with `bookvox rerender \(k)`."
        }
    }
}
