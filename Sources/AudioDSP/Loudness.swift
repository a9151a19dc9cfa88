// Loudness measurement (ITU-R BS.1770-4 / EBU R128) through libebur128, and the
// normalization gain for a loudness target.
//
// A mono buffer is measured as one channel with weight 1.0 (BS.1770's mono rule), so a
// full-scale 1 kHz sine reads ≈ −3.01 LUFS. True peak uses libebur128's 4× oversampling
// (EBUR128_MODE_TRUE_PEAK). Audio shorter than one 400 ms gating block, or entirely below
// the −70 LUFS absolute gate, has no integrated loudness: it measures −∞.
import CEbur128
import Foundation

public enum LoudnessError: Error, CustomStringConvertible {
    case invalidSampleRate(Int)
    case library(call: String, code: Int32)

    public var description: String {
        switch self {
        case let .invalidSampleRate(r): return "cannot measure loudness at \(r) Hz: the sample rate must be positive"
        case let .library(call, code): return "libebur128 \(call) failed with code \(code)"
        }
    }
}

/// A book-wide loudness target.
public struct LoudnessTarget: Sendable, Equatable, Codable {
    /// Integrated loudness to aim for, in LUFS.
    public var integratedLUFS: Double
    /// Highest allowed true peak after the gain, in dBTP.
    public var truePeakCeilingDBTP: Double

    public init(integratedLUFS: Double = -19, truePeakCeilingDBTP: Double = -3) {
        self.integratedLUFS = integratedLUFS
        self.truePeakCeilingDBTP = truePeakCeilingDBTP
    }

    /// −19 LUFS integrated, true peak ≤ −3 dBTP (spoken-word mono).
    public static let audiobook = LoudnessTarget()
}

public enum Loudness {
    /// Integrated loudness (LUFS) and true peak (dBTP) of `buffer`; either is −∞ for silence.
    public static func measure(_ buffer: AudioBuffer) throws -> (integratedLUFS: Double, truePeakDBTP: Double) {
        try measure(buffer, truePeak: true)
    }

    /// As `measure(_:)`; `truePeak: false` skips the (costlier) true-peak meter and reports it as NaN.
    public static func measure(_ buffer: AudioBuffer, truePeak: Bool) throws -> (integratedLUFS: Double, truePeakDBTP: Double) {
        guard buffer.sampleRate > 0 else { throw LoudnessError.invalidSampleRate(buffer.sampleRate) }
        let mode = Int32(EBUR128_MODE_I.rawValue | (truePeak ? EBUR128_MODE_TRUE_PEAK.rawValue : 0))
        var handle: UnsafeMutablePointer<ebur128_state>? = ebur128_init(1, UInt(buffer.sampleRate), mode)
        guard let state = handle else { throw LoudnessError.library(call: "ebur128_init", code: -1) }
        defer { ebur128_destroy(&handle) }

        let block = 1 << 16
        var offset = 0
        while offset < buffer.samples.count {
            let n = min(block, buffer.samples.count - offset)
            let rc = buffer.samples.withUnsafeBufferPointer { ebur128_add_frames_float(state, $0.baseAddress! + offset, n) }
            guard rc == Int32(EBUR128_SUCCESS.rawValue) else { throw LoudnessError.library(call: "ebur128_add_frames_float", code: rc) }
            offset += n
        }
        var integrated = -Double.infinity
        let rcI = ebur128_loudness_global(state, &integrated)
        guard rcI == Int32(EBUR128_SUCCESS.rawValue) else { throw LoudnessError.library(call: "ebur128_loudness_global", code: rcI) }
        guard truePeak else { return (integrated.isFinite ? integrated : -Double.infinity, .nan) }
        var peak = 0.0
        let rcP = ebur128_true_peak(state, 0, &peak)
        guard rcP == Int32(EBUR128_SUCCESS.rawValue) else { throw LoudnessError.library(call: "ebur128_true_peak", code: rcP) }
        let peakDB = peak > 0 ? 20 * log10(peak) : -Double.infinity
        return (integrated.isFinite ? integrated : -Double.infinity, peakDB)
    }

    /// Gain in dB that brings audio with the measured loudness and true peak to `target`.
    ///
    /// The gain is the smaller of
    ///   * the loudness gain  `target.integratedLUFS − integratedLUFS`, and
    ///   * the peak-limited gain `target.truePeakCeilingDBTP − truePeakDBTP`,
    /// so the result never pushes the true peak over the ceiling; when the peak limit wins,
    /// the audio ends up quieter than the loudness target (no limiter or compressor is applied).
    /// Silence (−∞ loudness) gets 0 dB: there is nothing to normalize.
    public static func normalizationGainDB(integratedLUFS: Double, truePeakDBTP: Double,
                                           target: LoudnessTarget = .audiobook) -> Double {
        guard integratedLUFS.isFinite else { return 0 }
        let loudnessGain = target.integratedLUFS - integratedLUFS
        guard truePeakDBTP.isFinite else { return loudnessGain }
        let peakGain = target.truePeakCeilingDBTP - truePeakDBTP
        return min(loudnessGain, peakGain)
    }

    /// `buffer` scaled by `gainDB` decibels.
    public static func applyingGain(_ buffer: AudioBuffer, gainDB: Double) -> AudioBuffer {
        let g = Float(pow(10, gainDB / 20))
        return AudioBuffer(samples: buffer.samples.map { $0 * g }, sampleRate: buffer.sampleRate)
    }

    /// Measures `buffer`, then applies the one gain `normalizationGainDB` gives for `target`.
    public static func normalize(_ buffer: AudioBuffer, target: LoudnessTarget = .audiobook) throws
        -> (audio: AudioBuffer, gainDB: Double)
    {
        let m = try measure(buffer)
        let gain = normalizationGainDB(integratedLUFS: m.integratedLUFS, truePeakDBTP: m.truePeakDBTP, target: target)
        return (applyingGain(buffer, gainDB: gain), gain)
    }
}
