// What transcribe() returns (openai-whisper transcribe.py's result dict as types), plus the per-window decode
// results the quality checks read (avg log probability, no-speech probability, compression ratio, temperature).
import Foundation

public struct WhisperWord: Sendable, Equatable {
    public var word: String
    public var start: Double
    public var end: Double
    public var probability: Double
}

public struct WhisperSegment: Sendable, Equatable {
    public var id: Int
    /// Mel frame of the window this segment was decoded in.
    public var seek: Int
    public var start: Double
    public var end: Double
    public var text: String
    public var tokens: [Int]
    public var temperature: Double
    public var avgLogprob: Double
    public var compressionRatio: Double
    public var noSpeechProb: Double
    /// Word timings (nil when word timestamps were off).
    public var words: [WhisperWord]?
}

/// One 30 s window: where it started, how many content frames it covered, the temperatures tried and the decode kept.
public struct WhisperWindow: Sendable, Equatable {
    public var seek: Int
    public var frames: Int
    public var temperaturesTried: [Double]
    public var result: WhisperDecodingResult
    /// True when the window was skipped as silence (no-speech probability above the threshold, low log probability).
    public var skippedAsSilence: Bool
}

public struct WhisperTranscript: Sendable, Equatable {
    public var text: String
    public var segments: [WhisperSegment]
    public var language: String
    public var windows: [WhisperWindow]

    /// Every segment's words, in order.
    public var words: [WhisperWord] { segments.flatMap { $0.words ?? [] } }
    /// Every segment's tokens (text and timestamps), in order.
    public var tokens: [Int] { segments.flatMap(\.tokens) }
    /// Lowest average log probability of the kept window decodes (nil without windows).
    public var minAvgLogprob: Double? { windows.filter { !$0.skippedAsSilence }.map(\.result.avgLogprob).min() }
    /// Highest no-speech probability of the windows.
    public var maxNoSpeechProb: Double? { windows.map(\.result.noSpeechProb).max() }
    /// Highest compression ratio of the kept window decodes.
    public var maxCompressionRatio: Double? { windows.filter { !$0.skippedAsSilence }.map(\.result.compressionRatio).max() }
    /// Highest temperature any window needed.
    public var maxTemperature: Double? { windows.map(\.result.temperature).max() }
}
