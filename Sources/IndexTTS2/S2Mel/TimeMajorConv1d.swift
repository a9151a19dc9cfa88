// A stride-1 Conv1d (torch weight (Cout, Cin, K), dilation d, reflect or zero padding) computed on
// time-major activations (B, T, Cin) → (B, T, Cout), for the WaveNet head, whose neighbours (Linear layers,
// FinalLayer) are time-major too:
//   out[b, t] = bias + Σ_k W_k · xpad[b, t + k·d],   W_k = weight[:, :, k]   (Cout, Cin)
// The batch is padded once into (B·(T + pad), Cin) rows; each tap is then one GEMM over all rows of the padded
// buffer (rows that straddle two batch elements are computed and dropped), so there is no im2col buffer.
import Neural
import Tensors

struct TimeMajorConv1d: Sendable {
    let taps: [Tensor] // K × (Cout, Cin)
    let bias: Tensor?  // (Cout)
    let dilation: Int
    let padLeft: Int
    let padRight: Int
    let paddingMode: PaddingMode
    /// fast mode: the whole convolution as one bf16 oneDNN matmul over im2col rows (DiTFastPath); nil in exact mode.
    var fast: DNNLMatmul?
    /// DiTF32Kernels.oneDNN: the convolution as one float32 oneDNN matmul over im2col rows (`im2colWeight`, bias
    /// included); nil: one OpenBLAS sgemm per tap.
    var f32Matmul: DNNLMatmul?

    init(_ conv: Conv1d) {
        let (cout, cin, k) = (conv.outChannels, conv.weight.shape[1], conv.kernelSize)
        precondition(conv.spec.stride == 1 && conv.spec.groups == 1, "TimeMajorConv1d supports stride 1, one group")
        let w = conv.weight.pointer
        taps = (0..<k).map { kk in
            var t = Tensor(zeros: [cout, cin])
            t.withUnsafeMutableBufferPointer { o in
                for co in 0..<cout { for ci in 0..<cin { o[co * cin + ci] = w[(co * cin + ci) * k + kk] } }
            }
            return t
        }
        bias = conv.bias
        dilation = conv.spec.dilation
        padLeft = conv.spec.padLeft
        padRight = conv.spec.padRight
        paddingMode = conv.spec.paddingMode
    }

    var outChannels: Int { taps[0].shape[0] }
    var inChannels: Int { taps[0].shape[1] }

    /// x (B, T, Cin) → (B, T, Cout)
    func callAsFunction(_ x: Tensor) throws -> Tensor {
        let (bsz, t, cin) = (x.shape[0], x.shape[1], x.shape[2])
        let cout = outChannels
        if let fast { return try fastConvolution(x, fast) }
        if let f32Matmul { return try f32Convolution(x, f32Matmul) }
        if taps.count == 1 && padLeft == 0 && padRight == 0 { return x.linear(weight: taps[0], bias: bias) }
        let tp = t + padLeft + padRight
        let padded = x.padded(axis: 1, left: padLeft, right: padRight, mode: paddingMode) // (B, T + pad, Cin)
        let rows = bsz * tp - (taps.count - 1) * dilation // every row whose taps stay inside the buffer
        var full = Tensor(zeros: [bsz * tp, cout]) // (B·(T + pad), Cout); row b·tp + t is output (b, t)
        let xp = padded.pointer
        full.withUnsafeMutableBufferPointer { ob in
            let o = ob.baseAddress!
            if let b = bias { for r in 0..<rows { (o + r * cout).update(from: b.pointer, count: cout) } }
            for (kk, w) in taps.enumerated() {
                BLAS.sgemm(transB: true, m: rows, n: cout, k: cin, a: xp + kk * dilation * cin, lda: cin, b: w.pointer, ldb: cin,
                           beta: bias == nil && kk == 0 ? 0 : 1, c: o, ldc: cout)
            }
        }
        if tp == t { return full.reshaped([bsz, t, cout]) }
        return full.reshaped([bsz, tp, cout]).slice(axis: 1, start: 0, end: t) // (B, T, Cout)
    }
}

extension TimeMajorConv1d {
    /// The weight as one matmul over im2col rows: (Cout, K·Cin), column k·Cin + ci = tap k's input channel ci.
    func im2colWeight() -> Tensor {
        let (cout, cin, k) = (outChannels, inChannels, taps.count)
        var w = Tensor(zeros: [cout, k * cin]) // (Cout, K·Cin)
        w.withUnsafeMutableBufferPointer { o in
            for (kk, tap) in taps.enumerated() {
                let tp = tap.pointer
                for co in 0..<cout { (o.baseAddress! + co * k * cin + kk * cin).update(from: tp + co * cin, count: cin) }
            }
        }
        return w
    }

    /// x (B, T, Cin) → (B, T, Cout) through the float32 matmul `m` (weight `im2colWeight`, bias): pointwise layers
    /// without padding straight on x; otherwise per batch item the padded rows gathered into im2col rows (T, K·Cin)
    /// (row t = taps at t, t + d, …), one matmul per item (an item's bytes do not depend on the batch).
    func f32Convolution(_ x: Tensor, _ m: DNNLMatmul) throws -> Tensor {
        let (bsz, t, cin) = (x.shape[0], x.shape[1], x.shape[2])
        let (k, cout, d) = (taps.count, outChannels, dilation)
        if k == 1 && padLeft == 0 && padRight == 0 { return try m(x) }
        let tp = t + padLeft + padRight
        let padded = x.padded(axis: 1, left: padLeft, right: padRight, mode: paddingMode) // (B, T + pad, Cin)
        var out = Tensor(zeros: [bsz, t, cout]) // (B, T, Cout)
        let cols = UnsafeMutablePointer<Float>.allocate(capacity: t * k * cin) // (T, K·Cin)
        defer { cols.deallocate() }
        try out.withUnsafeMutableBufferPointer { ob in
            for b in 0..<bsz {
                let src = padded.pointer + b * tp * cin
                Tensors.parallelFor(t, minChunk: 64) { rows in
                    for row in rows {
                        for kk in 0..<k { (cols + (row * k + kk) * cin).update(from: src + (row + kk * d) * cin, count: cin) }
                    }
                }
                try m.run(cols, rows: t, lda: k * cin, into: ob.baseAddress! + b * t * cout, ldc: cout)
            }
        }
        return out
    }
}
