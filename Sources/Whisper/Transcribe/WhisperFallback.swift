// openai-whisper transcribe.py decode_with_fallback and the no-speech skip:
//   a decode needs a fallback (the next temperature) when its compression ratio > compression_ratio_threshold
//   (too repetitive) or its avg_logprob < logprob_threshold (too unlikely), unless its no-speech probability
//   > no_speech_threshold with avg_logprob < logprob_threshold (silence); the last temperature's result is kept.
//   A window is skipped as silence when no_speech_prob > no_speech_threshold, unless avg_logprob > logprob_threshold.
// A nil threshold disables its rule, as None does in the original.
import Foundation

public struct WhisperFallback: Sendable, Equatable {
    public var temperatures: [Double]
    public var compressionRatioThreshold: Double?
    public var logprobThreshold: Double?
    public var noSpeechThreshold: Double?

    public init(temperatures: [Double], compressionRatioThreshold: Double?, logprobThreshold: Double?, noSpeechThreshold: Double?) {
        self.temperatures = temperatures
        self.compressionRatioThreshold = compressionRatioThreshold
        self.logprobThreshold = logprobThreshold
        self.noSpeechThreshold = noSpeechThreshold
    }

    public func needsFallback(compressionRatio: Double, avgLogprob: Double, noSpeechProb: Double) -> Bool {
        var needs = false
        if let c = compressionRatioThreshold, compressionRatio > c { needs = true }
        if let l = logprobThreshold, avgLogprob < l { needs = true }
        if let n = noSpeechThreshold, noSpeechProb > n, let l = logprobThreshold, avgLogprob < l { needs = false }
        return needs
    }

    public func shouldSkip(avgLogprob: Double, noSpeechProb: Double) -> Bool {
        guard let n = noSpeechThreshold else { return false }
        var skip = noSpeechProb > n
        if let l = logprobThreshold, avgLogprob > l { skip = false }
        return skip
    }

    /// Decodes at each temperature until one passes; returns the kept result and the temperatures tried.
    public func decode(_ attempt: (Double) throws -> WhisperDecodingResult) throws -> (result: WhisperDecodingResult, tried: [Double]) {
        guard !temperatures.isEmpty else { throw WhisperError.input("no temperatures to decode with") }
        var tried: [Double] = []
        var last: WhisperDecodingResult?
        for t in temperatures {
            let r = try attempt(t)
            tried.append(t)
            last = r
            if !needsFallback(compressionRatio: r.compressionRatio, avgLogprob: r.avgLogprob, noSpeechProb: r.noSpeechProb) { break }
        }
        return (last!, tried)
    }
}
