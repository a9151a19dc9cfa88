// Row-wise float32 helpers with torch's formulas (sums accumulated in Double, results rounded to Float):
//   softmax      exp(x − max) / Σ exp(x − max)       (−∞ → 0)
//   log_softmax  (x − max) − log Σ exp(x − max)
//   logsumexp    max + log Σ exp(x − max)
//   argmax       first index of the maximum (torch.argmax)
import Foundation

enum WhisperMath {
    static func softmax(_ x: [Float]) -> [Float] {
        guard let m = x.max(), m > -.infinity else { return [Float](repeating: .nan, count: x.count) }
        var e = [Float](repeating: 0, count: x.count)
        var sum = 0.0
        for i in x.indices {
            let v = expf(x[i] - m)
            e[i] = v
            sum += Double(v)
        }
        let s = Float(sum)
        for i in e.indices { e[i] /= s }
        return e
    }

    static func logSoftmax(_ x: [Float]) -> [Float] {
        guard let m = x.max(), m > -.infinity else { return [Float](repeating: .nan, count: x.count) }
        var sum = 0.0
        for v in x { sum += Double(expf(v - m)) }
        let logSum = Float(log(sum))
        return x.map { ($0 - m) - logSum }
    }

    static func logSumExp(_ x: ArraySlice<Float>) -> Float {
        guard let m = x.max(), m > -.infinity else { return -.infinity }
        var sum = 0.0
        for v in x { sum += Double(expf(v - m)) }
        return m + Float(log(sum))
    }

    static func argmax(_ x: [Float]) -> Int {
        var best = 0
        for i in x.indices where x[i] > x[best] { best = i }
        return best
    }
}
