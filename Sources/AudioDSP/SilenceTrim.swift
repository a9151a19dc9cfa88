// Trims leading and trailing silence down to a bounded pad.
//
// "Silence" is relative to the clip's own peak: a sample counts as sound when
// |x| ≥ peak · 10^(thresholdDB / 20) (default −40 dB below the peak). Everything before the
// first sound sample and after the last one is silence; at most `padSeconds` of it is kept
// on each side (less if the clip has less). A clip with no sound at all (all zeros) trims
// to nothing.
import Foundation

public struct SilenceTrimSettings: Sendable, Equatable, Codable {
    /// Level, in dB relative to the clip's peak, below which samples count as silence.
    public var thresholdDB: Double
    /// Silence kept before the first and after the last sound sample, in seconds.
    public var padSeconds: Double

    public init(thresholdDB: Double = -40, padSeconds: Double = 0.05) {
        self.thresholdDB = thresholdDB
        self.padSeconds = padSeconds
    }
}

public enum SilenceTrim {
    /// The half-open sample range to keep.
    public static func keptRange(_ buffer: AudioBuffer, settings: SilenceTrimSettings = .init()) -> Range<Int> {
        let s = buffer.samples
        var peak: Float = 0
        for x in s { peak = max(peak, abs(x)) }
        guard peak > 0 else { return 0..<0 }
        let threshold = peak * Float(pow(10, settings.thresholdDB / 20))
        guard let first = s.firstIndex(where: { abs($0) >= threshold }),
              let last = s.lastIndex(where: { abs($0) >= threshold }) else { return 0..<0 }
        let pad = max(0, Int((settings.padSeconds * Double(buffer.sampleRate)).rounded()))
        return max(0, first - pad)..<min(s.count, last + 1 + pad)
    }

    /// `buffer` with its leading and trailing silence cut to at most the pad.
    public static func trim(_ buffer: AudioBuffer, settings: SilenceTrimSettings = .init()) -> AudioBuffer {
        let r = keptRange(buffer, settings: settings)
        return AudioBuffer(samples: Array(buffer.samples[r]), sampleRate: buffer.sampleRate)
    }
}
