import AudioDSP
@testable import Bookvox
import EspeakEngine
import Foundation
import SpeechEngine
import TestSupport
import TextFrontend
import XCTest

final class StitcherTests: XCTestCase {
    private let rate = 24_000
    private let pad = 1200  // default trim pad: 0.05 s at 24 kHz

    /// `lead` zeros, then `periods` cycles of a 400 Hz cosine (60 samples per cycle, starting and
    /// ending near its peak), then `trail` zeros.
    private func tone(lead: Int, periods: Int, trail: Int, amplitude: Float = 0.5) -> AudioBuffer {
        let body = (0..<(60 * periods)).map { amplitude * Float(cos(2 * Double.pi * Double($0) / 60)) }
        return AudioBuffer(samples: [Float](repeating: 0, count: lead) + body + [Float](repeating: 0, count: trail), sampleRate: rate)
    }

    private func maxJump(_ s: [Float]) -> Float {
        var m: Float = 0
        for i in 1..<s.count { m = max(m, abs(s[i] - s[i - 1])) }
        return m
    }

    private var fourSegments: [StitchSegment] {
        [StitchSegment(key: "1.0", audio: tone(lead: 7200, periods: 240, trail: 2400), boundary: .sentence),
         StitchSegment(key: "1.1", audio: tone(lead: 0, periods: 100, trail: 4800), boundary: .paragraph),
         StitchSegment(key: "1.2", audio: tone(lead: 600, periods: 50, trail: 0), boundary: "clause"),
         StitchSegment(key: "1.3", audio: tone(lead: 3000, periods: 80, trail: 3000), boundary: .chapter)]
    }

    func testTimingsAddUp() throws {
        let settings = StitchSettings(roomTone: .silence, loudness: nil)
        let result = try ChapterStitching.stitch(fourSegments, settings: settings)
        let t = result.timings
        XCTAssertEqual(t.map(\.key), ["1.0", "1.1", "1.2", "1.3"])
        // Trimmed lengths: min(lead, pad) + body + min(trail, pad).
        let lengths = [pad + 14_400 + pad, 0 + 6000 + pad, 600 + 3000 + 0, pad + 4800 + pad]
        XCTAssertEqual(t.map { $0.endSample - $0.startSample }, lengths)
        XCTAssertEqual(t[0].startSample, 18_000, "0.75 s head")
        XCTAssertEqual(t[1].startSample, t[0].endSample + 12_000, "0.5 s sentence pause")
        XCTAssertEqual(t[2].startSample, t[1].endSample + 24_000, "1.0 s paragraph pause")
        XCTAssertEqual(t[3].startSample, t[2].endSample + 6000, "0.25 s clause pause")
        XCTAssertEqual(result.audio.samples.count, t[3].endSample + 36_000, "1.5 s tail")
        XCTAssertEqual(result.audio.sampleRate, rate)
        XCTAssertEqual(result.gainDB, 0)
        XCTAssertNil(result.measuredLUFS)
        // Head, pauses and tail are digital silence.
        var gaps = [0..<t[0].startSample, t[3].endSample..<result.audio.samples.count]
        for i in 0..<3 { gaps.append(t[i].endSample..<t[i + 1].startSample) }
        for g in gaps { XCTAssertTrue(result.audio.samples[g].allSatisfy { $0 == 0 }, "gap \(g)") }
        // Inside a segment, away from the fades, the audio is the input.
        XCTAssertEqual(result.audio.samples[t[0].startSample + pad + 600], 0.5)
    }

    func testPausesFollowSettings() throws {
        let settings = StitchSettings(clausePause: 0.1, sentencePause: 0.2, paragraphPause: 0.3, scenePause: 0.4,
                                      chapterHead: 0, chapterTail: 0, loudness: nil)
        let segs = [Boundary.scene, .clause, .chapter].enumerated().map {
            StitchSegment(key: "2.\($0.offset)", audio: tone(lead: 0, periods: 10, trail: 0), boundary: $0.element)
        }
        let t = try ChapterStitching.stitch(segs, settings: settings).timings
        XCTAssertEqual(t[0].startSample, 0)
        XCTAssertEqual(t[1].startSample - t[0].endSample, 9600)
        XCTAssertEqual(t[2].startSample - t[1].endSample, 2400)
    }

    func testJoinsDoNotClick() throws {
        // Segments that start and end at full amplitude: butt-joined they would jump by 0.5.
        let segs = (0..<3).map {
            StitchSegment(key: "3.\($0)", audio: tone(lead: 0, periods: 40, trail: 0), boundary: .clause)
        }
        let raw = try ChapterStitching.stitch(segs, settings: StitchSettings(trim: .init(padSeconds: 0), roomTone: .silence, loudness: nil))
        // A 400 Hz, 0.5 cosine moves at most 2π·400/24000·0.5 ≈ 0.0524 per sample; the 10 ms fades add ≤ 0.5·π/2/240.
        let natural: Float = 2 * .pi * 400 / 24_000 * 0.5
        XCTAssertLessThan(maxJump(raw.audio.samples), natural + 0.5 * .pi / 2 / 240)
        let normalized = try ChapterStitching.stitch(segs, settings: StitchSettings(trim: .init(padSeconds: 0), roomTone: .silence))
        let g = Float(pow(10, normalized.gainDB / 20))
        XCTAssertLessThan(maxJump(normalized.audio.samples), g * (natural + 0.5 * .pi / 2 / 240))
    }

    func testChapterWithoutExcessPeaksIsNormalizedWithOneGain() throws {
        // A 0.5 cosine brought to −19 LUFS peaks near −13 dBTP: the limiter has nothing to do.
        let raw = try ChapterStitching.stitch(fourSegments, settings: StitchSettings(roomTone: .silence, loudness: nil))
        let norm = try ChapterStitching.stitch(fourSegments, settings: StitchSettings(roomTone: .silence))
        XCTAssertEqual(norm.limiterReductionDB, 0)
        XCTAssertEqual(norm.timings, raw.timings)
        let m = try Loudness.measure(norm.audio)
        XCTAssertEqual(m.integratedLUFS, -19, accuracy: 0.05)
        XCTAssertLessThanOrEqual(m.truePeakDBTP, -3)
        let rawM = try Loudness.measure(raw.audio)
        XCTAssertEqual(norm.measuredLUFS!, rawM.integratedLUFS, accuracy: 1e-9)
        XCTAssertEqual(norm.gainDB, -19 - rawM.integratedLUFS, accuracy: 1e-9)
        let g = Float(pow(10, norm.gainDB / 20))
        for (a, b) in zip(norm.audio.samples, raw.audio.samples) { XCTAssertEqual(a, b * g, accuracy: 1e-6) }
    }

    func testLimiterLetsAPeakyChapterReachTheTarget() throws {
        // A quiet tone with one full-scale spike: one gain could not reach −19 LUFS under −3 dBTP.
        var audio = tone(lead: 0, periods: 800, trail: 0, amplitude: 0.01)
        audio.samples[20_000] = 1
        let norm = try ChapterStitching.stitch([StitchSegment(key: "4.0", audio: audio, boundary: .chapter)])
        let raw = try Loudness.measure(audio)
        XCTAssertGreaterThan(raw.truePeakDBTP + (-19 - raw.integratedLUFS), 10, "a plain gain would overshoot by > 10 dB")
        let m = try Loudness.measure(norm.audio)
        XCTAssertLessThanOrEqual(m.truePeakDBTP, -3)
        XCTAssertEqual(m.integratedLUFS, -19, accuracy: 0.1)
        XCTAssertEqual(norm.outputLUFS!, m.integratedLUFS, accuracy: 1e-9)
        XCTAssertGreaterThan(norm.limiterReductionDB, 10)
    }

    func testSpeechLikeChapterReachesTheTargetAndPassesACX() throws {
        // The synthetic hard case: pulse-excited formants with plosive clicks (crest factor of espeak
        // output or worse), in three segments at 22.05 kHz.
        let rate = 22_050
        let segs = (0..<3).map { i in
            StitchSegment(key: "8.\(i)", audio: AudioBuffer(samples: SpeechLikeSignal.make(seconds: 4, rate: rate, seed: UInt64(i + 1)),
                                                            sampleRate: rate),
                          boundary: i == 2 ? .chapter : .sentence)
        }
        let raw = try ChapterStitching.stitch(segs, settings: StitchSettings(roomTone: .silence, loudness: nil))
        let rawM = try Loudness.measure(raw.audio)
        XCTAssertGreaterThan(rawM.truePeakDBTP + (-19 - rawM.integratedLUFS), -3 + 3, "one gain would put peaks 3+ dB over the ceiling")
        let r = try ChapterStitching.stitch(segs)
        let m = try Loudness.measure(r.audio)
        XCTAssertEqual(m.integratedLUFS, -19, accuracy: 0.1)
        XCTAssertLessThanOrEqual(m.truePeakDBTP, -3)
        let measured = try ACXCheck.measure(r.audio)
        XCTAssertTrue(ACXCheck.verdict(measured).pass, "\(measured)")
        // A limiter ceiling over the target's (or without margin) is held to −3 dBTP by the re-measure.
        let loose = try ChapterStitching.stitch(segs, settings: StitchSettings(limiter: LimiterSettings(ceilingDBTP: 0)))
        XCTAssertLessThanOrEqual(try Loudness.measure(loose.audio).truePeakDBTP, -3)
        XCTAssertEqual(loose.outputLUFS!, -19, accuracy: 0.1)
    }

    func testSeededRoomToneRunsUnderTheWholeChapter() throws {
        let tone = RoomTone.noise(levelDBFS: -60, seed: 9)
        let noisy = StitchSettings(roomTone: tone, loudness: nil)
        let a = try ChapterStitching.stitch(fourSegments, settings: noisy)
        let b = try ChapterStitching.stitch(fourSegments, settings: noisy)
        let clean = try ChapterStitching.stitch(fourSegments, settings: StitchSettings(roomTone: .silence, loudness: nil))
        XCTAssertEqual(a.audio.samples, b.audio.samples)
        XCTAssertEqual(a.timings, clean.timings)
        let bed = tone.samples(count: a.audio.samples.count, sampleRate: rate)
        for k in stride(from: 0, to: bed.count, by: 7) { XCTAssertEqual(a.audio.samples[k], clean.audio.samples[k] + bed[k]) }
        let t = a.timings
        let gap = Array(a.audio.samples[t[0].endSample..<t[1].startSample])
        let rms = (gap.reduce(0.0) { $0 + Double($1) * Double($1) } / Double(gap.count)).squareRoot()
        XCTAssertEqual(20 * log10(rms), -60, accuracy: 0.5)
    }

    func testRoomToneLevelIsAbsoluteAfterLeveling() throws {
        // The default tone (−70 dBFS) is added after the pre-gain and the limiter: the head keeps its level.
        let r = try ChapterStitching.stitch(fourSegments)
        XCTAssertNotEqual(r.gainDB, 0)
        let head = Array(r.audio.samples[0..<r.timings[0].startSample])
        let rms = (head.reduce(0.0) { $0 + Double($1) * Double($1) } / Double(head.count)).squareRoot()
        XCTAssertEqual(20 * log10(rms), -70, accuracy: 0.5)
    }

    func testOtherRatesAreResampled() throws {
        let at22k = AudioBuffer(samples: (0..<22_050).map { 0.3 * Float(sin(2 * Double.pi * 300 * Double($0) / 22_050)) },
                                sampleRate: 22_050)
        let segs = [StitchSegment(key: "5.0", audio: tone(lead: 0, periods: 20, trail: 0), boundary: .sentence),
                    StitchSegment(key: "5.1", audio: at22k, boundary: .chapter)]
        let r = try ChapterStitching.stitch(segs, settings: StitchSettings(trim: .init(padSeconds: 0), loudness: nil))
        XCTAssertEqual(r.audio.sampleRate, 24_000)
        XCTAssertEqual(Double(r.timings[1].endSample - r.timings[1].startSample), 24_000, accuracy: 2)
    }

    func testBadInputIsRejected() {
        XCTAssertThrowsError(try ChapterStitching.stitch([])) { XCTAssertEqual($0 as? StitchError, .noSegments) }
        let bad = StitchSegment(key: "6.1", audio: tone(lead: 0, periods: 5, trail: 0), boundary: "pause")
        XCTAssertThrowsError(try ChapterStitching.stitch([bad])) { e in
            XCTAssertEqual(e as? StitchError, .unknownBoundary(key: "6.1", value: "pause"))
            XCTAssertTrue("\(e)".contains("sentence"))
        }
    }

    func testStitchesEspeakSpeech() throws {
        let engine = try EspeakEngine()
        let voice = try engine.prepareVoice(nil)
        let lines: [(String, Boundary)] = [("Chapter One.", .paragraph), ("It was a bright cold day in April,", .clause),
                                           ("and the clocks were striking thirteen.", .chapter)]
        let segs = try lines.enumerated().map { i, line -> StitchSegment in
            let req = SegmentRequest(key: "7.\(i)", text: line.0, seed: 1)
            return StitchSegment(key: req.key, audio: try engine.render(try engine.generate(req, voice: voice), request: req, voice: voice),
                                 boundary: line.1)
        }
        let r = try ChapterStitching.stitch(segs)
        XCTAssertEqual(r.audio.sampleRate, engine.sampleRate)
        for i in 1..<r.timings.count { XCTAssertGreaterThan(r.timings[i].startSample, r.timings[i - 1].endSample) }
        // espeak's pulse-like glottal source is peaky: the limiter takes its peaks down to reach the target.
        let m = try Loudness.measure(r.audio)
        XCTAssertLessThanOrEqual(m.truePeakDBTP, -3)
        XCTAssertEqual(m.integratedLUFS, -19, accuracy: 0.1)
        XCTAssertEqual(r.audio.samples, try ChapterStitching.stitch(segs).audio.samples, "deterministic")
    }
}
