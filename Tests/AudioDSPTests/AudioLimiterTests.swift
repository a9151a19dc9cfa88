import AudioDSP
import Foundation
import TestSupport
import XCTest

/// The true-peak envelope and the look-ahead limiter. True peaks are checked with libebur128's
/// meter (Loudness.measure), which the limiter does not use.
final class AudioLimiterTests: XCTestCase {
    /// A sine at fs/4 with a 45° phase: every sample sits at ±A/√2 (−3.01 dB), the waveform peaks at A
    /// between samples — the textbook inter-sample peak.
    private func quarterRateSine(amplitude: Double, seconds: Double, rate: Int) -> AudioBuffer {
        TestSignal.sine(frequency: Double(rate) / 4, amplitude: amplitude, seconds: seconds, rate: rate, phase: .pi / 4)
    }

    private func db(_ v: Float) -> Double { 20 * log10(Double(v)) }

    func testEnvelopeSeesTheInterSamplePeak() throws {
        let sine = quarterRateSine(amplitude: 0.9, seconds: 1, rate: 48_000)
        XCTAssertEqual(db(sine.samples.map(abs).max()!), db(0.9) - 3.0103, accuracy: 0.001, "sample peak")
        let env = try TruePeakEnvelope.envelope(sine)
        XCTAssertEqual(env.count, sine.samples.count)
        let middle = Array(env[4800..<43_200])
        XCTAssertEqual(db(middle.max()!), db(0.9), accuracy: 0.05, "the peak between samples")
        XCTAssertEqual(db(middle.min()!), db(0.9), accuracy: 0.05, "every sample is next to a peak")
    }

    func testEnvelopeStreamsLikeOneShotUpsampling() throws {
        // Longer than the detector's 65 536-sample blocks; the reference is one soxr_oneshot call.
        var lcg: UInt64 = 12_345
        let x: [Float] = (0..<150_000).map { i in
            lcg = lcg &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return Float(0.3 * sin(Double(i) * 0.37)) + Float(Int64(bitPattern: lcg) >> 40) / Float(1 << 24) * 0.2
        }
        let buffer = AudioBuffer(samples: x, sampleRate: 22_050)
        let up = try Resampler.resample(buffer, to: 88_200).samples
        var segment = x.map(abs)
        for k in 0..<min(up.count, 4 * x.count) { segment[k / 4] = max(segment[k / 4], abs(up[k])) }
        let expected = (0..<x.count).map { i in i > 0 ? max(segment[i], segment[i - 1]) : segment[i] }
        let env = try TruePeakEnvelope.envelope(buffer)
        var worst: Float = 0
        for i in 0..<x.count { worst = max(worst, abs(env[i] - expected[i])) }
        XCTAssertLessThan(worst, 1e-5)
    }

    func testLimiterHoldsInterSamplePeaksUnderTheCeiling() throws {
        // Sample peak −3.01 dBFS, true peak 0 dBTP: a sample-peak limiter at −3.3 would take off only
        // 0.29 dB and leave a true peak near −0.3 dBTP.
        let sine = quarterRateSine(amplitude: 1, seconds: 2, rate: 48_000)
        let env = try TruePeakEnvelope.envelope(sine)
        let (out, reduction) = PeakLimiter.apply(sine.samples, envelope: env, preGainDB: 0, sampleRate: 48_000)
        let tp = try Loudness.measure(AudioBuffer(samples: out, sampleRate: 48_000)).truePeakDBTP
        XCTAssertLessThanOrEqual(tp, -3.3 + 0.02)
        XCTAssertGreaterThan(tp, -3.5, "a steady tone is reduced by what it needs, not more")
        XCTAssertGreaterThanOrEqual(reduction, 3.3, "the onset of the tone overshoots a little more")
        let curve = PeakLimiter.gainCurveDB(envelope: env, preGainDB: 0, sampleRate: 48_000)
        XCTAssertEqual(curve[24_000], -3.3, accuracy: 0.05, "steady state")
    }

    func testSpeechLikeAudioIsLimitedToTheCeiling() throws {
        // Pre-gain 12 dB on audio peaking at −0.9 dBFS: peaks ~11 dB over the ceiling.
        let rate = 22_050
        let speech = AudioBuffer(samples: SpeechLikeSignal.make(seconds: 12, rate: rate), sampleRate: rate)
        let env = try TruePeakEnvelope.envelope(speech)
        let (out, reduction) = PeakLimiter.apply(speech.samples, envelope: env, preGainDB: 12, sampleRate: rate)
        XCTAssertGreaterThan(reduction, 8)
        let tp = try Loudness.measure(AudioBuffer(samples: out, sampleRate: rate)).truePeakDBTP
        XCTAssertLessThanOrEqual(tp, -3.2)
        XCTAssertEqual(out, PeakLimiter.apply(speech.samples, envelope: env, preGainDB: 12, sampleRate: rate).samples,
                       "deterministic")
    }

    func testGainCurveIsSmooth() throws {
        let rate = 48_000
        let speech = AudioBuffer(samples: SpeechLikeSignal.make(seconds: 6, rate: rate), sampleRate: rate)
        let env = try TruePeakEnvelope.envelope(speech)
        let curve = PeakLimiter.gainCurveDB(envelope: env, preGainDB: 10, sampleRate: rate)
        let depth = -curve.min()!
        XCTAssertGreaterThan(depth, 6)
        // Attack: the 5 ms look-ahead (240 samples) is spread over two averages of 120 and 121 samples,
        // so the curve falls by at most depth/120 dB per sample; release: τ = 100 ms, at most
        // depth·(1 − e^(−1/4800)) dB per sample. A hard limiter would jump by the full depth.
        let fallBound = depth / 120
        let riseBound = depth * (1 - exp(-1 / (0.1 * Double(rate))))
        var fall = 0.0, rise = 0.0
        for i in 1..<curve.count {
            fall = max(fall, curve[i - 1] - curve[i])
            rise = max(rise, curve[i] - curve[i - 1])
        }
        XCTAssertLessThanOrEqual(fall, fallBound + 1e-9)
        XCTAssertLessThanOrEqual(rise, riseBound + 1e-9)
        XCTAssertGreaterThan(fall, fallBound / 4, "the bound is near what happens")
    }

    func testReductionStartsOneLookAheadBeforeThePeak() throws {
        let rate = 48_000
        var x = [Float](repeating: 0, count: 48_000)
        x[20_000] = 1
        let env = try TruePeakEnvelope.envelope(AudioBuffer(samples: x, sampleRate: rate))
        let curve = PeakLimiter.gainCurveDB(envelope: env, preGainDB: 0, sampleRate: rate)
        // The reconstructed impulse exceeds the −3.3 dB ceiling on the samples around it only.
        let ceiling = Float(pow(10, -3.3 / 20))
        let first = env.firstIndex { $0 > ceiling }!
        let last = env.lastIndex { $0 > ceiling }!
        XCTAssertLessThanOrEqual(last - first, 2)
        XCTAssertEqual(curve[first - 240], 0, "before the look-ahead window")
        XCTAssertLessThan(curve[first - 239], 0, "the ramp starts 240 samples (5 ms) ahead")
        for i in first...last { XCTAssertLessThanOrEqual(curve[i], -3.3 - db(env[i]) + 1e-9, "sample \(i) is under the ceiling") }
        XCTAssertEqual(curve[last + 960], curve[20_000], accuracy: 1e-9, "held for 20 ms")
        XCTAssertGreaterThan(curve[last + 960 + 4800], curve[20_000] * 0.4, "released with τ = 100 ms")
        XCTAssertEqual(curve[47_999], 0, accuracy: 0.05, "released")
    }

    func testQuietAudioIsOnlyScaled() throws {
        let sine = TestSignal.sine(frequency: 997, amplitude: 0.1, seconds: 1, rate: 44_100)  // −20 dBTP
        let env = try TruePeakEnvelope.envelope(sine)
        let curve = PeakLimiter.gainCurveDB(envelope: env, preGainDB: 6, sampleRate: 44_100)
        XCTAssertTrue(curve.allSatisfy { $0 == 0 })
        let (out, reduction) = PeakLimiter.apply(sine.samples, envelope: env, preGainDB: 6, sampleRate: 44_100)
        XCTAssertEqual(reduction, 0)
        let g = pow(10, 6.0 / 20)
        XCTAssertEqual(out, sine.samples.map { Float(Double($0) * g) })
    }
}
