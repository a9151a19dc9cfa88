// Row-wise float32 helpers with torch's formulas (sums accumulated in Double, results rounded to Float):
//   softmax      exp(x − max) / Σ exp(x − max)       (−∞ → 0)
//   log_softmax  (x − max) − log Σ exp(x − max)
//   argmax       first index of the maximum (torch.argmax)
// The loops run over raw buffers: they see every decode step's 51 864 logits several times.
import Foundation

enum WhisperMath {
    static func max(_ p: UnsafeBufferPointer<Float>) -> Float {
        var m = -Float.infinity
        var i = 0
        while i < p.count { if p[i] > m { m = p[i] }; i += 1 }
        return m
    }

    /// Σ exp(x − m) in Double.
    static func sumExp(_ p: UnsafeBufferPointer<Float>, minus m: Float) -> Double {
        var s = 0.0
        var i = 0
        while i < p.count { s += Double(expf(p[i] - m)); i += 1 }
        return s
    }

    static func softmax(_ x: [Float]) -> [Float] {
        x.withUnsafeBufferPointer { p in
            let m = max(p)
            guard m > -.infinity else { return [Float](repeating: .nan, count: p.count) }
            var e = [Float](repeating: 0, count: p.count)
            var sum = 0.0
            e.withUnsafeMutableBufferPointer { o in
                var i = 0
                while i < p.count { let v = expf(p[i] - m); o[i] = v; sum += Double(v); i += 1 }
                let s = Float(sum)
                i = 0
                while i < p.count { o[i] /= s; i += 1 }
            }
            return e
        }
    }

    /// log_softmax(x)[index], formed as the full log-softmax forms it.
    static func logSoftmax(_ x: [Float], at index: Int) -> Float {
        x.withUnsafeBufferPointer { p in
            let m = max(p)
            guard m > -.infinity else { return .nan }
            return (p[index] - m) - Float(log(sumExp(p, minus: m)))
        }
    }

    static func argmax(_ x: [Float]) -> Int {
        x.withUnsafeBufferPointer { p in
            var best = 0
            var i = 1
            while i < p.count { if p[i] > p[best] { best = i }; i += 1 }
            return best
        }
    }

    /// x[range] = −∞
    static func mask(_ x: inout [Float], _ range: Range<Int>) {
        guard !range.isEmpty else { return }
        x.withUnsafeMutableBufferPointer { p in (p.baseAddress! + range.lowerBound).update(repeating: -.infinity, count: range.count) }
    }
}
