// DiT velocity estimator (indextts/s2mel/modules/diffusion_transformer.py `DiT.forward`, eval, wavenet head),
// for inputs whose every row is full length (x_lens = T, as CFM.inference passes it):
//   t1 = t_embedder(t); mu' = cond_projection(mu)
//   x_in = cond_x_merge_linear([xᵀ (80) ‖ prompt_xᵀ (80) ‖ mu' (D) ‖ style broadcast over T])
//   x_res = transformer(x_in, t1)                           (positions 0..T−1, bidirectional)
//   x_res = skip_linear([x_res ‖ xᵀ])                       (long skip with the NOISY input x)
//   h = conv1(x_res)ᵀ; t2 = t_embedder2(t); h = wavenet(h, g = t2)ᵀ + res_projection(x_res)   (WaveNet run time-major)
//   out = conv2(final_layer(h, t1)ᵀ)                         (B, 80, T)
// Unused checkpoint entries: x_embedder.* (weight-normed Linear 80 → D), cond_embedder.weight,
// content_mask_embedder.weight; `input_pos` (arange(16384)) is read and checked.
import Neural
import Tensors

public struct DiTEstimator: Sendable {
    let tEmbedder: TimestepEmbedder
    let tEmbedder2: TimestepEmbedder
    let condProjection: Linear
    let condMerge: Linear
    var transformer: DiTTransformer
    let skipLinear: Linear?
    let conv1: Linear
    var wavenet: WaveNet
    let resProjection: Linear
    let finalLayer: FinalLayer
    let conv2: Conv1d
    let inChannels: Int
    let styleDim: Int
    let styleCondition: Bool
    /// The estimator-level projections (cond_x_merge_linear, skip_linear, conv1, res_projection, final_layer.linear)
    /// that run as oneDNN matmuls: float32 (DiTF32Kernels) or bf16 (DiTFastPath.bf16).
    var fastProjections = DiTFastProjections()
    /// The float32 kernel set installed (DiTF32Kernels.forRenders unless the bench asked for another).
    public internal(set) var f32Kernels = DiTF32Kernels.forRenders

    init(_ scope: WeightScope, config: S2MelConfig) throws {
        try config.validate()
        let a = config.architecture, d = config.dit.hiddenDim, cin = config.dit.inChannels, w = config.wavenet.hiddenDim
        inChannels = cin
        styleDim = config.styleDim
        styleCondition = config.dit.styleCondition
        tEmbedder = try TimestepEmbedder(scope.scope("t_embedder"), hidden: d, frequencyEmbeddingSize: a.frequencyEmbeddingSize,
                                         scale: a.timeScale)
        tEmbedder2 = try TimestepEmbedder(scope.scope("t_embedder2"), hidden: w, frequencyEmbeddingSize: a.frequencyEmbeddingSize,
                                          scale: a.timeScale)
        condProjection = try Linear(scope.scope("cond_projection"), inFeatures: config.dit.contentDim, outFeatures: d)
        let mergeIn = d + 2 * cin + (styleCondition ? config.styleDim : 0)
        condMerge = try Linear(scope.scope("cond_x_merge_linear"), inFeatures: mergeIn, outFeatures: d)
        transformer = try DiTTransformer(scope.scope("transformer"), config: config)
        // skip_linear exists whatever long_skip_connection says; it is applied only when the switch is on.
        let skip = try Linear(scope.scope("skip_linear"), inFeatures: d + cin, outFeatures: d)
        skipLinear = config.dit.longSkipConnection ? skip : nil
        conv1 = try Linear(scope.scope("conv1"), inFeatures: d, outFeatures: w)
        wavenet = try WaveNet(scope.scope("wavenet"), config: config.wavenet)
        resProjection = try Linear(scope.scope("res_projection"), inFeatures: d, outFeatures: w)
        finalLayer = try FinalLayer(scope.scope("final_layer"), dim: w, eps: a.finalNormEps)
        conv2 = try Conv1d(scope.scope("conv2"), inChannels: w, outChannels: cin, kernelSize: 1)
        // Present in the checkpoint, never used at inference.
        _ = try scope.scope("x_embedder").weightNormed("weight", shape: [d, cin])
        _ = try scope.scope("x_embedder").tensor("bias", shape: [d])
        _ = try scope.tensor("cond_embedder.weight", shape: [config.dit.contentCodebookSize, d])
        _ = try scope.tensor("content_mask_embedder.weight", shape: [1, d])
        let positions = try scope.int64s("input_pos", shape: [a.blockSize])
        guard positions.enumerated().allSatisfy({ Int64($0.offset) == $0.element }) else {
            throw S2MelError.badConfig("\(scope.key("input_pos")) is not arange(\(a.blockSize))")
        }
        install(DiTF32Kernels.forRenders)
    }

    /// One velocity evaluation. x, promptX (B, 80, T); t (B); style (B, style_dim); mu (B, T, content_dim) → (B, 80, T).
    public func callAsFunction(x: Tensor, promptX: Tensor, t: [Float], style: Tensor, mu: Tensor) throws -> Tensor {
        let (bsz, cin, len) = (x.shape[0], x.shape[1], x.shape[2])
        guard x.rank == 3, cin == inChannels, promptX.shape == x.shape else {
            throw S2MelError.badInput(name: "DiT x / prompt_x", expected: "(B, \(inChannels), T) twice", got: x.shape + promptX.shape)
        }
        guard t.count == bsz, style.shape == [bsz, styleDim], mu.shape == [bsz, len, condProjection.inFeatures] else {
            throw S2MelError.badInput(name: "DiT t / style / mu",
                                      expected: "t (\(bsz)), style (\(bsz), \(styleDim)), mu (\(bsz), \(len), \(condProjection.inFeatures))",
                                      got: [t.count] + style.shape + mu.shape)
        }
        let t1 = tEmbedder(t) // (B, D)
        let xt = x.transposed(1, 2) // (B, T, 80)
        var parts = [xt, promptX.transposed(1, 2), condProjection(mu)] // (B, T, ·)
        if styleCondition {
            parts.append(style.reshaped([bsz, 1, styleDim]).broadcastRows(len)) // (B, T, style)
        }
        let xIn = try fastProjections.condMerge.apply(condMerge, Tensor.concat(parts, axis: 2)) // (B, T, D)
        var xRes = try transformer(xIn, time: t1) // (B, T, D)
        if let skipLinear { xRes = try fastProjections.skipLinear.apply(skipLinear, Tensor.concat([xRes, xt], axis: 2)) } // (B, T, D)
        let h = try fastProjections.conv1.apply(conv1, xRes) // (B, T, W)
        let t2 = tEmbedder2(t) // (B, W)
        var y = try wavenet(h, condition: t2) // (B, T, W)
        y.add(try fastProjections.resProjection.apply(resProjection, xRes))
        let f = try finalLayer(y, time: t1, fastLinear: fastProjections.finalLinear).transposed(1, 2) // (B, W, T)
        return conv2(f) // (B, 80, T)
    }
}

extension Tensor {
    /// (B, 1, C) → (B, n, C) by repeating the single row.
    func broadcastRows(_ n: Int) -> Tensor {
        let (b, c) = (shape[0], shape[2])
        var out = Tensor(zeros: [b, n, c])
        let src = pointer
        out.withUnsafeMutableBufferPointer { o in
            for i in 0..<b { for j in 0..<n { (o.baseAddress! + (i * n + j) * c).update(from: src + i * c, count: c) } }
        }
        return out
    }
}
