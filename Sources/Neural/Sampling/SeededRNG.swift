// Deterministic random numbers, passed explicitly (no global state).
//
// Algorithm (fixed forever; a test pins its first outputs):
//   * state: xoshiro256** (Blackman & Vigna, 2018), 4 × UInt64;
//   * seeding: the 64-bit seed is expanded into the 4 state words by SplitMix64;
//   * nextDouble(): (next() >> 11) · 2⁻⁵³, uniform in [0, 1);
//   * nextFloat(): (next() >> 40) · 2⁻²⁴, uniform in [0, 1);
//   * nextGaussian(): Box–Muller on two nextDouble() draws (cos branch only).
// Only integer arithmetic defines the stream, so it is identical across runs,
// platforms and thread counts.
import Foundation

public struct SeededRNG: RandomNumberGenerator, Sendable {
    private var s: (UInt64, UInt64, UInt64, UInt64)

    public init(seed: UInt64) {
        var sm = seed
        s = (SeededRNG.splitMix64(&sm), SeededRNG.splitMix64(&sm), SeededRNG.splitMix64(&sm), SeededRNG.splitMix64(&sm))
    }

    /// Starts from a raw xoshiro256** state (must not be all zero). For reference-vector tests and
    /// for resuming a stream whose state was saved.
    public init(state: (UInt64, UInt64, UInt64, UInt64)) {
        precondition(state != (0, 0, 0, 0), "xoshiro256** state must not be all zero")
        s = state
    }

    /// The raw xoshiro256** state.
    public var state: (UInt64, UInt64, UInt64, UInt64) { s }

    /// One SplitMix64 step (Steele, Lea & Flood; Vigna's splitmix64.c): advances `x`, returns the output.
    public static func splitMix64(_ x: inout UInt64) -> UInt64 {
        x &+= 0x9E37_79B9_7F4A_7C15
        var z = x
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    @inline(__always)
    private static func rotl(_ x: UInt64, _ k: UInt64) -> UInt64 { (x << k) | (x >> (64 - k)) }

    public mutating func next() -> UInt64 {
        let result = SeededRNG.rotl(s.1 &* 5, 7) &* 9
        let t = s.1 << 17
        s.2 ^= s.0
        s.3 ^= s.1
        s.1 ^= s.2
        s.0 ^= s.3
        s.2 ^= t
        s.3 = SeededRNG.rotl(s.3, 45)
        return result
    }

    public mutating func nextDouble() -> Double { Double(next() >> 11) * 0x1.0p-53 }
    public mutating func nextFloat() -> Float { Float(next() >> 40) * 0x1.0p-24 }

    public mutating func nextGaussian() -> Float {
        var u1 = nextDouble()
        if u1 < 1e-300 { u1 = 1e-300 }
        let u2 = nextDouble()
        return Float((-2 * Foundation.log(u1)).squareRoot() * cos(2 * Double.pi * u2))
    }

    /// Seed for one segment take: FNV-1a over "key#take", mixed with the book seed by SplitMix64.
    public static func segmentSeed(bookSeed: UInt64, key: String, take: Int) -> UInt64 {
        var h: UInt64 = 0xCBF2_9CE4_8422_2325
        for b in "\(key)#\(take)".utf8 {
            h ^= UInt64(b)
            h = h &* 0x0000_0100_0000_01B3
        }
        var rng = SeededRNG(seed: bookSeed ^ h)
        return rng.next()
    }
}
