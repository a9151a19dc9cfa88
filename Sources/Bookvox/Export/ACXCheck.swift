// The ACX check: the measurements ACX (Audible's Audiobook Creation Exchange) audio requirements are
// stated in, and pass/fail against them. A pure function of one mono buffer.
//
// * integrated loudness: LUFS, ITU-R BS.1770-4 gated (libebur128); not an ACX rule, reported
//   because it is what the stitcher levels to;
// * RMS: unweighted, over every sample of the file, pauses included, in dBFS with a full-scale
//   square wave at 0 dB (a full-scale sine reads −3.01 dB), as Audacity's ACX Check reports it;
//   rule: −23 dB ≤ RMS ≤ −18 dB;
// * peak: true peak in dBTP (libebur128, 4× oversampled, BS.1770-4 Annex 2); rule: ≤ −3 dB;
// * noise floor: the RMS (dBFS) of the quietest half second: RMS over 500 ms windows stepped every
//   100 ms from the first sample (step = 100 ms rounded to whole samples, window = 5 steps), only
//   windows that lie wholly inside the file (a file shorter than one window is one window), the
//   smallest of them — the rule of Audacity's ACX Check ("the quietest 500 milliseconds"); rule: ≤ −60 dB. Digital silence has no level:
//   RMS, peak and floor are then reported as null (−∞), which meets the "≤" rules.
import AudioDSP
import Foundation

public struct ACXMeasurement: Codable, Sendable, Equatable {
    /// Sample rate of the measured audio (Hz) and its length (seconds).
    public var sampleRate: Int
    public var seconds: Double
    /// nil: below the BS.1770 absolute gate (silence).
    public var integratedLUFS: Double?
    /// nil: digital silence (−∞).
    public var rmsDB: Double?
    public var truePeakDBTP: Double?
    public var noiseFloorDB: Double?
}

public struct ACXVerdict: Codable, Sendable, Equatable {
    public var rms: Bool
    public var peak: Bool
    public var noiseFloor: Bool
    public var pass: Bool
}

/// ACX's published limits (ACX Audio Submission Requirements).
public struct ACXRules: Codable, Sendable, Equatable {
    public var rmsMinDB = -23.0
    public var rmsMaxDB = -18.0
    public var peakMaxDB = -3.0
    public var noiseFloorMaxDB = -60.0

    public init() {}
    public static let acx = ACXRules()
}

public enum ACXCheck {
    /// Noise-floor window and step (seconds).
    public static let floorWindow = 0.5
    public static let floorStep = 0.1

    /// `loudness`: libebur128's (integrated, true peak) of this very buffer when already measured.
    public static func measure(_ buffer: AudioBuffer,
                               loudness: (integratedLUFS: Double, truePeakDBTP: Double)? = nil) throws -> ACXMeasurement {
        let loud = try loudness ?? Loudness.measure(buffer)
        let x = buffer.samples
        let rate = buffer.sampleRate
        var sum = 0.0
        for v in x { sum += Double(v) * Double(v) }
        let rms = x.isEmpty ? 0 : (sum / Double(x.count)).squareRoot()
        return ACXMeasurement(sampleRate: rate, seconds: Double(x.count) / Double(rate),
                              integratedLUFS: finite(loud.integratedLUFS), rmsDB: decibels(rms),
                              truePeakDBTP: finite(loud.truePeakDBTP), noiseFloorDB: noiseFloorDB(x, sampleRate: rate))
    }

    public static func verdict(_ m: ACXMeasurement, rules: ACXRules = .acx) -> ACXVerdict {
        let rms = m.rmsDB.map { $0 >= rules.rmsMinDB && $0 <= rules.rmsMaxDB } ?? false
        let peak = (m.truePeakDBTP ?? -.infinity) <= rules.peakMaxDB
        let floor = (m.noiseFloorDB ?? -.infinity) <= rules.noiseFloorMaxDB
        return ACXVerdict(rms: rms, peak: peak, noiseFloor: floor, pass: rms && peak && floor)
    }

    /// The noise floor rule of the header, in dBFS (nil for digital silence or an empty buffer).
    /// The step is 100 ms rounded to whole samples and a window is exactly 5 steps.
    public static func noiseFloorDB(_ x: [Float], sampleRate: Int) -> Double? {
        guard !x.isEmpty, sampleRate > 0 else { return nil }
        let step = max(1, Int((floorStep * Double(sampleRate)).rounded()))
        let stepsPerWindow = Int((floorWindow / floorStep).rounded())
        let window = step * stepsPerWindow
        guard x.count >= window else {
            var e = 0.0
            for v in x { e += Double(v) * Double(v) }
            return decibels((e / Double(x.count)).squareRoot())
        }
        // Energy of each whole step, then of each window of `stepsPerWindow` consecutive steps.
        let blocks = x.count / step
        var energy = [Double](repeating: 0, count: blocks)
        x.withUnsafeBufferPointer { p in
            for b in 0..<blocks {
                var e = 0.0
                for i in (b * step)..<((b + 1) * step) { e += Double(p[i]) * Double(p[i]) }
                energy[b] = e
            }
        }
        var quietest = Double.infinity
        for first in 0...(blocks - stepsPerWindow) {
            var e = 0.0
            for b in first..<(first + stepsPerWindow) { e += energy[b] }
            quietest = min(quietest, e)
        }
        return decibels((quietest / Double(window)).squareRoot())
    }

    private static func decibels(_ linear: Double) -> Double? { linear > 0 ? 20 * log10(linear) : nil }
    private static func finite(_ v: Double) -> Double? { v.isFinite ? v : nil }
}
