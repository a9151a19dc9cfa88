// Drawing tokens from a probability row.
//
// torch.multinomial's own stream (an exponential race on torch's Philox/MT generator)
// cannot be reproduced outside torch, so sampling is pluggable: `SeededTokenSampler`
// is bookvox's deterministic procedure, `ReplayTokenSampler` returns recorded picks
// (tests replay what a reference run chose and check everything downstream).
//
// SeededTokenSampler draw procedure (fixed; changing it changes every rendered take):
//   one draw = one `rng.nextDouble()` u ∈ [0, 1); target = u · Σ p (Σ in Double over the
//   entries still available, in index order); walk the available entries in index order
//   accumulating p in Double and return the first index whose running sum exceeds the
//   target (zero-probability entries are never returned while any positive one is left;
//   if rounding leaves the target unreached, the last positive entry is returned).
// Without replacement (torch.multinomial(probs, n, replacement=False), as beam sampling
// uses): n successive draws, each removing the chosen index — the same distribution as
// torch's exponential race, whose result order is also the draw order.
import Foundation

public protocol TokenSampler {
    /// One index drawn with probability proportional to `probabilities` (non-negative, not all zero).
    mutating func sample(_ probabilities: [Float]) throws -> Int
    /// `count` distinct indices drawn without replacement, in draw order. Fewer than `count` entries
    /// may be positive; the caller decides how to fill the rest (see `BeamSearch`).
    mutating func sampleWithoutReplacement(_ probabilities: [Float], count: Int) throws -> [Int]
}

public struct SeededTokenSampler: TokenSampler {
    public var rng: SeededRNG
    public init(rng: SeededRNG) { self.rng = rng }
    public init(seed: UInt64) { rng = SeededRNG(seed: seed) }

    public mutating func sample(_ probabilities: [Float]) throws -> Int {
        let live = try SeededTokenSampler.positiveEntries(probabilities)
        return live[draw(live)].index
    }

    public mutating func sampleWithoutReplacement(_ probabilities: [Float], count: Int) throws -> [Int] {
        var live = try SeededTokenSampler.positiveEntries(probabilities)
        var out: [Int] = []
        while out.count < count && !live.isEmpty {
            let j = draw(live)
            out.append(live[j].index)
            live.remove(at: j)  // keeps index order
        }
        return out
    }

    /// The positive entries in index order; rejects negative / non-finite values and an all-zero row.
    static func positiveEntries(_ p: [Float]) throws -> [(index: Int, p: Float)] {
        var live: [(index: Int, p: Float)] = []
        for (i, v) in p.enumerated() {
            guard v >= 0 && v.isFinite else {
                throw SamplingError.invalidParameter("probability \(v) at index \(i) (must be finite and ≥ 0)")
            }
            if v > 0 { live.append((i, v)) }
        }
        guard !live.isEmpty else { throw SamplingError.noCandidates("all probabilities are zero") }
        return live
    }

    /// One inverse-CDF draw over `live` (non-empty); returns a position in `live`.
    private mutating func draw(_ live: [(index: Int, p: Float)]) -> Int {
        var total = 0.0
        for e in live { total += Double(e.p) }
        let target = rng.nextDouble() * total
        var cum = 0.0
        for (j, e) in live.enumerated() {
            cum += Double(e.p)
            if cum > target { return j }
        }
        return live.count - 1
    }
}

/// Returns recorded picks in order (e.g. the tokens a PyTorch run sampled). A recorded pick whose
/// probability is zero here is an error: the replayed run has diverged from the recording.
public struct ReplayTokenSampler: TokenSampler {
    public private(set) var draws: [[Int]]
    public private(set) var position = 0

    /// Each element is one call's result: one index for `sample`, `count` indices for the other.
    public init(draws: [[Int]]) { self.draws = draws }

    private mutating func nextDraw(_ probabilities: [Float], expected: Int) throws -> [Int] {
        guard position < draws.count else {
            throw SamplingError.noCandidates("replay exhausted after \(draws.count) recorded draws")
        }
        let d = draws[position]
        guard d.count == expected else {
            throw SamplingError.invalidParameter("recorded draw \(position) has \(d.count) picks, the caller asked for \(expected)")
        }
        for i in d where i < 0 || i >= probabilities.count || !(probabilities[i] > 0) {
            throw SamplingError.noCandidates("recorded pick \(i) at draw \(position) has probability "
                + (i >= 0 && i < probabilities.count ? "\(probabilities[i])" : "out of range") + " here: the run diverged")
        }
        position += 1
        return d
    }

    public mutating func sample(_ probabilities: [Float]) throws -> Int {
        try nextDraw(probabilities, expected: 1)[0]
    }

    public mutating func sampleWithoutReplacement(_ probabilities: [Float], count: Int) throws -> [Int] {
        let positive = probabilities.reduce(0) { $0 + ($1 > 0 ? 1 : 0) }
        return try nextDraw(probabilities, expected: min(count, positive))
    }
}
