// Joins a chapter's segment audio into one chapter buffer, levels it to the book-wide loudness
// target with a true-peak limiter, and lays room tone under it.
//
// Layout (all lengths rounded to whole samples at the chapter rate, which is the first
// segment's; other rates are resampled with libsoxr):
//
//   [head][seg 1][pause after seg 1][seg 2] … [seg N][tail]
//
// * each segment is first trimmed to at most `trim.padSeconds` of leading/trailing silence;
// * the pause after segment i follows its boundary (clause/sentence/paragraph/scene); the
//   last segment is followed by the chapter tail instead;
// * both edges of every segment get an equal-power (sin/cos) fade of `joinFade` seconds, so no
//   join can click; segment i's timing is [start_i, end_i), its trimmed extent, and
//   start_{i+1} = end_i + pause_i exactly;
// * the finished speech layer is leveled to the book-wide target (default −19 LUFS integrated,
//   true peak ≤ −3 dBTP): ONE pre-gain for the whole chapter, then the look-ahead true-peak
//   limiter (AudioDSP/PeakLimiter, on the 4× oversampled envelope of TruePeakEnvelope), then the
//   room tone is added (so its level is absolute), then libebur128 re-measures the loudness. The
//   pre-gain is corrected from that measurement (secant steps) until the result is within 0.05 LU
//   of the target or 8 rounds have run; the round closest to the target wins, and libebur128
//   measures its true peak. Should that read over the target ceiling, the limiter ceiling is
//   lowered by the excess and the chapter leveled again (up to 3 times, then scaled under it).
//   Levels are never set per sentence: the limiter only takes the peaks down;
// * room tone (RoomTone, default −70 dBFS RMS, seeded per chapter by the exporter) runs under the
//   whole chapter — head, pauses, tail and under the speech, where it is masked — because TTS
//   segments carry digital silence inside them as well (espeak: 0.1–0.6 s at commas and dashes).
import AudioDSP
import Foundation
import Logging
import TextFrontend

public enum ChapterStitching {
    /// Bumped whenever the stitched output for the same inputs and settings changes.
    public static let version = "2"
    private static let logger = Logger(label: "bookvox.stitch")

    private struct Placed {
        var key: String
        var samples: [Float]
        var start: Int
        var fadeIn: Int
        var fadeOut: Int
        var end: Int { start + samples.count }
    }

    public static func stitch(_ segments: [StitchSegment], settings: StitchSettings = .default) throws -> StitchedChapter {
        guard let first = segments.first else { throw StitchError.noSegments }
        for s in segments where s.audio.sampleRate <= 0 { throw StitchError.invalidSampleRate(key: s.key, rate: s.audio.sampleRate) }
        let rate = first.audio.sampleRate
        func count(_ seconds: Double) -> Int { max(0, Int((seconds * Double(rate)).rounded())) }
        let fade = count(settings.joinFade)

        var placed: [Placed] = []
        placed.reserveCapacity(segments.count)
        var cursor = count(settings.chapterHead)
        for (i, seg) in segments.enumerated() {
            guard let boundary = Boundary(rawValue: seg.boundary) else {
                throw StitchError.unknownBoundary(key: seg.key, value: seg.boundary)
            }
            let audio = seg.audio.sampleRate == rate ? seg.audio : try Resampler.resample(seg.audio, to: rate)
            let trimmed = SilenceTrim.trim(audio, settings: settings.trim).samples
            if trimmed.isEmpty { logger.warning("segment \(seg.key) is silent; it contributes only its pause") }
            let fadeIn = min(fade, trimmed.count / 2)
            let fadeOut = min(fade, trimmed.count - fadeIn)
            placed.append(Placed(key: seg.key, samples: trimmed, start: cursor, fadeIn: fadeIn, fadeOut: fadeOut))
            let isLast = i == segments.count - 1
            cursor += trimmed.count + (isLast ? count(settings.chapterTail) : count(settings.pause(after: boundary)))
        }
        let total = cursor

        // Speech layer: each segment with equal-power edge fades, silence elsewhere.
        var out = [Float](repeating: 0, count: total)
        for p in placed {
            let n = p.samples.count
            for j in 0..<n { out[p.start + j] = p.samples[j] * window(j, n: n, fadeIn: p.fadeIn, fadeOut: p.fadeOut) }
        }

        let bed = settings.roomTone == .silence ? nil : roomToneLayer(settings.roomTone, count: total, rate: rate)
        var result = StitchedChapter(audio: AudioBuffer(samples: out, sampleRate: rate),
                                     timings: placed.map { SegmentTiming(key: $0.key, startSample: $0.start, endSample: $0.end) },
                                     gainDB: 0)
        if let target = settings.loudness {
            let speech = AudioBuffer(samples: out, sampleRate: rate)
            let m = try Loudness.measure(speech)
            result.measuredLUFS = m.integratedLUFS
            result.measuredTruePeakDBTP = m.truePeakDBTP
            if m.integratedLUFS.isFinite {
                let leveled = try level(speech, measured: m.integratedLUFS, bed: bed, target: target, limiter: settings.limiter)
                result.audio.samples = leveled.samples
                result.gainDB = leveled.preGainDB
                result.limiterReductionDB = leveled.reductionDB
                result.outputLUFS = leveled.lufs
                result.outputTruePeakDBTP = leveled.truePeak
            } else {
                if let bed { add(bed, to: &result.audio.samples) }
                let out = try Loudness.measure(result.audio)
                result.outputLUFS = out.integratedLUFS
                result.outputTruePeakDBTP = out.truePeakDBTP
            }
        } else if let bed {
            add(bed, to: &result.audio.samples)
        }
        logger.debug("stitched \(segments.count) segments: \(total) samples at \(rate) Hz, pre-gain \(result.gainDB) dB, limiter \(result.limiterReductionDB) dB")
        return result
    }

    private struct Leveled {
        var samples: [Float]
        var preGainDB: Double
        var reductionDB: Double
        var lufs: Double
        var truePeak: Double
    }

    /// Pre-gain → limiter → room tone → libebur128, iterated on the pre-gain (see the header). Rounds
    /// measure loudness only; the chosen round's true peak is measured once at the end. Only the current
    /// round's audio is held; the best round is recomputed if it was not the last.
    private static func level(_ speech: AudioBuffer, measured: Double, bed: [Float]?, target: LoudnessTarget,
                              limiter: LimiterSettings) throws -> Leveled {
        let tolerance = 0.05
        let maxRounds = 8
        let maxCeilingCorrections = 3
        let envelope = try TruePeakEnvelope.envelope(speech)
        var ceiling = min(limiter.ceilingDBTP, target.truePeakCeilingDBTP)
        func run(_ preGain: Double) throws -> Leveled {
            var s = limiter
            s.ceilingDBTP = ceiling
            var (y, reduction) = PeakLimiter.apply(speech.samples, envelope: envelope, preGainDB: preGain,
                                                   sampleRate: speech.sampleRate, settings: s)
            if let bed { add(bed, to: &y) }
            let lufs = try Loudness.measure(AudioBuffer(samples: y, sampleRate: speech.sampleRate), truePeak: false).integratedLUFS
            return Leveled(samples: y, preGainDB: preGain, reductionDB: reduction, lufs: lufs, truePeak: .nan)
        }
        var preGain = target.integratedLUFS - measured
        var corrections = 0
        var chosen: Leveled
        while true {
            var previous: (gain: Double, lufs: Double)?
            var best: (gain: Double, lufs: Double)?
            var current: Leveled?
            var rounds = 0
            for _ in 0..<maxRounds {
                rounds += 1
                let round = try run(preGain)
                current = round
                guard round.lufs.isFinite else { break }
                let error = target.integratedLUFS - round.lufs
                if best.map({ abs(target.integratedLUFS - $0.lufs) > abs(error) }) ?? true { best = (preGain, round.lufs) }
                if abs(error) <= tolerance { break }
                // Secant step on loudness(pre-gain); its slope lies in (0, 1] (the limiter only removes
                // level); one round moves the pre-gain by at most 6 dB.
                var slope = 1.0
                if let p = previous, preGain != p.gain { slope = min(1, max(0.02, (round.lufs - p.lufs) / (preGain - p.gain))) }
                previous = (preGain, round.lufs)
                preGain += max(-6, min(6, error / slope))
            }
            let summary = String(format: "leveled in %d rounds: pre-gain %.2f dB, %.2f LUFS, limiter ceiling %.2f dBTP",
                                 rounds, best?.gain ?? preGain, best?.lufs ?? .nan, ceiling)
            logger.info("\(summary)")
            if let best, let c = current, c.preGainDB != best.gain {
                current = nil  // free the last round before recomputing the best one
                current = try run(best.gain)
            }
            guard var result = current else { throw StitchError.noSegments }
            let m = try Loudness.measure(AudioBuffer(samples: result.samples, sampleRate: speech.sampleRate))
            result.lufs = m.integratedLUFS
            result.truePeak = m.truePeakDBTP
            chosen = result
            if result.truePeak <= target.truePeakCeilingDBTP || corrections == maxCeilingCorrections { break }
            // libebur128 reads more than the envelope allowed: lower the ceiling by the excess and level again.
            ceiling -= result.truePeak - target.truePeakCeilingDBTP + 0.05
            corrections += 1
            preGain = result.preGainDB
            logger.debug("true peak \(result.truePeak) dBTP over the ceiling; limiter ceiling now \(ceiling) dBTP")
        }
        if chosen.truePeak > target.truePeakCeilingDBTP {
            // Never seen on speech: scale the chapter under the ceiling.
            let trim = target.truePeakCeilingDBTP - chosen.truePeak - 0.01
            let g = Float(pow(10, trim / 20))
            for i in chosen.samples.indices { chosen.samples[i] *= g }
            logger.warning("the limiter could not bring the chapter under \(target.truePeakCeilingDBTP) dBTP; scaled it by \(trim) dB")
            chosen.preGainDB += trim
            let m = try Loudness.measure(AudioBuffer(samples: chosen.samples, sampleRate: speech.sampleRate))
            chosen.lufs = m.integratedLUFS
            chosen.truePeak = m.truePeakDBTP
        }
        return chosen
    }

    private static func add(_ bed: [Float], to out: inout [Float]) {
        for k in out.indices { out[k] += bed[k] }
    }

    /// Speech gain at sample j of an n-sample segment: equal-power ramps at both edges, 1 inside.
    @inline(__always)
    private static func window(_ j: Int, n: Int, fadeIn: Int, fadeOut: Int) -> Float {
        if j < fadeIn { return Fades.fadeInGain(j, of: fadeIn) }
        if j >= n - fadeOut { return Fades.fadeOutGain(j - (n - fadeOut), of: fadeOut) }
        return 1
    }

    /// The room-tone layer: the tone, continuous under the whole chapter. TTS segments carry digital
    /// silence inside them too (espeak pauses 0.1–0.6 s at commas and dashes), so a tone laid only
    /// between segments would drop out at every such pause; under speech it is masked.
    private static func roomToneLayer(_ tone: RoomTone, count: Int, rate: Int) -> [Float] {
        tone.samples(count: count, sampleRate: rate)
    }
}
