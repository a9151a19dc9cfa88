// TimeStretch (Rubber Band R3, offline): a stretched signal has the requested length, keeps its pitch (the
// spectral peak stays where it was) and is the same bytes on every run.
@testable import AudioDSP
import Foundation
import XCTest

final class TimeStretchTests: XCTestCase {
    private func tone(_ hz: Double, seconds: Double, rate: Int) -> AudioBuffer {
        let n = Int(seconds * Double(rate))
        return AudioBuffer(samples: (0..<n).map { i in
            // A harmonic tone with a gentle amplitude wobble, speech-like rather than a bare sine.
            let t = Double(i) / Double(rate)
            let env = 0.6 + 0.2 * sin(2 * .pi * 3 * t)
            return Float(env * (0.5 * sin(2 * .pi * hz * t) + 0.2 * sin(2 * .pi * 2 * hz * t)))
        }, sampleRate: rate)
    }

    /// Frequency (1 Hz steps in `range`) with the largest DFT magnitude over `samples`, Hann-windowed.
    private func peakFrequency(_ samples: ArraySlice<Float>, rate: Int, range: ClosedRange<Int>) -> Int {
        let x = Array(samples)
        let n = x.count
        let w = (0..<n).map { 0.5 - 0.5 * cos(2 * .pi * Double($0) / Double(n - 1)) }
        var best = (f: range.lowerBound, m: -1.0)
        for f in range {
            var re = 0.0, im = 0.0
            let step = 2 * Double.pi * Double(f) / Double(rate)
            for i in 0..<n {
                let v = Double(x[i]) * w[i]
                re += v * cos(step * Double(i))
                im -= v * sin(step * Double(i))
            }
            let m = re * re + im * im
            if m > best.m { best = (f, m) }
        }
        return best.f
    }

    func testStretchKeepsPitchAndMeetsTheLength() {
        let rate = 24_000
        let input = tone(220, seconds: 1.5, rate: rate)
        let out = TimeStretch.stretch(input, by: 1.25)
        XCTAssertEqual(out.samples.count, Int((Double(input.samples.count) * 1.25).rounded()))
        XCTAssertEqual(out.sampleRate, rate)
        let mid = out.samples.count / 2
        let window = out.samples[(mid - 4800)..<(mid + 4800)]
        XCTAssertEqual(peakFrequency(window, rate: rate, range: 150...300), 220, accuracy: 2, "pitch kept")
        XCTAssertEqual(peakFrequency(window, rate: rate, range: 380...520), 440, accuracy: 3, "second harmonic kept")
        // Energy is carried through (not silence or a click train).
        let rms = { (s: ArraySlice<Float>) in (s.reduce(0) { $0 + Double($1 * $1) } / Double(s.count)).squareRoot() }
        XCTAssertEqual(rms(window), rms(input.samples[(input.samples.count / 2 - 4800)..<(input.samples.count / 2 + 4800)]),
                       accuracy: 0.1)
        // Faster: 1.25× speed is 0.8× the length.
        XCTAssertEqual(TimeStretch.changeSpeed(input, rate: 1.25).samples.count, Int((Double(input.samples.count) / 1.25).rounded()))
    }

    func testStretchIsDeterministic() {
        let input = tone(180, seconds: 1, rate: 24_000)
        let a = TimeStretch.stretch(input, by: 1.25)
        let b = TimeStretch.stretch(input, by: 1.25)
        XCTAssertEqual(a.samples.withUnsafeBytes { Data($0) }, b.samples.withUnsafeBytes { Data($0) })
        XCTAssertEqual(TimeStretch.stretch(input, by: 1), input, "factor 1 is the input itself")
        XCTAssertEqual(TimeStretch.stretch(AudioBuffer(samples: [], sampleRate: 24_000), by: 2).samples.count, 0)
    }
}
