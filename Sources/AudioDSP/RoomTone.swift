// Silence and room-tone generation for pauses, chapter heads and tails.
//
// Room tone is white noise from the project's SeededRNG (xoshiro256**, uniform in
// [−1, 1) scaled to the requested RMS level), so the same seed always gives the same
// samples; digital silence is all zeros.
import Foundation
import Neural

public enum RoomTone: Sendable, Equatable, Codable {
    /// Digital silence (all samples 0).
    case silence
    /// Deterministic white noise at `levelDBFS` RMS (e.g. −75), seeded by `seed`.
    case noise(levelDBFS: Double, seed: UInt64)

    /// `count` samples of this tone. For `.noise`, `offset` advances the stream so that
    /// different stretches (pause 1, pause 2 …) of one chapter differ but stay reproducible.
    public func samples(count: Int, offset: UInt64 = 0) -> [Float] {
        let n = max(0, count)
        switch self {
        case .silence:
            return [Float](repeating: 0, count: n)
        case let .noise(level, seed):
            // Uniform noise in [−a, a) has RMS a/√3.
            let amplitude = Float(pow(10, level / 20) * 3.0.squareRoot())
            var rng = SeededRNG(seed: seed ^ (offset &* 0x9E37_79B9_7F4A_7C15))
            var out = [Float](repeating: 0, count: n)
            for i in 0..<n { out[i] = (rng.nextFloat() * 2 - 1) * amplitude }
            return out
        }
    }

    /// `seconds` of this tone at `sampleRate` (rounded to whole samples).
    public func buffer(seconds: Double, sampleRate: Int, offset: UInt64 = 0) -> AudioBuffer {
        let n = Int((max(0, seconds) * Double(sampleRate)).rounded())
        return AudioBuffer(samples: samples(count: n, offset: offset), sampleRate: sampleRate)
    }
}
