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
        let n = envelope.count
        if n == 0 { return [] }
        let rate = Double(max(sampleRate, 1))
        let look = max(1, Int((settings.lookahead * rate).rounded()))
        let hold = max(0, Int((settings.hold * rate).rounded()))
        let n1 = (look + 1) / 2
        let n2 = look + 1 - n1
        let beta = settings.release > 0 ? 1 - exp(-1 / (settings.release * rate)) : 1
        let threshold = settings.ceilingDBTP - preGainDB  // envelope level (dB) above which reduction is needed
        let thresholdLinear = Float(pow(10, threshold / 20))

        // Positions p = k + look cover k ∈ [−look, n − 1]: the curve may start falling before sample 0.
        let total = n + look
        var required = [Double](repeating: 0, count: n)
        envelope.withUnsafeBufferPointer { e in
            for j in 0..<n where e[j] > thresholdLinear {
                required[j] = threshold - 20 * log10(Double(e[j]))
            }
        }
        // m[k] = min required[j], j ∈ [k − hold, k + look − 1] ∩ [0, n): monotonic deque of indices.
        var held = [Double](repeating: 0, count: total)
        var deque = [Int](repeating: 0, count: n)
        var head = 0, tail = 0
        var next = 0  // next j to push
        required.withUnsafeBufferPointer { r in
            held.withUnsafeMutableBufferPointer { m in
                deque.withUnsafeMutableBufferPointer { dq in
                    for p in 0..<total {
                        let k = p - look
                        let hi = min(n - 1, k + look - 1)
                        while next <= hi {
                            while tail > head, r[dq[tail - 1]] >= r[next] { tail -= 1 }
                            dq[tail] = next
                            tail += 1
                            next += 1
                        }
                        while tail > head, dq[head] < k - hold { head += 1 }
                        m[p] = tail > head ? min(0, r[dq[head]]) : 0
                    }
                }
            }
        }
        // Release (in place): instant fall, exponential recovery.
        held.withUnsafeMutableBufferPointer { m in
            var h = 0.0
            for p in 0..<total {
                h = m[p] <= h ? m[p] : h + (m[p] - h) * beta
                m[p] = h
            }
        }
        // Attack smoothing: two causal moving averages (values before position 0 are 0 dB).
        let first = movingAverage(held, length: n1)
        let second = movingAverage(first, length: n2)
        return Array(second[look...])
    }

    /// `samples` scaled by `preGainDB` and limited: y[i] = x[i] · 10^((preGain + g[i])/20).
    /// Returns the output and the largest gain reduction applied (dB, ≥ 0).
    public static func apply(_ samples: [Float], envelope: [Float], preGainDB: Double, sampleRate: Int,
                             settings: LimiterSettings = .default) -> (samples: [Float], maxReductionDB: Double) {
        precondition(samples.count == envelope.count, "envelope has \(envelope.count) values for \(samples.count) samples")
        let curve = gainCurveDB(envelope: envelope, preGainDB: preGainDB, sampleRate: sampleRate, settings: settings)
        var out = [Float](repeating: 0, count: samples.count)
        var deepest = 0.0
        let unity = pow(10, preGainDB / 20)
        samples.withUnsafeBufferPointer { x in
            curve.withUnsafeBufferPointer { g in
                out.withUnsafeMutableBufferPointer { y in
                    for i in 0..<x.count {
                        if g[i] < deepest { deepest = g[i] }
                        let gain = g[i] == 0 ? unity : pow(10, (preGainDB + g[i]) / 20)
                        y[i] = Float(Double(x[i]) * gain)
                    }
                }
            }
        }
        return (out, -deepest)
    }

    /// Causal moving average of `length` values (values before the start count as 0). A window of
    /// zeros gives exactly 0 (the running sum is reset there, so no rounding residue survives a peak).
    private static func movingAverage(_ v: [Double], length: Int) -> [Double] {
        guard length > 1 else { return v }
        var out = [Double](repeating: 0, count: v.count)
        v.withUnsafeBufferPointer { a in
            out.withUnsafeMutableBufferPointer { o in
                var sum = 0.0
                var nonZero = 0
                let scale = 1 / Double(length)
                for i in 0..<a.count {
                    sum += a[i]
                    if a[i] != 0 { nonZero += 1 }
                    if i >= length {
                        sum -= a[i - length]
                        if a[i - length] != 0 { nonZero -= 1 }
                    }
                    if nonZero == 0 { sum = 0 }
                    o[i] = sum * scale
                }
            }
        }
        return out
    }
}
