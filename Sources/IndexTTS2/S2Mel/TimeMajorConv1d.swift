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
