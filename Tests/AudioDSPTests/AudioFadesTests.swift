import AudioDSP
import Foundation
import XCTest

final class AudioFadesTests: XCTestCase {
    func testEqualPowerGainsSumToOne() {
        for n in [1, 7, 240] {
            for i in 0..<n {
                let a = Fades.fadeInGain(i, of: n), b = Fades.fadeOutGain(i, of: n)
                XCTAssertEqual(a * a + b * b, 1, accuracy: 1e-6)
            }
        }
    }

    func testCrossfadeBetweenUnrelatedSinesHasNoClick() {
        let rate = 24_000
        // Join a sine cut at its positive peak to one starting at its negative peak: a hard cut jumps by 1.6.
        let a = TestSignal.sine(frequency: 220, amplitude: 0.8, seconds: 0.25 + 1.0 / 880, rate: rate)
        let b = TestSignal.sine(frequency: 330, amplitude: 0.8, seconds: 0.25, rate: rate, phase: -Double.pi / 2)
        let hardCut = a.samples + b.samples
        XCTAssertGreaterThan(TestSignal.maxJump(hardCut), 1.0)
        let overlap = rate / 100  // 10 ms
        let joined = Fades.crossfade(a, b, overlap: overlap)
        XCTAssertEqual(joined.samples.count, a.samples.count + b.samples.count - overlap)
        // The steepest a 330 Hz, 0.8 sine can move per sample is 2π·330·0.8/24000 ≈ 0.069; the join adds at most
        // the ramps' slope (0.8·π/2/240 per sample) on top.
        let bound = Float(2 * Double.pi * 330 * 0.8 / Double(rate) + 0.8 * Double.pi / 2 / Double(overlap) * 2)
        XCTAssertLessThan(TestSignal.maxJump(joined.samples), bound)
    }

    func testFadeInAndOutStartAndEndNearZero() {
        let dc = AudioBuffer(samples: [Float](repeating: 0.5, count: 1000), sampleRate: 8000)
        let faded = Fades.fadeOut(Fades.fadeIn(dc, count: 80), count: 80)
        XCTAssertLessThan(abs(faded.samples.first!), 0.5 * 0.01)
        XCTAssertLessThan(abs(faded.samples.last!), 0.5 * 0.01)
        XCTAssertEqual(faded.samples[500], 0.5)
        XCTAssertLessThan(TestSignal.maxJump(faded.samples), 0.5 * Float.pi / 2 / 80 * 1.01)
        // Monotone ramps.
        for i in 1..<80 { XCTAssertGreaterThan(faded.samples[i], faded.samples[i - 1]) }
    }

    func testCrossfadeClampsOverlapToShorterInput() {
        let out = Fades.crossfade([1, 1, 1], [2, 2, 2, 2, 2], overlap: 10)
        XCTAssertEqual(out.count, 5)
    }
}
