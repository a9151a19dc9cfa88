// Joins a chapter's segment audio into one chapter buffer, then normalizes its loudness.
//
// Layout (all lengths rounded to whole samples at the chapter rate, which is the first
// segment's; other rates are resampled with libsoxr):
//
//   [head][seg 1][pause after seg 1][seg 2] … [seg N][tail]
//
// * each segment is first trimmed to at most `trim.padSeconds` of leading/trailing silence;
// * the pause after segment i follows its boundary (clause/sentence/paragraph/scene); the
//   last segment is followed by the chapter tail instead; head and tail are room tone;
// * at both edges of every segment an equal-power crossfade of `joinFade` seconds blends the
//   room tone into the speech and back (with digital-silence room tone this is a plain
//   sin/cos fade), so no join can click; segment i's timing is [start_i, end_i), its
//   trimmed extent, and start_{i+1} = end_i + pause_i exactly;
// * the finished chapter is measured with libebur128 and scaled by ONE gain
//   (Loudness.normalizationGainDB: the smaller of the loudness gain and the true-peak-limited
//   gain) so every chapter meets the same book-wide target; levels are never touched per
//   sentence. Room-tone noise is mixed in after the gain, so its level is absolute.
import AudioDSP
import Foundation
import Logging
import TextFrontend

public enum ChapterStitching {
    /// Bumped whenever the stitched output for the same inputs and settings changes.
    public static let version = "1"
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

        var gainDB = 0.0
        var measured: (integratedLUFS: Double, truePeakDBTP: Double)?
        if let target = settings.loudness {
            let m = try Loudness.measure(AudioBuffer(samples: out, sampleRate: rate))
            measured = m
            gainDB = Loudness.normalizationGainDB(integratedLUFS: m.integratedLUFS, truePeakDBTP: m.truePeakDBTP, target: target)
            let g = Float(pow(10, gainDB / 20))
            if g != 1 { for k in 0..<total { out[k] *= g } }
        }

        if settings.roomTone != .silence { mixRoomTone(settings.roomTone, into: &out, placed: placed) }

        logger.debug("stitched \(segments.count) segments: \(total) samples at \(rate) Hz, gain \(gainDB) dB")
        return StitchedChapter(
            audio: AudioBuffer(samples: out, sampleRate: rate),
            timings: placed.map { SegmentTiming(key: $0.key, startSample: $0.start, endSample: $0.end) },
            gainDB: gainDB, measuredLUFS: measured?.integratedLUFS, measuredTruePeakDBTP: measured?.truePeakDBTP)
    }

    /// Speech gain at sample j of an n-sample segment: equal-power ramps at both edges, 1 inside.
    @inline(__always)
    private static func window(_ j: Int, n: Int, fadeIn: Int, fadeOut: Int) -> Float {
        if j < fadeIn { return Fades.fadeInGain(j, of: fadeIn) }
        if j >= n - fadeOut { return Fades.fadeOutGain(j - (n - fadeOut), of: fadeOut) }
        return 1
    }

    /// Adds room tone where there is no speech, and its equal-power complement under the fades.
    private static func mixRoomTone(_ tone: RoomTone, into out: inout [Float], placed: [Placed]) {
        let bed = tone.samples(count: out.count)
        var gapStart = 0
        for p in placed {
            for k in gapStart..<p.start { out[k] += bed[k] }
            let n = p.samples.count
            for j in Array(0..<p.fadeIn) + Array((n - p.fadeOut)..<n) {
                let w = window(j, n: n, fadeIn: p.fadeIn, fadeOut: p.fadeOut)
                out[p.start + j] += bed[p.start + j] * (max(0, 1 - w * w)).squareRoot()
            }
            gapStart = p.end
        }
        for k in gapStart..<out.count { out[k] += bed[k] }
    }
}
