// openai-whisper transcribe() keyword arguments, with its defaults.
import Foundation

public struct WhisperTranscribeOptions: Sendable, Equatable {
    /// Tried in order until a decode passes the thresholds (decode_with_fallback).
    public var temperatures: [Double] = [0.0, 0.2, 0.4, 0.6, 0.8, 1.0]
    public var compressionRatioThreshold: Double? = 2.4
    public var logprobThreshold: Double? = -1.0
    public var noSpeechThreshold: Double? = 0.6
    public var conditionOnPreviousText = true
    public var initialPrompt: String?
    public var carryInitialPrompt = false
    public var wordTimestamps = false
    public var prependPunctuations = "\"'“¿([{-"
    public var appendPunctuations = "\"'.。,，!！?？:：”)]}、"
    /// start,end,start,end,… seconds of the clips to process; the last end defaults to the end of the audio.
    public var clipTimestamps: [Double] = [0]
    public var hallucinationSilenceThreshold: Double?
    /// Per-decode options (language, task, best_of, suppression, …); temperature is set per try.
    public var decode = WhisperDecodingOptions()
    /// Seed of the RNG that temperature > 0 sampling draws from (bookvox derives it from the segment).
    public var seed: UInt64 = 0

    public init() {}

    var fallback: WhisperFallback {
        WhisperFallback(temperatures: temperatures, compressionRatioThreshold: compressionRatioThreshold,
                        logprobThreshold: logprobThreshold, noSpeechThreshold: noSpeechThreshold)
    }
}
