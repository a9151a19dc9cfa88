// `--precision fast` for S2Mel's DiT estimator (docs/precision.md, "S2Mel and BigVGAN in fast"):
//   bf16:  every GEMM with weights of the estimator — the transformer blocks' wqkv, wo, w1‖w3, w2 and
//          skip_in_linear; cond_x_merge_linear, skip_linear, conv1, res_projection, final_layer.linear; the WaveNet's
//          cond, in and res_skip convolutions (im2col rows) — runs as a oneDNN matmul with bf16 source and weights
//          (rounded to nearest even) summed in float32, float32 out. Weights are converted once when the fast model
//          is built; each CFG batch item runs as its own call (batch == alone).
//   fp32:  the exact estimator unchanged — what renders use today on every CPU (bf16 measured slower, below).
// Attention's QKᵀ / softmax / AV, the norms, RoPE, the time embedders, the gating and conv2 stay float32 in both.
// The path is a fixed function of the CPU (never a timing), and the engine settings name it (`s2mel=bf16`), so a
// project moved to a CPU that takes the other path renders again rather than mixing.
import Foundation
import Neural
import Tensors

public enum DiTFastPath: String, Sendable, CaseIterable {
    case bf16
    case fp32

    /// The path renders take: fp32 on every CPU. Measured on an idle machine with AVX512_BF16 (oneDNN 2.6,
    /// `avx512_core_bf16`), the bf16 DiT call took 6.40 s against exact's 5.72 s (0.89x): oneDNN's bf16 matmuls ran
    /// 114–138 GFLOP/s where OpenBLAS sgemm ran 90–192 (docs/precision.md, "S2Mel and BigVGAN in fast"). bf16 stays
    /// buildable for the bench's comparison (`candidate`) and its tests; it is chosen here once it measures faster.
    public static var forThisCPU: DiTFastPath { .fp32 }

    /// The path's name in fast's engine settings: `fp32-onednn` when the float32 path runs on DiTF32Kernels.oneDNN
    /// (its numbers differ from the OpenBLAS estimator's that fast segments named `fp32` were rendered with, so those
    /// render again rather than mix).
    public var identityTag: String {
        self == .fp32 && DiTF32Kernels.forRenders == .oneDNN ? "fp32-onednn" : rawValue
    }

    /// What the bench compares against exact: bf16 where the CPU has AVX512_BF16, else fp32.
    public static var candidate: DiTFastPath { DNNLMatmul.hasNativeBF16 ? .bf16 : .fp32 }
}

/// The estimator-level projections as oneDNN matmuls: bf16 (DiTFastPath.bf16) or float32 (DiTF32Kernels.oneDNN);
/// nil: the OpenBLAS Linear runs.
struct DiTFastProjections: Sendable {
    var condMerge: DNNLMatmul?
    var skipLinear: DNNLMatmul?
    var conv1: DNNLMatmul?
    var resProjection: DNNLMatmul?
    var finalLinear: DNNLMatmul?

    var bf16Count: Int { [condMerge, skipLinear, conv1, resProjection, finalLinear].filter { $0?.precision == .bf16 }.count }
}

extension Optional where Wrapped == DNNLMatmul {
    /// x through the fast matmul when there is one, else through `linear`.
    func apply(_ linear: Linear, _ x: Tensor) throws -> Tensor {
        if let m = self { return try m(x) }
        return linear(x)
    }
}

extension DNNLMatmul {
    static func bf16(_ linear: Linear) -> DNNLMatmul { DNNLMatmul(weight: linear.weight, bias: linear.bias, precision: .bf16) }
    static func bf16(_ weight: Tensor) -> DNNLMatmul { DNNLMatmul(weight: weight, bias: nil, precision: .bf16) }
}

extension TimeMajorConv1d {
    /// The convolution as one bf16 matmul over im2col rows (`im2colWeight`).
    func converted() -> TimeMajorConv1d {
        var c = self
        c.fast = DNNLMatmul(weight: im2colWeight(), bias: bias, precision: .bf16)
        return c
    }

    /// x (B, T, Cin) → (B, T, Cout) through `m`: per batch item, the padded rows rounded to bf16 once, gathered into
    /// im2col rows (T, K·Cin) (row t = taps at t, t + d, …), one matmul.
    func fastConvolution(_ x: Tensor, _ m: DNNLMatmul) throws -> Tensor {
        let (bsz, t, cin) = (x.shape[0], x.shape[1], x.shape[2])
        let (k, cout, d) = (taps.count, outChannels, dilation)
        let tp = t + padLeft + padRight
        let padded = x.padded(axis: 1, left: padLeft, right: padRight, mode: paddingMode) // (B, T + pad, Cin)
        var out = Tensor(zeros: [bsz, t, cout]) // (B, T, Cout)
        let rounded = UnsafeMutablePointer<UInt16>.allocate(capacity: tp * cin)
        defer { rounded.deallocate() }
        let direct = k == 1 && tp == t // pointwise without padding: the rounded rows are the matmul's rows
        let cols = direct ? rounded : UnsafeMutablePointer<UInt16>.allocate(capacity: t * k * cin)
        defer { if !direct { cols.deallocate() } }
        try out.withUnsafeMutableBufferPointer { ob in
            for b in 0..<bsz {
                DNNLMatmul.roundToBF16(padded.pointer + b * tp * cin, rounded, count: tp * cin)
                if !direct {
                    Tensors.parallelFor(t, minChunk: 64) { rows in
                        for row in rows {
                            for kk in 0..<k {
                                (cols + (row * k + kk) * cin).update(from: rounded + (row + kk * d) * cin, count: cin)
                            }
                        }
                    }
                }
                try m.run(cols, rows: t, lda: k * cin, into: ob.baseAddress! + b * t * cout, ldc: cout)
            }
        }
        return out
    }
}

extension WaveNet {
    func converted() -> WaveNet {
        var w = self
        w.condLayer = condLayer.converted()
        w.inLayers = inLayers.map { $0.converted() }
        w.resSkipLayers = resSkipLayers.map { $0.converted() }
        return w
    }
}

extension DiTBlock {
    func converted() -> DiTBlock {
        var b = self
        b.attention.fastQKV = .bf16(attention.wqkv)
        b.attention.fastWO = .bf16(attention.wo)
        b.feedForward.fast13 = .bf16(feedForward.w13)
        b.feedForward.fast2 = .bf16(feedForward.w2)
        b.fastSkipIn = skipIn.map { .bf16($0) }
        return b
    }
}

extension DiTEstimator {
    /// The estimator on `path`: bf16 matmuls for every weight GEMM (converted now, once), or `self` for fp32.
    public func converted(_ path: DiTFastPath) -> DiTEstimator {
        guard path == .bf16 else { return self }
        var e = self
        e.transformer.blocks = transformer.blocks.map { $0.converted() }
        e.fastProjections = DiTFastProjections(condMerge: .bf16(condMerge), skipLinear: skipLinear.map { .bf16($0) },
                                               conv1: .bf16(conv1), resProjection: .bf16(resProjection),
                                               finalLinear: .bf16(finalLayer.linear))
        e.wavenet = wavenet.converted()
        return e
    }

    /// How many weight GEMMs of one call run as bf16 matmuls (0 on the fp32 path): tests check fast really converted.
    public var bf16MatmulCount: Int {
        let blocks = transformer.blocks.reduce(0) { n, b in
            n + [b.attention.fastQKV, b.attention.fastWO, b.feedForward.fast13, b.feedForward.fast2, b.fastSkipIn]
                .filter { $0?.precision == .bf16 }.count
        }
        let wn = ([wavenet.condLayer] + wavenet.inLayers + wavenet.resSkipLayers).filter { $0.fast?.precision == .bf16 }.count
        return blocks + fastProjections.bf16Count + wn
    }
}

extension S2Mel {
    /// This model with its DiT estimator on `path` (gpt_layer and the length regulator shared, float32).
    public func converted(_ path: DiTFastPath) -> S2Mel {
        S2Mel(config: config, gptLayer: gptLayer, lengthRegulator: lengthRegulator,
              cfm: CFMSolver(estimator: cfm.estimator.converted(path)))
    }
}
