// 1-D convolution (torch.nn.functional.conv1d semantics, plus padding modes) via
// im2col + sgemm. Input (B, Cin, L) or (Cin, L); weight (Cout, Cin/groups, K).
// Channels-per-group == 1 (depthwise) runs a direct loop instead of a degenerate GEMM.

public struct Conv1dSpec: Sendable, Equatable {
    public var stride: Int
    public var padLeft: Int
    public var padRight: Int
    public var dilation: Int
    public var groups: Int
    public var paddingMode: PaddingMode

    public init(stride: Int = 1, padding: Int = 0, dilation: Int = 1, groups: Int = 1, paddingMode: PaddingMode = .zeros) {
        self.init(stride: stride, padLeft: padding, padRight: padding, dilation: dilation, groups: groups, paddingMode: paddingMode)
    }

    public init(stride: Int = 1, padLeft: Int, padRight: Int, dilation: Int = 1, groups: Int = 1, paddingMode: PaddingMode = .zeros) {
        precondition(stride >= 1 && dilation >= 1 && groups >= 1, "conv1d stride/dilation/groups must be ≥ 1")
        self.stride = stride
        self.padLeft = padLeft
        self.padRight = padRight
        self.dilation = dilation
        self.groups = groups
        self.paddingMode = paddingMode
    }

    /// Output length for input length `length` and kernel size `kernel`.
    public func outputLength(_ length: Int, kernel: Int) -> Int {
        (length + padLeft + padRight - dilation * (kernel - 1) - 1) / stride + 1
    }
}

/// Scratch-size bound for one im2col tile (floats); keeps the column buffer cache/memory friendly.
let im2colTileFloats = 1 << 23

extension Tensor {
    public func conv1d(weight: Tensor, bias: Tensor? = nil, stride: Int = 1, padding: Int = 0, dilation: Int = 1,
                       groups: Int = 1, paddingMode: PaddingMode = .zeros) -> Tensor {
        conv1d(weight: weight, bias: bias, spec: Conv1dSpec(stride: stride, padding: padding, dilation: dilation,
                                                            groups: groups, paddingMode: paddingMode))
    }

    /// With `residual` (shape (B, Cout, Lout)), returns residual + conv(self) (the GEMM accumulates onto it).
    public func conv1d(weight: Tensor, bias: Tensor? = nil, spec: Conv1dSpec, residual: Tensor? = nil) -> Tensor {
        let batched = rank == 3
        precondition(rank == 2 || rank == 3, "conv1d input must be (B, C, L) or (C, L), got \(shape)")
        let x3 = batched ? self : reshaped([1] + shape)
        let (bsz, cin, _) = (x3.shape[0], x3.shape[1], x3.shape[2])
        precondition(weight.rank == 3, "conv1d weight must be (Cout, Cin/groups, K), got \(weight.shape)")
        let (cout, cinG, k) = (weight.shape[0], weight.shape[1], weight.shape[2])
        let g = spec.groups
        precondition(cin % g == 0 && cout % g == 0 && cinG == cin / g,
                     "conv1d: input channels \(cin), weight \(weight.shape), groups \(g) do not agree")
        if let b = bias { precondition(b.count == cout, "conv1d bias has \(b.count) values, expected \(cout)") }
        let xp = x3.padded(axis: 2, left: spec.padLeft, right: spec.padRight, mode: spec.paddingMode) // (B, Cin, Lp)
        let lp = xp.shape[2]
        let lout = (lp - spec.dilation * (k - 1) - 1) / spec.stride + 1
        precondition(lout >= 1, "conv1d: padded length \(lp) is shorter than the dilated kernel \(spec.dilation * (k - 1) + 1)")
        var out: Tensor // (B, Cout, Lout)
        if let res = residual {
            precondition(res.count == bsz * cout * lout, "conv1d residual \(res.shape) does not match output \([bsz, cout, lout])")
            out = res.reshaped([bsz, cout, lout])
        } else {
            out = Tensor(zeros: [bsz, cout, lout])
        }
        let coutG = cout / g
        let s = spec.stride, d = spec.dilation
        let xpp = xp.pointer, wp = weight.pointer
        out.withUnsafeMutableBufferPointer { ob in
            let o = ob.baseAddress!
            if let b = bias {
                let bp = b.pointer
                if residual == nil {
                    for bi in 0..<bsz { for co in 0..<cout { (o + (bi * cout + co) * lout).update(repeating: bp[co], count: lout) } }
                } else {
                    for bi in 0..<bsz { for co in 0..<cout {
                        let row = o + (bi * cout + co) * lout, v = bp[co]
                        for t in 0..<lout { row[t] += v }
                    } }
                }
            }
            if cinG == 1 {
                Tensor.depthwiseConv1d(x: xpp, lp: lp, w: wp, k: k, out: o, lout: lout, batch: bsz, cin: cin,
                                       cout: cout, coutG: coutG, stride: s, dilation: d)
                return
            }
            let rows = cinG * k
            for bi in 0..<bsz {
                for gi in 0..<g {
                    let xg = xpp + (bi * cin + gi * cinG) * lp
                    let wg = wp + gi * coutG * rows
                    let og = o + (bi * cout + gi * coutG) * lout
                    if k == 1 && s == 1 {
                        BLAS.sgemm(m: coutG, n: lout, k: cinG, a: wg, lda: rows, b: xg, ldb: lp, beta: 1, c: og, ldc: lout)
                        continue
                    }
                    // Fixed time tiles (shape-only, so results do not depend on the thread count); each
                    // worker builds its tile's columns and runs one single-threaded GEMM over all outputs.
                    let tile = Tensor.conv1dTile(rows: rows, lout: lout)
                    let tiles = (lout + tile - 1) / tile
                    Tensors.parallelFor(tiles) { r in
                        let cols = UnsafeMutablePointer<Float>.allocate(capacity: rows * tile)
                        defer { cols.deallocate() }
                        for ti in r {
                            let t0 = ti * tile, nt = Swift.min(tile, lout - t0)
                            Tensor.im2col1d(x: xg, lp: lp, cinG: cinG, k: k, t0: t0, nt: nt, stride: s, dilation: d, cols: cols)
                            BLAS.rawSgemm(false, false, coutG, nt, rows, 1, wg, rows, cols, nt, 1, og + t0, lout)
                        }
                    }
                }
            }
        }
        return batched ? out : out.reshaped([cout, lout])
    }

    /// Columns per im2col tile: 512 (fewer for very tall column matrices), never more than the output.
    static func conv1dTile(rows: Int, lout: Int) -> Int {
        Swift.min(lout, Swift.max(64, Swift.min(512, im2colTileFloats / Swift.max(rows, 1))))
    }

    /// cols[(c·K + k), j] = x[c, (t0 + j)·stride + k·dilation − zerosLeft] for j < nt (one worker), 0 where that
    /// index is negative: `zerosLeft` is a causal zero padding read in place instead of copied (stride 1 only).
    static func im2col1d(x: UnsafePointer<Float>, lp: Int, cinG: Int, k: Int, t0: Int, nt: Int, stride: Int,
                         dilation: Int, zerosLeft: Int = 0, cols: UnsafeMutablePointer<Float>) {
        precondition(zerosLeft == 0 || stride == 1, "im2col1d: virtual left zeros need stride 1")
        for row in 0..<(cinG * k) {
            let c = row / k, kk = row % k
            let start = t0 * stride + kk * dilation - zerosLeft // source index of column 0
            let dst = cols + row * nt
            if stride == 1 {
                let zeros = Swift.min(nt, Swift.max(0, -start))
                if zeros > 0 { dst.update(repeating: 0, count: zeros) }
                if zeros < nt { (dst + zeros).update(from: x + c * lp + start + zeros, count: nt - zeros) }
            } else {
                let src = x + c * lp + start
                for j in 0..<nt { dst[j] = src[j * stride] }
            }
        }
    }

    /// Direct loop for one input channel per group (depthwise / channel-multiplier convs); out holds the bias.
    static func depthwiseConv1d(x: UnsafePointer<Float>, lp: Int, w: UnsafePointer<Float>, k: Int,
                                out: UnsafeMutablePointer<Float>, lout: Int, batch: Int, cin: Int, cout: Int,
                                coutG: Int, stride: Int, dilation: Int) {
        Tensors.parallelFor(batch * cout, minChunk: Swift.max(1, 8192 / Swift.max(lout * k, 1))) { r in
            for row in r {
                let bi = row / cout, co = row % cout
                let xi = x + (bi * cin + co / coutG) * lp
                let o = out + row * lout
                let wr = w + co * k
                for kk in 0..<k {
                    let wv = wr[kk]
                    let src = xi + kk * dilation
                    if stride == 1 {
                        for t in 0..<lout { o[t] += wv * src[t] }
                    } else {
                        for t in 0..<lout { o[t] += wv * src[t * stride] }
                    }
                }
            }
        }
    }
}
