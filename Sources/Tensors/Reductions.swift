// Reductions along one axis. Each output element is reduced sequentially in index
// order (Double accumulation for sums), so results never depend on the thread count.
public enum ReduceOp: Sendable { case sum, mean, max, min }

extension Tensor {
    /// Reduces `axis`; the axis is kept with size 1 when `keepDims`.
    public func reduce(_ op: ReduceOp, axis: Int, keepDims: Bool = false) -> Tensor {
        let ax = normalizeAxis(axis)
        let n = shape[ax]
        precondition(n > 0 || op == .sum, "cannot take \(op) over an empty axis")
        let outer = shape[..<ax].reduce(1, *)
        let inner = shape[(ax + 1)...].reduce(1, *)
        var newShape = shape
        if keepDims { newShape[ax] = 1 } else { newShape.remove(at: ax) }
        var out = Tensor(zeros: newShape)
        let src = pointer
        out.withUnsafeMutableBufferPointer { ob in
            let o = ob.baseAddress!
            Tensors.parallelFor(outer * inner, minChunk: Swift.max(1, 4096 / Swift.max(n, 1))) { r in
                for idx in r {
                    let oi = idx / inner, ii = idx % inner
                    let base = src + oi * n * inner + ii
                    switch op {
                    case .sum, .mean:
                        var acc = 0.0
                        for j in 0..<n { acc += Double(base[j * inner]) }
                        o[idx] = Float(op == .mean ? acc / Double(n) : acc)
                    case .max:
                        var m = base[0]
                        for j in 1..<Swift.max(n, 1) { m = Swift.max(m, base[j * inner]) }
                        o[idx] = m
                    case .min:
                        var m = base[0]
                        for j in 1..<Swift.max(n, 1) { m = Swift.min(m, base[j * inner]) }
                        o[idx] = m
                    }
                }
            }
        }
        return out
    }

    public func sum(axis: Int, keepDims: Bool = false) -> Tensor { reduce(.sum, axis: axis, keepDims: keepDims) }
    public func mean(axis: Int, keepDims: Bool = false) -> Tensor { reduce(.mean, axis: axis, keepDims: keepDims) }
    public func max(axis: Int, keepDims: Bool = false) -> Tensor { reduce(.max, axis: axis, keepDims: keepDims) }

    /// Sum of all elements (Double accumulation in fixed blocks, combined in order).
    public func sumAll() -> Double {
        let n = count
        let block = 1 << 16
        let blocks = (n + block - 1) / block
        var partial = [Double](repeating: 0, count: Swift.max(blocks, 1))
        let src = pointer
        partial.withUnsafeMutableBufferPointer { pb in
            let p = pb.baseAddress!
            Tensors.parallelFor(blocks) { r in
                for bi in r {
                    var acc: Float = 0, acc2: Float = 0, acc3: Float = 0, acc4: Float = 0
                    let lo = bi * block, hi = Swift.min(n, lo + block)
                    var i = lo
                    while i + 4 <= hi {
                        acc += src[i]; acc2 += src[i + 1]; acc3 += src[i + 2]; acc4 += src[i + 3]
                        i += 4
                    }
                    while i < hi { acc += src[i]; i += 1 }
                    p[bi] = Double(acc) + Double(acc2) + Double(acc3) + Double(acc4)
                }
            }
        }
        return partial.reduce(0, +)
    }

    /// Index of the maximum along the last axis for each row (first index wins ties).
    public func argmaxLastAxis() -> [Int] {
        let n = shape.last ?? 1
        let rows = count / Swift.max(n, 1)
        let src = pointer
        return (0..<rows).map { r in
            let p = src + r * n
            var best = 0
            for j in 1..<Swift.max(n, 1) where p[j] > p[best] { best = j }
            return best
        }
    }
}
