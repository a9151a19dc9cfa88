import AudioDSP
import Foundation
import XCTest

/// Test signals and measurements computed independently of the code under test.
enum TestSignal {
    static func sine(frequency: Double, amplitude: Double, seconds: Double, rate: Int, phase: Double = 0) -> AudioBuffer {
        let n = Int((seconds * Double(rate)).rounded())
        let w = 2 * Double.pi * frequency / Double(rate)
        return AudioBuffer(samples: (0..<n).map { Float(amplitude * sin(w * Double($0) + phase)) }, sampleRate: rate)
    }

    /// Frequency from the first and last upward zero crossings (linear interpolation between samples).
    static func zeroCrossingFrequency(_ b: AudioBuffer, skip: Int = 0) -> Double {
        let s = b.samples
        var crossings: [Double] = []
        for i in max(1, skip)..<(s.count - skip) where s[i - 1] < 0 && s[i] >= 0 {
            crossings.append(Double(i - 1) + Double(-s[i - 1]) / Double(s[i] - s[i - 1]))
        }
        guard crossings.count >= 2 else { return 0 }
        return Double(crossings.count - 1) / ((crossings.last! - crossings.first!) / Double(b.sampleRate))
    }

    static func rms<C: Collection>(_ s: C) -> Double where C.Element == Float {
        guard !s.isEmpty else { return 0 }
        return (s.reduce(0.0) { $0 + Double($1) * Double($1) } / Double(s.count)).squareRoot()
    }

    static func maxJump(_ s: [Float]) -> Float {
        var m: Float = 0
        for i in 1..<s.count { m = max(m, abs(s[i] - s[i - 1])) }
        return m
    }

    static func tempDir() throws -> URL {
        let d = FileManager.default.temporaryDirectory.appendingPathComponent("bookvox-audio-tests-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: d, withIntermediateDirectories: true)
        return d
    }
}

final class AudioSignalTests: XCTestCase {
    func testRoomToneSilenceIsZero() {
        let b = RoomTone.silence.buffer(seconds: 0.75, sampleRate: 24_000)
        XCTAssertEqual(b.samples.count, 18_000)
        XCTAssertTrue(b.samples.allSatisfy { $0 == 0 })
    }

    func testRoomToneNoiseIsSeededAndAtLevel() {
        let tone = RoomTone.noise(levelDBFS: -60, seed: 42)
        let a = tone.samples(count: 96_000, sampleRate: 24_000)
        XCTAssertEqual(a, tone.samples(count: 96_000, sampleRate: 24_000), "same seed and offset must give the same samples")
        XCTAssertNotEqual(a, tone.samples(count: 96_000, sampleRate: 24_000, offset: 1), "a different offset gives a different stretch")
        XCTAssertNotEqual(a, RoomTone.noise(levelDBFS: -60, seed: 43).samples(count: 96_000, sampleRate: 24_000))
        XCTAssertEqual(20 * log10(TestSignal.rms(a)), -60, accuracy: 0.15)
        // The level holds from the first sample (the filter starts in its stationary state).
        XCTAssertEqual(20 * log10(TestSignal.rms(Array(a[0..<4800]))), -60, accuracy: 0.5)
        XCTAssertEqual(20 * log10(TestSignal.rms(RoomTone.noise(levelDBFS: -72.5, seed: 1).samples(count: 96_000, sampleRate: 22_050))),
                       -72.5, accuracy: 0.15)
    }

    func testRoomToneIsLowPassedAtOneKilohertz() {
        // A one-pole low-pass driven by white noise is an AR(1) process: its lag-1 autocorrelation is
        // the pole, exp(−2π·fc/fs).
        for rate in [22_050, 24_000, 44_100] {
            let s = RoomTone.noise(levelDBFS: -70, seed: 5).samples(count: 200_000, sampleRate: rate).map(Double.init)
            var r0 = 0.0, r1 = 0.0
            for i in 0..<s.count { r0 += s[i] * s[i] }
            for i in 1..<s.count { r1 += s[i] * s[i - 1] }
            XCTAssertEqual(r1 / r0, exp(-2 * Double.pi * 1000 / Double(rate)), accuracy: 0.01, "at \(rate) Hz")
        }
    }
}
