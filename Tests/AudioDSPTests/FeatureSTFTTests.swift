// STFT / padding / FFT plan tests against an independent float64 direct DFT.
import AudioDSP
import Foundation
import XCTest

final class FeatureSTFTTests: XCTestCase {
    /// Deterministic test signal: two tones plus LCG noise.
    private func signal(_ n: Int) -> [Float] {
        var state: UInt32 = 12345
        return (0..<n).map { i in
            state = state &* 1664525 &+ 1013904223
            let noise = Double(state >> 8) / Double(1 << 24) - 0.5
            return Float(0.6 * sin(0.07 * Double(i)) + 0.3 * cos(0.91 * Double(i) + 0.2) + 0.05 * noise)
        }
    }

    func testReflectPadding() throws {
        XCTAssertEqual(try Padding.reflect([1, 2, 3, 4, 5], left: 2, right: 3), [3, 2, 1, 2, 3, 4, 5, 4, 3, 2])
        XCTAssertEqual(try Padding.reflect([1, 2, 3], left: 0, right: 0), [1, 2, 3])
        XCTAssertThrowsError(try Padding.reflect([1, 2, 3], left: 3, right: 0))
        XCTAssertEqual(Padding.zeros([1, 2], left: 1, right: 2), [0, 1, 2, 0, 0])
    }

    func testPowerAndMagnitudeMatchDirectDFT() throws {
        let nFFT = 64, hop = 16, winLength = 48
        let x = signal(300)
        let window = Windows.hann(length: winLength, periodic: true).map { Float($0) }
        let stft = try STFT(nFFT: nFFT, hopLength: hop, window: window, center: true, padMode: .reflect)
        let power = try stft.spectrogram(x, kind: .power)
        let magnitude = try stft.spectrogram(x, kind: .magnitude(epsilon: 1e-9))
        let frames = stft.frameCount(sampleCount: x.count)
        XCTAssertEqual(frames, 1 + 300 / hop)
        XCTAssertEqual(power.count, frames * (nFFT / 2 + 1))

        // Oracle: mirror index by hand, window centred inside n_fft, float64 DFT.
        let pad = nFFT / 2, offset = (nFFT - winLength) / 2
        func sample(_ i: Int) -> Double {
            var j = i - pad
            if j < 0 { j = -j }
            if j >= x.count { j = 2 * (x.count - 1) - j }
            return Double(x[j])
        }
        var worst = 0.0
        for t in 0..<frames {
            for k in 0...(nFFT / 2) {
                var re = 0.0, im = 0.0
                for n in 0..<winLength {
                    let v = sample(t * hop + offset + n) * Double(window[n])
                    let phase = -2 * Double.pi * Double(k * (offset + n)) / Double(nFFT)
                    re += v * cos(phase); im += v * sin(phase)
                }
                let p = re * re + im * im
                let got = Double(power[t * (nFFT / 2 + 1) + k])
                worst = max(worst, abs(got - p) / max(p, 1e-3))
                XCTAssertEqual(Double(magnitude[t * (nFFT / 2 + 1) + k]), (p + 1e-9).squareRoot(), accuracy: 1e-4 * max(1, p.squareRoot()))
            }
        }
        XCTAssertLessThan(worst, 1e-4)
    }

    func testFrameCountWithoutCenter() throws {
        let stft = try STFT(nFFT: 1024, hopLength: 256, window: [Float](repeating: 1, count: 1024))
        XCTAssertEqual(stft.frameCount(sampleCount: 1023), 0)
        XCTAssertEqual(stft.frameCount(sampleCount: 1024), 1)
        XCTAssertEqual(stft.frameCount(sampleCount: 88384 + 768), 345)
        XCTAssertThrowsError(try stft.spectrogram([Float](repeating: 0, count: 100), kind: .power))
        XCTAssertThrowsError(try STFT(nFFT: 16, hopLength: 4, window: [Float](repeating: 1, count: 17)))
    }

    /// Shared plans executed from several threads give the same result as a serial run.
    func testConcurrentUseIsDeterministic() throws {
        let x = signal(4000)
        let stft = try STFT(nFFT: 256, hopLength: 64, window: Windows.hann(length: 256, periodic: true).map { Float($0) })
        let serial = try stft.spectrogram(x, kind: .power)
        let results = UnsafeMutableBufferPointer<[Float]>.allocate(capacity: 8)
        results.initialize(repeating: [])
        defer { results.deallocate() }
        DispatchQueue.concurrentPerform(iterations: 8) { i in
            // Fresh shared-plan lookups race on the planner lock as well.
            _ = try? RealFFT.shared(size: 128 + 2 * i)
            results[i] = (try? stft.spectrogram(x, kind: .power)) ?? []
        }
        for r in results { XCTAssertEqual(r, serial) }
    }

    func testRealFFTOfImpulse() throws {
        let fft = try RealFFT.shared(size: 8)
        XCTAssertTrue(fft === (try RealFFT.shared(size: 8)), "plans are cached per size")
        let ws = fft.makeWorkspace()
        for i in 0..<8 { ws.input[i] = i == 1 ? 1 : 0 }
        fft.forward(ws)
        for k in 0..<fft.binCount {
            XCTAssertEqual(ws.real(k), Float(cos(-2 * Double.pi * Double(k) / 8)), accuracy: 1e-6)
            XCTAssertEqual(ws.imag(k), Float(sin(-2 * Double.pi * Double(k) / 8)), accuracy: 1e-6)
        }
    }
}
