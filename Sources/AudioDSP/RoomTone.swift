// Silence and room-tone generation for pauses, chapter heads and tails.
//
// Room tone is Gaussian noise from the project's SeededRNG (xoshiro256**, Box–Muller) through a
// one-pole low-pass at `cornerHz` (1 kHz): flat below the corner, falling 6 dB per octave above it,
// so it sounds like the soft air of a quiet room rather than hiss. It is scaled to the requested
// RMS level exactly in expectation (the filter's noise gain a/(2 − a) for y[n] = y[n−1] + a·(x[n] −
// y[n−1]) is divided out) and the filter starts in its stationary state, so the level holds from
// the first sample. The same seed, rate and offset always give the same samples; digital silence
// is all zeros.
import Foundation
import Neural

public enum RoomTone: Sendable, Equatable, Codable {
    /// Digital silence (all samples 0).
    case silence
    /// Deterministic low-passed noise at `levelDBFS` RMS (e.g. −70), seeded by `seed`.
    case noise(levelDBFS: Double, seed: UInt64)

    /// Corner frequency of the room-tone low-pass (Hz).
    public static let cornerHz = 1000.0

    /// `count` samples of this tone at `sampleRate`. For `.noise`, `offset` advances the stream so
    /// that different stretches of one chapter can differ but stay reproducible.
    public func samples(count: Int, sampleRate: Int, offset: UInt64 = 0) -> [Float] {
        let n = max(0, count)
        switch self {
        case .silence:
            return [Float](repeating: 0, count: n)
        case let .noise(level, seed):
            let a = 1 - exp(-2 * Double.pi * Self.cornerHz / Double(max(sampleRate, 1)))
            let noiseGain = (a / (2 - a)).squareRoot()  // RMS of the filtered unit-variance noise
            let scale = pow(10, level / 20) / noiseGain
            var rng = SeededRNG(seed: seed ^ (offset &* 0x9E37_79B9_7F4A_7C15))
            var y = Double(rng.nextGaussian()) * noiseGain  // stationary start
            var out = [Float](repeating: 0, count: n)
            for i in 0..<n {
                y += a * (Double(rng.nextGaussian()) - y)
                out[i] = Float(y * scale)
            }
            return out
        }
    }

    /// `seconds` of this tone at `sampleRate` (rounded to whole samples).
    public func buffer(seconds: Double, sampleRate: Int, offset: UInt64 = 0) -> AudioBuffer {
        let n = Int((max(0, seconds) * Double(sampleRate)).rounded())
        return AudioBuffer(samples: samples(count: n, sampleRate: sampleRate, offset: offset), sampleRate: sampleRate)
    }
}
