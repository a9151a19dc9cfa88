import AudioDSP
import Foundation
import XCTest

final class AudioSilenceTrimTests: XCTestCase {
    func testTrimsLongSilenceToPad() {
        let rate = 24_000
        let tone = TestSignal.sine(frequency: 440, amplitude: 0.5, seconds: 0.5, rate: rate).samples
        let lead = [Float](repeating: 0.0001, count: rate)      // −74 dB below the peak: silence
        let tail = [Float](repeating: 0, count: 2 * rate)
        let b = AudioBuffer(samples: lead + tone + tail, sampleRate: rate)
        let settings = SilenceTrimSettings(thresholdDB: -40, padSeconds: 0.05)
        let r = SilenceTrim.keptRange(b, settings: settings)
        let pad = 1200
        // The sine's first sample is 0 (below threshold); its first sound sample is index 1 of the tone.
        let firstSound = lead.count + tone.firstIndex { abs($0) >= 0.005 }!
        let lastSound = lead.count + tone.lastIndex { abs($0) >= 0.005 }!
        XCTAssertEqual(r.lowerBound, firstSound - pad)
        XCTAssertEqual(r.upperBound, lastSound + 1 + pad)
        XCTAssertEqual(SilenceTrim.trim(b, settings: settings).samples.count, r.count)
    }

    func testShortSilenceIsKeptAndAllSilenceTrimsToNothing() {
        let rate = 16_000
        let tone = TestSignal.sine(frequency: 440, amplitude: 0.5, seconds: 0.2, rate: rate, phase: 0.3).samples
        let b = AudioBuffer(samples: [Float](repeating: 0, count: 100) + tone + [Float](repeating: 0, count: 50), sampleRate: rate)
        XCTAssertEqual(SilenceTrim.keptRange(b, settings: .init(thresholdDB: -40, padSeconds: 0.05)), 0..<b.samples.count)
        XCTAssertEqual(SilenceTrim.keptRange(AudioBuffer(samples: [0, 0, 0], sampleRate: rate)), 0..<0)
    }
}
