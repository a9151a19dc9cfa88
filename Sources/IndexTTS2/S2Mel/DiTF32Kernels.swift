// Which float32 kernels run the DiT estimator's weight products (exact mode, and fast mode on DiTFastPath.fp32);
// docs/precision.md, "S2Mel DiT estimator speed":
//   oneDNN (what renders use, `forRenders` below): oneDNN's float32 matmul (DNNLMatmul .f32: float32 source, weights and accumulation, as
//          PyTorch's fp32 GEMM) for the blocks' wqkv, wo and w1‖w3, the WaveNet's in_layers (one matmul over im2col
//          rows (T, K·Cin)), res_skip_layers and cond layer, and conv1, res_projection, final_layer.linear; OpenBLAS
//          sgemm for w2, skip_in_linear, cond_x_merge_linear, skip_linear and the time embedders, where it measured
//          as fast or faster (a fixed rule by layer, never a timing). Each batch item runs as its own oneDNN call
//          (the WaveNet gives an item the same bytes in a batch as alone); results are the same bytes run after run
//          at one thread count.
//   legacy (before; kept for the bench's old-vs-new comparison): OpenBLAS sgemm for every product and the attention loop with nested
//          BLAS partitions — exact's bytes as before.
// With oneDNN exact's numbers equal PyTorch's within the parity tolerances (tested) but are not byte-stable across
// bookvox versions (exact's cache identity is unchanged: a segment rendered before keeps its audio).
import Neural
import Tensors

public enum DiTF32Kernels: String, Sendable, CaseIterable {
    case oneDNN = "onednn"
    case legacy = "openblas"

    /// The set models are built with: `oneDNN`. Measured on the idle machine (3 runs of `bench --engine indextts2
    /// --precision fast --no-gpt --no-bigvgan --s2mel-cfm-runs 0 --repetitions 3`, CFG batch 2 × T 1290), the DiT call
    /// took 2.64 / 2.26 / 2.12 s against legacy's 3.41 / 2.65 / 2.55 s back to back (1.29×, 1.17×, 1.20×); under load
    /// 6–7 it had not been faster (docs/precision.md, "S2Mel DiT estimator speed"). `legacy` stays for the bench.
    public static let forRenders = DiTF32Kernels.oneDNN
}

extension DNNLMatmul {
    static func f32(_ weight: Tensor, bias: Tensor? = nil) -> DNNLMatmul { DNNLMatmul(weight: weight, bias: bias, precision: .f32) }
}

extension DiTBlock {
    mutating func install(_ k: DiTF32Kernels) {
        let on = k == .oneDNN
        attention.fastQKV = on ? .f32(attention.wqkv) : nil
        attention.fastWO = on ? .f32(attention.wo) : nil
        attention.legacyAttention = !on
        feedForward.fast13 = on ? .f32(feedForward.w13) : nil
        feedForward.fast2 = nil
        fastSkipIn = nil
    }
}

extension WaveNet {
    mutating func install(_ k: DiTF32Kernels) {
        let on = k == .oneDNN
        for i in inLayers.indices {
            inLayers[i].fast = nil
            inLayers[i].f32Matmul = on ? .f32(inLayers[i].im2colWeight(), bias: inLayers[i].bias) : nil
        }
        for i in resSkipLayers.indices {
            resSkipLayers[i].fast = nil
            resSkipLayers[i].f32Matmul = on ? .f32(resSkipLayers[i].taps[0], bias: resSkipLayers[i].bias) : nil
        }
        condLayer.fast = nil
        condLayer.f32Matmul = on ? .f32(condLayer.taps[0], bias: condLayer.bias) : nil
    }
}

extension DiTEstimator {
    /// Installs kernel set `k` (the models build with .oneDNN); replaces any bf16 fast conversion.
    mutating func install(_ k: DiTF32Kernels) {
        for i in transformer.blocks.indices { transformer.blocks[i].install(k) }
        wavenet.install(k)
        fastProjections = k == .oneDNN
            ? DiTFastProjections(condMerge: nil, skipLinear: nil, conv1: .f32(conv1.weight, bias: conv1.bias),
                                 resProjection: .f32(resProjection.weight, bias: resProjection.bias),
                                 finalLinear: .f32(finalLayer.linear.weight, bias: finalLayer.linear.bias))
            : DiTFastProjections()
        f32Kernels = k
    }

    /// This estimator on float32 kernel set `k` (the bench's old-vs-new comparison).
    public func using(_ k: DiTF32Kernels) -> DiTEstimator {
        var e = self
        e.install(k)
        return e
    }
}

extension S2Mel {
    /// This model with its DiT estimator on float32 kernel set `k` (gpt_layer and the length regulator shared).
    public func using(_ k: DiTF32Kernels) -> S2Mel {
        S2Mel(config: config, gptLayer: gptLayer, lengthRegulator: lengthRegulator, cfm: CFMSolver(estimator: cfm.estimator.using(k)))
    }
}
