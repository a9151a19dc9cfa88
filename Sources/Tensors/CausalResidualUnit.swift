// A causal residual unit computed tile by tile:
//   y = x + conv2(act(conv1(a)))
// conv1: (C, C, K) with dilation d, stride 1, causal (left zero pad (K − 1)·d, no right pad);
// conv2: pointwise (C, C, 1); act: an in-place, per-channel, element-wise activation.
//
// Composed from separate ops, every stage is a full pass over (B, C, T) tensors: pad, fill with bias, conv1, act,
// copy the residual, add the bias, conv2. At codec sizes (T up to 240 000 per 10 s) each of those passes goes to
// DRAM. Here each time tile of conv1dTile columns runs the whole unit while its conv1 output is in cache:
// im2col of the tile (zeros left of t = 0, read in place by im2col1d), h = b1 + W1 · cols, act(h), y = (x + b2) + W2 · h.
//
// The arithmetic is the composition's: conv1's GEMMs are the same calls on the same tiles as `Tensor.conv1d`, the
// biases and the residual are added before the products as there, and `act` sees each channel's row in segments
// that start at multiples of 256 values (so block-wise activations like `VectorMath.snake` treat every element as
// over the whole row). Only conv2 differs in the last bits: it runs per tile, and OpenBLAS's Haswell sgemm rounds
// some columns differently depending on the column count of the call. Tiles are fixed from t = 0 (shape only), so
// results never depend on the thread count.
extension Tensor {
    /// `self` is the unit's input after the first activation, a (B, C, T); `residual` is x (B, C, T).
    /// `weight1` (C, C, K), `bias1` (C) or nil, `weight2` (C, C, 1), `bias2` (C) or nil.
    /// `activation(channel, row, count)` transforms `count` values of one channel in place.
    public func causalResidualUnit(residual: Tensor, weight1: Tensor, bias1: Tensor?, dilation: Int,
                                   weight2: Tensor, bias2: Tensor?,
                                   activation: (_ channel: Int, _ row: UnsafeMutablePointer<Float>, _ count: Int) -> Void) -> Tensor {
        precondition(rank == 3 && residual.shape == shape, "causal residual unit: input \(shape), residual \(residual.shape)")
        let (bsz, c, t) = (shape[0], shape[1], shape[2])
        let k = weight1.rank == 3 ? weight1.shape[2] : 0
        precondition(weight1.shape == [c, c, k] && k >= 1 && dilation >= 1,
                     "causal residual unit: conv1 weight \(weight1.shape) for \(c) channels, dilation \(dilation)")
        precondition(weight2.shape == [c, c, 1], "causal residual unit: conv2 weight \(weight2.shape) for \(c) channels")
        precondition((bias1?.count ?? c) == c && (bias2?.count ?? c) == c, "causal residual unit: bias sizes differ from \(c)")
        guard t > 0 else { return residual }
        let rows = c * k, pad = (k - 1) * dilation
        var tile = Tensor.conv1dTile(rows: rows, lout: t)
        if tile < t { tile = Swift.max(256, tile / 256 * 256) }
        let tiles = (t + tile - 1) / tile
        var out = Tensor(uninitialized: shape) // every element is written below
        let a = pointer, x = residual.pointer, w1 = weight1.pointer, w2 = weight2.pointer
        let b1 = bias1?.pointer, b2 = bias2?.pointer
        out.withUnsafeMutableBufferPointer { ob in
            let o = ob.baseAddress!
            for bi in 0..<bsz {
                let ab = a + bi * c * t, xb = x + bi * c * t, yb = o + bi * c * t
                Tensors.parallelFor(tiles) { range in
                    let scratchBytes = (rows + c) * tile * MemoryLayout<Float>.stride
                    let raw = BufferPool.take(scratchBytes)
                    defer { BufferPool.give(raw, bytes: scratchBytes) }
                    let cols = raw.bindMemory(to: Float.self, capacity: (rows + c) * tile)
                    let h = cols + rows * tile
                    for ti in range {
                        let t0 = ti * tile, nt = Swift.min(tile, t - t0)
                        Tensor.im2col1d(x: ab, lp: t, cinG: c, k: k, t0: t0, nt: nt, stride: 1, dilation: dilation,
                                        zerosLeft: pad, cols: cols)
                        for ch in 0..<c { (h + ch * nt).update(repeating: b1?[ch] ?? 0, count: nt) }
                        BLAS.rawSgemm(false, false, c, nt, rows, 1, w1, rows, cols, nt, 1, h, nt) // h (C, nt) += W1 · cols
                        for ch in 0..<c { activation(ch, h + ch * nt, nt) }
                        for ch in 0..<c {
                            let src = xb + ch * t + t0, dst = yb + ch * t + t0
                            if let b2 {
                                let v = b2[ch]
                                for j in 0..<nt { dst[j] = src[j] + v }
                            } else {
                                dst.update(from: src, count: nt)
                            }
                        }
                        BLAS.rawSgemm(false, false, c, nt, c, 1, w2, c, h, nt, 1, yb + t0, t) // y (C, nt) += W2 · h
                    }
                }
            }
        }
        return out
    }
}
