// The ACX check on synthetic signals whose answers follow from their construction: whole periods of
// sines (mean square A²/2), stretches of known level, and the window rule computed by brute force.
import AudioDSP
@testable import Bookvox
import Foundation
import XCTest

final class ACXCheckTests: XCTestCase {
    private func sine(_ f: Double, _ a: Double, seconds: Double, rate: Int) -> [Float] {
        let n = Int((seconds * Double(rate)).rounded())
        return (0..<n).map { Float(a * sin(2 * Double.pi * f * Double($0) / Double(rate))) }
    }

    private func db(_ meanSquare: Double) -> Double { 10 * log10(meanSquare) }

    func testMeasuresAKnownSignalAndPasses() throws {
        // 10 s of a 1 kHz sine at 0.16, then 1 s of a 200 Hz sine at 0.001 (-63.01 dB RMS): whole periods.
        let rate = 48_000
        let x = sine(1000, 0.16, seconds: 10, rate: rate) + sine(200, 0.001, seconds: 1, rate: rate)
        let m = try ACXCheck.measure(AudioBuffer(samples: x, sampleRate: rate))
        XCTAssertEqual(m.sampleRate, rate)
        XCTAssertEqual(m.seconds, 11, accuracy: 1e-12)
        XCTAssertEqual(m.rmsDB!, db((10 * 0.0256 / 2 + 1e-6 / 2) / 11), accuracy: 0.001)  // -19.34 dB
        XCTAssertEqual(m.noiseFloorDB!, db(1e-6 / 2), accuracy: 0.01)                 // -63.01 dB
        XCTAssertEqual(m.truePeakDBTP!, 20 * log10(0.16), accuracy: 0.05)
        // BS.1770: a 1 kHz sine reads 10·log10(A²/2); the quiet second falls under the relative gate
        // (the few 400 ms blocks across the change pull it down by a few hundredths).
        XCTAssertEqual(m.integratedLUFS!, db(0.0256 / 2), accuracy: 0.1)
        XCTAssertEqual(ACXCheck.verdict(m), ACXVerdict(rms: true, peak: true, noiseFloor: true, pass: true))
    }

    func testEachRuleFails() throws {
        let rate = 44_100
        // Too loud (RMS -3.9 dB > -18) and peaking at -0.9 dBTP; the floor is a 200 Hz tone at -50 dB.
        let hot = try ACXCheck.measure(AudioBuffer(samples: sine(1000, 0.9, seconds: 2, rate: rate)
            + sine(200, 0.004, seconds: 1, rate: rate), sampleRate: rate))
        XCTAssertEqual(hot.noiseFloorDB!, db(0.004 * 0.004 / 2), accuracy: 0.01)
        XCTAssertEqual(ACXCheck.verdict(hot), ACXVerdict(rms: false, peak: false, noiseFloor: false, pass: false))
        // Too quiet: RMS -29 dB < -23.
        let quiet = try ACXCheck.measure(AudioBuffer(samples: sine(1000, 0.05, seconds: 2, rate: rate), sampleRate: rate))
        XCTAssertEqual(quiet.rmsDB!, db(0.0025 / 2), accuracy: 0.001)
        XCTAssertFalse(ACXCheck.verdict(quiet).rms)
        XCTAssertTrue(ACXCheck.verdict(quiet).peak)
        // The limits themselves pass.
        let edge = ACXMeasurement(sampleRate: rate, seconds: 1, integratedLUFS: -19, rmsDB: -18, truePeakDBTP: -3, noiseFloorDB: -60)
        XCTAssertTrue(ACXCheck.verdict(edge).pass)
        XCTAssertTrue(ACXCheck.verdict(ACXMeasurement(sampleRate: rate, seconds: 1, integratedLUFS: -19, rmsDB: -23,
                                                      truePeakDBTP: -3, noiseFloorDB: -60)).pass)
    }

    func testDigitalSilenceHasNoLevel() throws {
        let m = try ACXCheck.measure(AudioBuffer(samples: [Float](repeating: 0, count: 48_000), sampleRate: 48_000))
        XCTAssertNil(m.integratedLUFS)
        XCTAssertNil(m.rmsDB)
        XCTAssertNil(m.truePeakDBTP)
        XCTAssertNil(m.noiseFloorDB)
        XCTAssertEqual(ACXCheck.verdict(m), ACXVerdict(rms: false, peak: true, noiseFloor: true, pass: false))
    }

    func testNoiseFloorUsesHalfSecondWindowsInTenthSecondSteps() {
        // At 22.05 kHz a step is 2205 samples and a window 11 025. A quiet stretch (0.001) of exactly
        // one window, in loud audio (0.5): on a step boundary the floor is the stretch's level; shifted
        // by 1000 samples no window lies inside it, and the floor is the least mixed window.
        let rate = 22_050
        for start in [3 * 2205, 3 * 2205 + 1000] {
            var x = [Float](repeating: 0.5, count: 10 * 2205 * 5)
            for i in start..<(start + 11_025) { x[i] = i % 2 == 0 ? 0.001 : -0.001 }
            var quietest = Double.infinity
            for w in stride(from: 0, through: x.count - 11_025, by: 2205) {
                quietest = min(quietest, x[w..<(w + 11_025)].reduce(0.0) { $0 + Double($1) * Double($1) } / 11_025)
            }
            XCTAssertEqual(ACXCheck.noiseFloorDB(x, sampleRate: rate)!, db(quietest), accuracy: 1e-9, "start \(start)")
            if start == 3 * 2205 { XCTAssertEqual(db(quietest), -60, accuracy: 1e-5) }
        }
        // Shorter than a window: the whole buffer is the window.
        XCTAssertEqual(ACXCheck.noiseFloorDB(sine(1000, 0.1, seconds: 0.3, rate: 48_000), sampleRate: 48_000)!,
                       db(0.01 / 2), accuracy: 0.001)
    }
}
