// Look-ahead true-peak limiter: a smooth gain curve that keeps the oversampled peak envelope
// (TruePeakEnvelope) of `preGain · x` under a ceiling, without clipping and without pumping.
//
// Gain computer, in dB, offline over the whole buffer (N = look-ahead, H = hold, in samples):
//   1. required reduction  r[j] = min(0, ceiling − preGain − 20·log10 e[j])   (0 where e[j] = 0);
//   2. hold + look-ahead    m[k] = min r[j] over j ∈ [k − H, k + N − 1]       (sliding minimum);
//   3. release              h[k] = m[k] if m[k] ≤ h[k−1], else h[k−1] + (m[k] − h[k−1])·(1 − e^(−1/(τ·fs)))
//                           (instant fall, exponential recovery with time constant τ; h ≤ m);
//   4. attack smoothing     g = h through two causal moving averages of N₁ + N₂ − 1 = N samples
//                           (a linear ramp rounded into an S-curve, spread over the look-ahead).
// Every h[k] averaged into g[i] has k ∈ [i − N + 1, i], whose window in step 2 contains i, so
// g[i] ≤ m[k] ≤ r[i]: the gain never lets the envelope exceed the ceiling, and gain reduction
// starts N samples before the peak that needs it. The curve changes by at most (depth)/max(N₁, N₂)
// dB per sample while it falls and by (depth)·(1 − e^(−1/(τ·fs))) while it recovers; a quiet
// signal (envelope under the ceiling everywhere) gets no reduction at all.
// The computation is sequential double-precision arithmetic: the same input gives the same bytes.
import Foundation

public struct LimiterSettings: Sendable, Equatable, Codable {
    /// Ceiling for the oversampled peak envelope after the limiter, dBTP.
    public var ceilingDBTP: Double
    /// Look-ahead: gain reduction ramps in over this time before a peak (seconds).
    public var lookahead: Double
    /// Reduction is held this long after the last sample that needed it before release starts (seconds).
    public var hold: Double
    /// Release time constant (seconds).
    public var release: Double

    public init(ceilingDBTP: Double = -3.3, lookahead: Double = 0.005, hold: Double = 0.020, release: Double = 0.100) {
        self.ceilingDBTP = ceilingDBTP
        self.lookahead = lookahead
        self.hold = hold
        self.release = release
    }

    public static let `default` = LimiterSettings()
}

public enum PeakLimiter {
    /// The limiter's gain curve in dB (each value ≤ 0) for a signal with true-peak `envelope`
    /// that is first scaled by `preGainDB`.
    public static func gainCurveDB(envelope: [Float], preGainDB: Double, sampleRate: Int,
                                   settings: LimiterSettings = .default) -> [Double] {
        var curve = [Double](repeating: 0, count: envelope.count)
        curve.withUnsafeMutableBufferPointer { c in
            forEachGain(envelope: envelope, preGainDB: preGainDB, sampleRate: sampleRate, settings: settings) { c[$0] = $1 }
        }
        return curve
    }

    /// `samples` scaled by `preGainDB` and limited: y[i] = x[i] · 10^((preGain + g[i])/20).
    /// Returns the output and the largest gain reduction applied (dB, ≥ 0).
    public static func apply(_ samples: [Float], envelope: [Float], preGainDB: Double, sampleRate: Int,
                             settings: LimiterSettings = .default) -> (samples: [Float], maxReductionDB: Double) {
        precondition(samples.count == envelope.count, "envelope has \(envelope.count) values for \(samples.count) samples")
        var out = [Float](repeating: 0, count: samples.count)
        var deepest = 0.0
        let unity = pow(10, preGainDB / 20)
        samples.withUnsafeBufferPointer { x in
            out.withUnsafeMutableBufferPointer { y in
                forEachGain(envelope: envelope, preGainDB: preGainDB, sampleRate: sampleRate, settings: settings) { i, g in
                    if g < deepest { deepest = g }
                    y[i] = Float(Double(x[i]) * (g == 0 ? unity : pow(10, (preGainDB + g) / 20)))
                }
            }
        }
        return (out, -deepest)
    }

    /// The gain computer of the header in one streaming pass: calls `body(i, g[i])` for i = 0, 1, …,
    /// n − 1 in order, holding only the hold + look-ahead window (no per-sample arrays).
    private static func forEachGain(envelope: [Float], preGainDB: Double, sampleRate: Int, settings: LimiterSettings,
                                    _ body: (Int, Double) -> Void) {
        let n = envelope.count
        if n == 0 { return }
        let rate = Double(max(sampleRate, 1))
        let look = max(1, Int((settings.lookahead * rate).rounded()))
        let hold = max(0, Int((settings.hold * rate).rounded()))
        let n1 = (look + 1) / 2
        let n2 = look + 1 - n1
        let beta = settings.release > 0 ? 1 - exp(-1 / (settings.release * rate)) : 1
        let threshold = settings.ceilingDBTP - preGainDB  // envelope level (dB) above which reduction is needed
        let thresholdLinear = Float(pow(10, threshold / 20))

        // Sliding minimum of r over j ∈ [k − hold, k + look − 1]: a monotonic deque of (j, r[j]) in a
        // ring of hold + look + 1 slots (only j with r[j] < 0 enter it; an empty deque means 0).
        let slots = hold + look + 1
        var dqIndex = [Int](repeating: 0, count: slots)
        var dqValue = [Double](repeating: 0, count: slots)
        var head = 0, count = 0
        var box1 = MovingAverage(length: n1)
        var box2 = MovingAverage(length: n2)
        var h = 0.0
        envelope.withUnsafeBufferPointer { e in
            // Positions p = k + look cover k ∈ [−look, n − 1]: the curve may start falling before sample 0.
            for p in 0..<(n + look) {
                let k = p - look
                let j = p - 1  // the newest index the window of k reaches
                if j >= 0, j < n, e[j] > thresholdLinear {
                    let r = threshold - 20 * log10(Double(e[j]))
                    while count > 0, dqValue[(head + count - 1) % slots] >= r { count -= 1 }
                    dqIndex[(head + count) % slots] = j
                    dqValue[(head + count) % slots] = r
                    count += 1
                }
                while count > 0, dqIndex[head] < k - hold {
                    head = (head + 1) % slots
                    count -= 1
                }
                let m = count > 0 ? dqValue[head] : 0
                h = m <= h ? m : h + (m - h) * beta  // release: instant fall, exponential recovery
                let g = box2.push(box1.push(h))
                if k >= 0 { body(k, g) }
            }
        }
    }
}

/// Causal moving average of the last `length` values (values before the start count as 0). A window of
/// zeros gives exactly 0 (the running sum is reset there, so no rounding residue survives a peak).
private struct MovingAverage {
    private var ring: [Double]
    private var at = 0
    private var sum = 0.0
    private var nonZero = 0
    private let scale: Double

    init(length: Int) {
        ring = [Double](repeating: 0, count: max(1, length))
        scale = 1 / Double(max(1, length))
    }

    mutating func push(_ v: Double) -> Double {
        let old = ring[at]
        ring[at] = v
        at = at + 1 == ring.count ? 0 : at + 1
        sum += v - old
        if v != 0 { nonZero += 1 }
        if old != 0 { nonZero -= 1 }
        if nonZero == 0 { sum = 0 }
        return sum * scale
    }
}
