// What the signal checks look at in one take: frame energies (RMS per `frameSeconds` frame), where the
// speech starts and ends, the longest pause inside it, its level, clipping, DC offset and non-finite samples.
import AudioDSP
import Foundation

public struct SignalMeasurements: Sendable, Equatable {
    public var seconds: Double
    public var nonFiniteSamples: Int
    /// First and last speech frame, as times (seconds); nil when no frame is speech.
    public var speechStart: Double?
    public var speechEnd: Double?
    /// RMS of the speech frames, dBFS (−∞ when there are none).
    public var speechLevelDBFS: Double
    /// Longest run of non-speech frames between the first and last speech frame, seconds.
    public var longestPauseSeconds: Double
    /// Levels of the first and last frame, dBFS.
    public var firstFrameDBFS: Double
    public var lastFrameDBFS: Double
    public var clippedFraction: Double
    public var longestClippedRun: Int
    public var dcOffset: Double

    public var speechSeconds: Double { (speechEnd ?? 0) - (speechStart ?? 0) }

    public static func measure(_ audio: AudioBuffer, settings: QASettings) -> SignalMeasurements {
        let x = audio.samples
        let rate = max(1, audio.sampleRate)
        let frame = max(1, Int((settings.frameSeconds * Double(rate)).rounded()))
        var nonFinite = 0
        var clipped = 0, run = 0, longestRun = 0
        var sum = 0.0
        for v in x {
            guard v.isFinite else { nonFinite += 1; run = 0; continue }
            sum += Double(v)
            if abs(v) >= settings.clipLevel { clipped += 1; run += 1; longestRun = max(longestRun, run) } else { run = 0 }
        }
        let frames = x.count / frame + (x.count % frame > 0 ? 1 : 0)
        var db = [Double](repeating: -Double.infinity, count: frames)
        var energy = [Double](repeating: 0, count: frames)
        for f in 0..<frames {
            let lo = f * frame, hi = min(x.count, lo + frame)
            var e = 0.0
            for i in lo..<hi where x[i].isFinite { e += Double(x[i]) * Double(x[i]) }
            energy[f] = e / Double(hi - lo)
            db[f] = energy[f] > 0 ? 10 * log10(energy[f]) : -Double.infinity
        }
        let peak = db.max() ?? -Double.infinity
        let threshold = max(peak - settings.activityRangeDB, settings.activityFloorDBFS)
        let active = db.map { $0 >= threshold && $0.isFinite }
        let first = active.firstIndex(of: true), last = active.lastIndex(of: true)
        var longestPause = 0, pause = 0
        var speechEnergy = 0.0, speechFrames = 0
        if let first, let last {
            for f in first...last {
                if active[f] {
                    pause = 0
                    speechEnergy += energy[f]
                    speechFrames += 1
                } else {
                    pause += 1
                    longestPause = max(longestPause, pause)
                }
            }
        }
        let fs = Double(frame) / Double(rate)
        let level = speechFrames > 0 && speechEnergy > 0 ? 10 * log10(speechEnergy / Double(speechFrames)) : -Double.infinity
        let finite = x.count - nonFinite
        return SignalMeasurements(
            seconds: audio.duration, nonFiniteSamples: nonFinite,
            speechStart: first.map { Double($0) * fs }, speechEnd: last.map { min(audio.duration, Double($0 + 1) * fs) },
            speechLevelDBFS: level, longestPauseSeconds: Double(longestPause) * fs,
            firstFrameDBFS: db.first ?? -Double.infinity, lastFrameDBFS: db.last ?? -Double.infinity,
            clippedFraction: x.isEmpty ? 0 : Double(clipped) / Double(x.count), longestClippedRun: longestRun,
            dcOffset: finite > 0 ? sum / Double(finite) : 0)
    }
}
