// Transposed 1-D convolution (torch.nn.functional.conv_transpose1d) via sgemm + col2im.
// Input (B, Cin, L) or (Cin, L); weight (Cin, Cout/groups, K).
// Output length (L − 1)·stride − 2·padding + dilation·(K − 1) + outputPadding + 1.

public struct ConvTranspose1dSpec: Sendable, Equatable {
    public var stride: Int
    public var padding: Int
    public var outputPadding: Int
    public var dilation: Int
    public var groups: Int

    public init(stride: Int = 1, padding: Int = 0, outputPadding: Int = 0, dilation: Int = 1, groups: Int = 1) {
        precondition(stride >= 1 && dilation >= 1 && groups >= 1, "conv_transpose1d stride/dilation/groups must be ≥ 1")
        self.stride = stride
        self.padding = padding
        self.outputPadding = outputPadding
        self.dilation = dilation
        self.groups = groups
    }

    public func outputLength(_ length: Int, kernel: Int) -> Int {
        (length - 1) * stride - 2 * padding + dilation * (kernel - 1) + outputPadding + 1
    }
}

extension Tensor {
    public func convTranspose1d(weight: Tensor, bias: Tensor? = nil, stride: Int = 1, padding: Int = 0,
                                outputPadding: Int = 0, dilation: Int = 1, groups: Int = 1) -> Tensor {
        convTranspose1d(weight: weight, bias: bias, spec: ConvTranspose1dSpec(
            stride: stride, padding: padding, outputPadding: outputPadding, dilation: dilation, groups: groups))
    }

    public func convTranspose1d(weight: Tensor, bias: Tensor? = nil, spec: ConvTranspose1dSpec) -> Tensor {
        let batched = rank == 3
        precondition(rank == 2 || rank == 3, "conv_transpose1d input must be (B, C, L) or (C, L), got \(shape)")
        let x3 = batched ? self : reshaped([1] + shape)
        let (bsz, cin, l) = (x3.shape[0], x3.shape[1], x3.shape[2])
        precondition(weight.rank == 3 && weight.shape[0] == cin && cin % spec.groups == 0,
                     "conv_transpose1d weight must be (Cin=\(cin), Cout/groups, K), got \(weight.shape)")
        let g = spec.groups
        let coutG = weight.shape[1], k = weight.shape[2]
        let cout = coutG * g, cinG = cin / g
        if let b = bias { precondition(b.count == cout, "conv_transpose1d bias has \(b.count) values, expected \(cout)") }
        let lout = spec.outputLength(l, kernel: k)
        precondition(lout >= 1, "conv_transpose1d output length \(lout) < 1")
        var out = Tensor(zeros: [bsz, cout, lout]) // (B, Cout, Lout)
        let rows = coutG * k
        let xp = x3.pointer, wp = weight.pointer
        let (s, p, d) = (spec.stride, spec.padding, spec.dilation)
        out.withUnsafeMutableBufferPointer { ob in
            let o = ob.baseAddress!
            if let b = bias {
                let bp = b.pointer
                for bi in 0..<bsz { for co in 0..<cout { (o + (bi * cout + co) * lout).update(repeating: bp[co], count: lout) } }
            }
            let tile = Swift.min(l, Swift.max(64, im2colTileFloats / rows))
            let cols = UnsafeMutablePointer<Float>.allocate(capacity: rows * tile)
            defer { cols.deallocate() }
            for bi in 0..<bsz {
                for gi in 0..<g {
                    let xg = xp + (bi * cin + gi * cinG) * l
                    let wg = wp + gi * cinG * rows
                    let og = o + (bi * cout + gi * coutG) * lout
                    var t0 = 0
                    while t0 < l {
                        let nt = Swift.min(tile, l - t0)
                        // cols (Cout_g·K, nt) = W_gᵀ (Cout_g·K, Cin_g) · x_g (Cin_g, nt)
                        BLAS.sgemm(transA: true, m: rows, n: nt, k: cinG, a: wg, lda: rows, b: xg + t0, ldb: l,
                                   c: cols, ldc: nt)
                        Tensor.col2im1d(cols: cols, nt: nt, t0: t0, coutG: coutG, k: k, stride: s, padding: p,
                                        dilation: d, out: og, lout: lout)
                        t0 += nt
                    }
                }
            }
        }
        return batched ? out : out.reshaped([cout, lout])
    }

    /// out[co, (t0 + t)·s + k·d − p] += cols[co·K + k, t], k ascending then t ascending.
    static func col2im1d(cols: UnsafePointer<Float>, nt: Int, t0: Int, coutG: Int, k: Int, stride: Int, padding: Int,
                         dilation: Int, out: UnsafeMutablePointer<Float>, lout: Int) {
        Tensors.parallelFor(coutG, minChunk: Swift.max(1, 16384 / Swift.max(nt * k, 1))) { r in
            for co in r {
                let o = out + co * lout
                for kk in 0..<k {
                    let src = cols + (co * k + kk) * nt
                    let offset = t0 * stride + kk * dilation - padding // position of t = 0
                    // valid t: 0 ≤ offset + t·stride < lout
                    var tLo = 0
                    if offset < 0 { tLo = (-offset + stride - 1) / stride }
                    let tHiExcl = offset >= lout ? 0 : Swift.min(nt, (lout - 1 - offset) / stride + 1)
                    if tLo >= tHiExcl { continue }
                    if stride == 1 {
                        let dst = o + offset
                        for t in tLo..<tHiExcl { dst[t] += src[t] }
                    } else {
                        for t in tLo..<tHiExcl { o[offset + t * stride] += src[t] }
                    }
                }
            }
        }
    }
}
