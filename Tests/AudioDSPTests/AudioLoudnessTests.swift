import AudioDSP
import Foundation
import XCTest

/// Expected values follow the BS.1770 definition: L = −0.691 + 10·log10(mean square of the
/// K-weighted signal); the K filter's gain at 1 kHz is +0.691 dB, so a 1 kHz sine of peak A
/// reads 10·log10(A²/2) LUFS: −3.01 at full scale, −23.01 at −20 dBFS.
final class AudioLoudnessTests: XCTestCase {
    func testFullScaleSineIsMinus3LUFS() throws {
        let m = try Loudness.measure(TestSignal.sine(frequency: 1000, amplitude: 1, seconds: 5, rate: 48_000))
        XCTAssertEqual(m.integratedLUFS, 10 * log10(0.5), accuracy: 0.05)
    }

    func testMinus20dBFSSine() throws {
        for rate in [48_000, 44_100] {
            let m = try Loudness.measure(TestSignal.sine(frequency: 1000, amplitude: 0.1, seconds: 5, rate: rate))
            XCTAssertEqual(m.integratedLUFS, 10 * log10(0.01 / 2), accuracy: 0.05, "at \(rate) Hz")
            XCTAssertEqual(m.truePeakDBTP, -20, accuracy: 0.1, "at \(rate) Hz")
        }
    }

    func testSilenceMeasuresMinusInfinityAndGetsNoGain() throws {
        let m = try Loudness.measure(AudioBuffer(samples: [Float](repeating: 0, count: 48_000), sampleRate: 48_000))
        XCTAssertEqual(m.integratedLUFS, -.infinity)
        XCTAssertEqual(m.truePeakDBTP, -.infinity)
        XCTAssertEqual(Loudness.normalizationGainDB(integratedLUFS: m.integratedLUFS, truePeakDBTP: m.truePeakDBTP), 0)
    }

    func testLoudnessGainWhenPeakAllowsIt() throws {
        let sine = TestSignal.sine(frequency: 1000, amplitude: 0.1, seconds: 5, rate: 48_000)
        let (out, gain) = try Loudness.normalize(sine, target: LoudnessTarget(integratedLUFS: -19, truePeakCeilingDBTP: -3))
        XCTAssertEqual(gain, -19 - 10 * log10(0.01 / 2), accuracy: 0.05)
        let m = try Loudness.measure(out)
        XCTAssertEqual(m.integratedLUFS, -19, accuracy: 0.05)
        XCTAssertLessThanOrEqual(m.truePeakDBTP, -3)
    }

    func testGainRespectsTruePeakCeiling() throws {
        // A quiet sine with full-scale clicks: the loudness gain (+24 dB) would clip; the peak cap wins.
        var s = TestSignal.sine(frequency: 1000, amplitude: 0.01, seconds: 5, rate: 48_000).samples
        for i in stride(from: 24_000, to: s.count, by: 48_000) { s[i] = 1 }
        let clicky = AudioBuffer(samples: s, sampleRate: 48_000)
        let before = try Loudness.measure(clicky)
        let gain = Loudness.normalizationGainDB(integratedLUFS: before.integratedLUFS, truePeakDBTP: before.truePeakDBTP)
        XCTAssertEqual(gain, -3 - before.truePeakDBTP, accuracy: 1e-9)
        XCTAssertLessThan(gain, -19 - before.integratedLUFS)
        let after = try Loudness.measure(Loudness.applyingGain(clicky, gainDB: gain))
        XCTAssertLessThanOrEqual(after.truePeakDBTP, -3 + 0.01)
        XCTAssertLessThan(after.integratedLUFS, -19)
    }
}
