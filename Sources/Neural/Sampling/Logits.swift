// Row-wise helpers on Float32 scores, following torch's CPU kernels where it matters:
//   softmax      y = exp(x − max) · (1 / Σ exp(x − max))   (−∞ entries → 0; torch multiplies by the reciprocal)
//   log_softmax  y = (x − max) − log Σ exp(x − max)
//   argmax       first index of the maximum (torch.argmax)
//   topk         values descending; equal values in index order
// Sums are accumulated in Double (torch accumulates float vectors lane-wise; the
// difference is below one float ulp of the result).
import Foundation

public enum Logits {
    public static func softmax(_ x: [Float]) -> [Float] {
        guard let m = x.max(), m > -.infinity else { return [Float](repeating: .nan, count: x.count) }
        var e = [Float](repeating: 0, count: x.count)
        var sum = 0.0
        for i in x.indices {
            let v = Foundation.exp(x[i] - m)
            e[i] = v
            sum += Double(v)
        }
        let r = 1 / Float(sum)
        for i in e.indices { e[i] = e[i] * r }
        return e
    }

    public static func logSoftmax(_ x: [Float]) -> [Float] {
        guard let m = x.max(), m > -.infinity else { return [Float](repeating: .nan, count: x.count) }
        var sum = 0.0
        for v in x { sum += Double(Foundation.exp(v - m)) }
        let logSum = Float(Foundation.log(Float(sum)))
        return x.map { ($0 - m) - logSum }
    }

    /// torch.argmax: the first index of the largest value (NaN-free input).
    public static func argmax(_ x: [Float]) -> Int {
        var best = 0
        for i in x.indices where x[i] > x[best] { best = i }
        return best
    }

    /// The k largest values (descending) and their indices; ties in index order.
    public static func topK(_ x: [Float], _ k: Int) -> (values: [Float], indices: [Int]) {
        let k = min(k, x.count)
        let order = x.indices.sorted { x[$0] > x[$1] || (x[$0] == x[$1] && $0 < $1) }.prefix(k)
        return (order.map { x[$0] }, Array(order))
    }

    /// The k-th largest value (1-based k), counting duplicates, as torch.topk(x, k)[0][-1].
    /// Keeps the k largest seen so far in an ascending array (most values are rejected by one comparison), so a
    /// top-50 over the code predictor's 2 048 logits costs a few µs instead of a full sort; large k sorts.
    public static func kthLargest(_ x: [Float], _ k: Int) -> Float {
        precondition(k >= 1 && k <= x.count, "k = \(k) outside 1…\(x.count)")
        guard k <= 256 else {
            var sorted = x
            sorted.sort(by: >)
            return sorted[k - 1]
        }
        var kept = [Float]() // ascending, at most k
        kept.reserveCapacity(k + 1)
        for v in x {
            if kept.count == k {
                guard v > kept[0] else { continue }
                kept.removeFirst()
            }
            var lo = 0, hi = kept.count // first index with kept[i] > v
            while lo < hi {
                let mid = (lo + hi) / 2
                if kept[mid] > v { hi = mid } else { lo = mid + 1 }
            }
            kept.insert(v, at: lo)
        }
        return kept[0]
    }
}
