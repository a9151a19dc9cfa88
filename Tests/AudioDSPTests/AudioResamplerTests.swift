import AudioDSP
import Foundation
import XCTest

final class AudioResamplerTests: XCTestCase {
    func test24kTo44k1KeepsLengthAndFrequency() throws {
        let sine = TestSignal.sine(frequency: 1000, amplitude: 0.5, seconds: 1, rate: 24_000)
        let out = try Resampler.resample(sine, to: 44_100)
        XCTAssertEqual(out.sampleRate, 44_100)
        XCTAssertEqual(out.samples.count, 44_100)
        XCTAssertEqual(TestSignal.zeroCrossingFrequency(out, skip: 200), 1000, accuracy: 0.01)
        // Amplitude through the passband is preserved (RMS of a 0.5 sine = 0.3536).
        XCTAssertEqual(TestSignal.rms(out.samples[2000..<42_000]), 0.5 / 2.0.squareRoot(), accuracy: 0.001)
        // Output lines up in time with the input: soxr removes its own filter delay.
        let expected = TestSignal.sine(frequency: 1000, amplitude: 0.5, seconds: 1, rate: 44_100)
        let err = zip(out.samples[2000..<42_000], expected.samples[2000..<42_000]).map { abs($0 - $1) }.max()!
        XCTAssertLessThan(err, 1e-3)
    }

    func testDownsampleRemovesContentAboveNewNyquist() throws {
        // 9 kHz is above 16 kHz's Nyquist (8 kHz): it must be filtered out, not aliased to 7 kHz.
        let high = TestSignal.sine(frequency: 9000, amplitude: 0.5, seconds: 0.5, rate: 44_100)
        let out = try Resampler.resample(high, to: 16_000)
        XCTAssertEqual(out.samples.count, 8000)
        XCTAssertLessThan(TestSignal.rms(out.samples[500..<7500]), 1e-3)
    }

    func testSameRateIsIdentityAndBadRateThrows() throws {
        let b = TestSignal.sine(frequency: 200, amplitude: 0.3, seconds: 0.1, rate: 22_050)
        XCTAssertEqual(try Resampler.resample(b, to: 22_050), b)
        XCTAssertEqual(try Resampler.resample(AudioBuffer(samples: [], sampleRate: 24_000), to: 44_100).samples.count, 0)
        XCTAssertThrowsError(try Resampler.resample(b, to: 0))
    }
}
