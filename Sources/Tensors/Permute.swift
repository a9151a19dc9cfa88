// Axis permutation (materialized copy, like torch's x.permute(...).contiguous()).
extension Tensor {
    /// Returns a contiguous tensor whose axis i is axis `order[i]` of self.
    public func permuted(_ order: [Int]) -> Tensor {
        precondition(order.count == rank && Set(order) == Set(0..<rank), "permute order \(order) invalid for rank \(rank)")
        if order == Array(0..<rank) { return self }
        let newShape = order.map { shape[$0] }
        let srcStrides = Tensor.strides(of: shape)
        let permStrides = order.map { srcStrides[$0] } // source stride of each output axis
        var out = Tensor(zeros: newShape)
        let n = count
        guard n > 0 else { return out }
        let src = pointer
        let r = rank
        // Innermost output axis is copied in a tight loop; outer indices are walked by a counter.
        let inner = newShape[r - 1]
        let innerStride = permStrides[r - 1]
        let outerCount = n / inner
        out.withUnsafeMutableBufferPointer { dstBuf in
            let dst = dstBuf.baseAddress!
            Tensors.parallelFor(outerCount, minChunk: Swift.max(1, 16384 / Swift.max(inner, 1))) { rows in
                var idx = [Int](repeating: 0, count: r)
                var rem = rows.lowerBound
                for ax in stride(from: r - 2, through: 0, by: -1) {
                    idx[ax] = rem % newShape[ax]
                    rem /= newShape[ax]
                }
                for row in rows {
                    var base = 0
                    for ax in 0..<(r - 1) { base += idx[ax] * permStrides[ax] }
                    let o = dst + row * inner
                    if innerStride == 1 {
                        o.update(from: src + base, count: inner)
                    } else {
                        var s = base
                        for j in 0..<inner { o[j] = src[s]; s += innerStride }
                    }
                    // Advance the multi-index over the outer axes.
                    var ax = r - 2
                    while ax >= 0 {
                        idx[ax] += 1
                        if idx[ax] < newShape[ax] { break }
                        idx[ax] = 0
                        ax -= 1
                    }
                }
            }
        }
        return out
    }

    /// Swaps two axes (materialized). Negative axes count from the end.
    public func transposed(_ a: Int, _ b: Int) -> Tensor {
        var order = Array(0..<rank)
        order.swapAt(normalizeAxis(a), normalizeAxis(b))
        return permuted(order)
    }

    /// Maps a possibly negative axis into 0..<rank.
    public func normalizeAxis(_ axis: Int) -> Int {
        let a = axis < 0 ? axis + rank : axis
        precondition(a >= 0 && a < rank, "axis \(axis) out of range for rank \(rank)")
        return a
    }
}
