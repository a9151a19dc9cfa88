// Softmax and log-softmax over the last axis (max-subtracted, Double-free but ordered).
import Foundation

extension Tensor {
    public func softmax() -> Tensor {
        var out = self
        out.softmaxInPlace()
        return out
    }

    public func logSoftmax() -> Tensor {
        var out = self
        out.logSoftmaxInPlace()
        return out
    }

    public mutating func softmaxInPlace() {
        let n = shape.last ?? 1
        let rows = count / Swift.max(n, 1)
        withUnsafeMutableBufferPointer { b in
            let base = b.baseAddress!
            Tensors.parallelFor(rows, minChunk: Swift.max(1, 8192 / Swift.max(n, 1))) { r in
                for row in r { Tensor.softmaxRow(base + row * n, n) }
            }
        }
    }

    public mutating func logSoftmaxInPlace() {
        let n = shape.last ?? 1
        let rows = count / Swift.max(n, 1)
        withUnsafeMutableBufferPointer { b in
            let base = b.baseAddress!
            Tensors.parallelFor(rows, minChunk: Swift.max(1, 8192 / Swift.max(n, 1))) { r in
                for row in r {
                    let p = base + row * n
                    var m = -Float.infinity
                    for j in 0..<n { m = Swift.max(m, p[j]) }
                    if m == -.infinity { continue } // all -inf: stays -inf
                    var s: Float = 0
                    for j in 0..<n { s += expf(p[j] - m) }
                    let lse = m + logf(s)
                    for j in 0..<n { p[j] -= lse }
                }
            }
        }
    }

    /// In-place softmax of one row; an all -inf row becomes all zeros.
    @inline(__always)
    public static func softmaxRow(_ p: UnsafeMutablePointer<Float>, _ n: Int) {
        var m = -Float.infinity
        for j in 0..<n { m = Swift.max(m, p[j]) }
        if m == -.infinity {
            p.update(repeating: 0, count: n)
            return
        }
        var s: Float = 0
        for j in 0..<n {
            let e = expf(p[j] - m)
            p[j] = e
            s += e
        }
        let inv = 1 / s
        for j in 0..<n { p[j] *= inv }
    }
}
