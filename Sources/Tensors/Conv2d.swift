// 2-D convolution for small kernels (torch.nn.functional.conv2d with zero padding)
// via im2col + sgemm. Input (B, Cin, H, W); weight (Cout, Cin/groups, KH, KW).

public struct Conv2dSpec: Sendable, Equatable {
    public var stride: (Int, Int)
    public var padding: (Int, Int)
    public var dilation: (Int, Int)
    public var groups: Int

    public init(stride: (Int, Int) = (1, 1), padding: (Int, Int) = (0, 0), dilation: (Int, Int) = (1, 1), groups: Int = 1) {
        self.stride = stride
        self.padding = padding
        self.dilation = dilation
        self.groups = groups
    }

    public static func == (a: Conv2dSpec, b: Conv2dSpec) -> Bool {
        a.stride == b.stride && a.padding == b.padding && a.dilation == b.dilation && a.groups == b.groups
    }
}

extension Tensor {
    public func conv2d(weight: Tensor, bias: Tensor? = nil, spec: Conv2dSpec = Conv2dSpec()) -> Tensor {
        precondition(rank == 4, "conv2d input must be (B, C, H, W), got \(shape)")
        precondition(weight.rank == 4, "conv2d weight must be (Cout, Cin/groups, KH, KW), got \(weight.shape)")
        let (bsz, cin, h, w) = (shape[0], shape[1], shape[2], shape[3])
        let (cout, cinG, kh, kw) = (weight.shape[0], weight.shape[1], weight.shape[2], weight.shape[3])
        let g = spec.groups
        precondition(cin % g == 0 && cout % g == 0 && cinG == cin / g,
                     "conv2d: input channels \(cin), weight \(weight.shape), groups \(g) do not agree")
        if let b = bias { precondition(b.count == cout, "conv2d bias has \(b.count) values, expected \(cout)") }
        let (sh, sw) = spec.stride, (ph, pw) = spec.padding, (dh, dw) = spec.dilation
        let hout = (h + 2 * ph - dh * (kh - 1) - 1) / sh + 1
        let wout = (w + 2 * pw - dw * (kw - 1) - 1) / sw + 1
        precondition(hout >= 1 && wout >= 1, "conv2d: output would be empty for input \(shape), kernel \(weight.shape)")
        let coutG = cout / g
        let rows = cinG * kh * kw
        let npix = hout * wout
        var out = Tensor(zeros: [bsz, cout, hout, wout]) // (B, Cout, Hout, Wout)
        let xp = pointer, wp = weight.pointer
        let cols = UnsafeMutablePointer<Float>.allocate(capacity: rows * npix)
        defer { cols.deallocate() }
        out.withUnsafeMutableBufferPointer { ob in
            let o = ob.baseAddress!
            if let b = bias {
                for bi in 0..<bsz { for co in 0..<cout { (o + (bi * cout + co) * npix).update(repeating: b[flat: co], count: npix) } }
            }
            for bi in 0..<bsz {
                for gi in 0..<g {
                    let xg = xp + (bi * cin + gi * cinG) * h * w
                    // cols[(c, i, j), (oy, ox)] = x[c, oy·sh + i·dh − ph, ox·sw + j·dw − pw] (0 outside)
                    Tensors.parallelFor(rows, minChunk: Swift.max(1, 16384 / Swift.max(npix, 1))) { r in
                        for row in r {
                            let c = row / (kh * kw), i = (row / kw) % kh, j = row % kw
                            let dst = cols + row * npix
                            let src = xg + c * h * w
                            for oy in 0..<hout {
                                let iy = oy * sh + i * dh - ph
                                let drow = dst + oy * wout
                                if iy < 0 || iy >= h { drow.update(repeating: 0, count: wout); continue }
                                for ox in 0..<wout {
                                    let ix = ox * sw + j * dw - pw
                                    drow[ox] = (ix < 0 || ix >= w) ? 0 : src[iy * w + ix]
                                }
                            }
                        }
                    }
                    BLAS.sgemm(m: coutG, n: npix, k: rows, a: wp + gi * coutG * rows, lda: rows, b: cols, ldb: npix,
                               beta: 1, c: o + (bi * cout + gi * coutG) * npix, ldc: npix)
                }
            }
        }
        return out
    }
}
