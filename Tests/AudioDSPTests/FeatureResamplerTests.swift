// torchaudio-style sinc resampler: kernel geometry, output length, and band-limited accuracy
// on tones (independent analytic oracle). Bit-level parity is checked in AudioDSPParityTests.
import AudioDSP
import Foundation
import XCTest

final class FeatureResamplerTests: XCTestCase {
    func testKernelGeometry22050To16000() throws {
        let r = try SincResampler(origFreq: 22050, newFreq: 16000)
        XCTAssertEqual(r.orig, 441)
        XCTAssertEqual(r.new, 320)
        XCTAssertEqual(r.width, 9)  // ceil(6·441/316.8)
        XCTAssertEqual(r.taps, 459)
        XCTAssertEqual(r.kernel.count, 320 * 459)
        XCTAssertEqual(r.outputCount(for: 88384), 64134)
        // Phase 0 tap at t = 0 (i = w) is the filter's peak, base/orig.
        XCTAssertEqual(r.kernel[r.width], Float(316.8 / 441), accuracy: 1e-7)
    }

    func testToneSurvivesResampling() throws {
        let r = try SincResampler(origFreq: 22050, newFreq: 16000)
        let f = 440.0
        let x = (0..<22050).map { Float(0.5 * sin(2 * Double.pi * f * Double($0) / 22050)) }
        let y = r.resample(x)
        XCTAssertEqual(y.count, 16000)
        var worst = 0.0
        for j in 200..<(16000 - 200) {
            worst = max(worst, abs(Double(y[j]) - 0.5 * sin(2 * Double.pi * f * Double(j) / 16000)))
        }
        XCTAssertLessThan(worst, 2e-3)
    }

    func testUpsamplingTone() throws {
        let r = try SincResampler(origFreq: 16000, newFreq: 24000)
        XCTAssertEqual(r.orig, 2)
        XCTAssertEqual(r.new, 3)
        let x = (0..<8000).map { Float(sin(2 * Double.pi * 1000 * Double($0) / 16000)) }
        let y = r.resample(x)
        XCTAssertEqual(y.count, 12000)
        for j in 300..<(12000 - 300) {
            XCTAssertEqual(Double(y[j]), sin(2 * Double.pi * 1000 * Double(j) / 24000), accuracy: 3e-3)
        }
    }

    func testSameRateIsIdentityAndBadArgumentsThrow() throws {
        let r = try SincResampler(origFreq: 22050, newFreq: 22050)
        XCTAssertEqual(r.resample([1, 2, 3]), [1, 2, 3])
        XCTAssertThrowsError(try SincResampler(origFreq: 0, newFreq: 16000))
        XCTAssertThrowsError(try SincResampler(origFreq: 22050, newFreq: 16000, resamplingMethod: "sinc_interp_kaiser"))
        XCTAssertThrowsError(try SincResampler(origFreq: 22050, newFreq: 16000, lowpassFilterWidth: 0))
    }
}
