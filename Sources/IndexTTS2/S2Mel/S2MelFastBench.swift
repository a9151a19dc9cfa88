// S2Mel exact against fast at the real config (random weights, S2MelBench's init and scenario): a profile of one DiT
// estimator call by op class (time and GFLOP/s per call: exact on the previous float32 kernels (DiTF32Kernels.legacy),
// exact and fast), the weight GEMM shapes through OpenBLAS sgemm, oneDNN f32 and oneDNN bf16, whole estimator calls
// alternated old exact / exact / fast, and the deviations of exact from the old kernels and of fast from exact for one
// call and for a whole CFM (mel) (docs/precision.md, "S2Mel DiT estimator speed"). Timing and measurement only, never
// a model.
import Foundation
import Neural
import Tensors

public struct S2MelProfileRow: Codable, Sendable {
    public var name: String
    /// How often one estimator call runs it.
    public var perCall: Int
    /// GFLOP per estimator call (0: memory-bound / elementwise).
    public var gflop: Double
    /// Milliseconds per estimator call (median time of one instance × perCall); legacy: exact on DiTF32Kernels.legacy.
    public var legacyMs: Double
    public var exactMs: Double
    public var fastMs: Double
    public var legacyGFLOPS: Double { gflop > 0 ? gflop / (legacyMs / 1000) : 0 }
    public var exactGFLOPS: Double { gflop > 0 ? gflop / (exactMs / 1000) : 0 }
    public var fastGFLOPS: Double { gflop > 0 ? gflop / (fastMs / 1000) : 0 }
}

public struct S2MelGEMMShape: Codable, Sendable {
    public var name: String
    public var rows: Int
    public var k: Int
    public var n: Int
    public var sgemmGFLOPS: Double
    public var oneDNNF32GFLOPS: Double
    public var oneDNNBF16GFLOPS: Double
    public var bf16Implementation: String
}

public struct S2MelFastBenchReport: Codable, Sendable {
    public var path: String
    public var oneDNNISA: String
    public var frames: Int
    public var profile: [S2MelProfileRow] = []
    public var shapes: [S2MelGEMMShape] = []
    /// Whole estimator calls (CFG batch 2), alternated: seconds per call (legacy: exact on the previous kernels).
    public var estimatorLegacy: [Double] = []
    public var estimatorExact: [Double] = []
    public var estimatorFast: [Double] = []
    /// Whole CFM runs (steps × estimator), legacy, exact, then fast: seconds.
    public var cfmLegacy: Double?
    public var cfmExact: Double?
    public var cfmFast: Double?
    public var cfmSteps: Int = 0
    public var deviation: [S2MelDeviation] = []
}

public enum S2MelFastBench {
    /// `o.codes` etc. set the scenario (T = referenceFrames + int(codes · 1.72)); `o.stepRepetitions` the alternated
    /// calls; `o.cfmRuns` > 0 adds one whole CFM per mode (and the mel deviation). Fast runs `path`.
    public static func run(_ o: S2MelBenchOptions, path: DiTFastPath = .candidate, profile: Bool = true) throws -> S2MelFastBenchReport {
        let config = try S2MelConfig(yamlPath: o.configPath)
        // "exact": the oneDNN float32 candidate (DiTF32Kernels.oneDNN); "legacy": the kernels renders use.
        let exact = try S2Mel(config: config, weights: S2MelBench.randomWeights(config, seed: o.seed).root).using(.oneDNN)
        let fast = exact.converted(path)
        let legacy = exact.using(.legacy)
        var rng = SeededRNG(seed: o.seed &+ 1)
        let h = config.lengthRegulator.inChannels, mels = config.dit.inChannels
        let latent = S2MelBench.gaussian([1, o.codes, config.gptModelDim], std: 1, &rng)
        let sVQ = S2MelBench.gaussian([1, o.codes, h], std: 1, &rng)
        let sRef = S2MelBench.gaussian([1, o.semanticFrames, h], std: 1, &rng)
        var refMel = S2MelBench.gaussian([1, mels, o.referenceFrames], std: 2, &rng)
        refMel.apply { $0 - 5 }
        let style = S2MelBench.gaussian([1, config.styleDim], std: 1, &rng)
        let prompt = try exact.promptCondition(semanticReference: sRef, referenceFrames: o.referenceFrames)
        let cond = try exact.condition(latent: latent, semanticEmbedding: sVQ)
        let t = o.referenceFrames + cond.targetLength
        let mu = Tensor.concat([prompt, cond.cond], axis: 1) // (1, T, C)
        let x = S2MelBench.gaussian([2, mels, t], std: 1, &rng)
        let promptX = CFMSolver.writingPrefix(Tensor(zeros: [2, mels, t]), Tensor.concat([refMel, Tensor(zeros: refMel.shape)], axis: 0))
        let style2 = Tensor.concat([style, Tensor(zeros: style.shape)], axis: 0)
        let mu2 = Tensor.concat([mu, Tensor(zeros: mu.shape)], axis: 0)
        var r = S2MelFastBenchReport(path: path.rawValue, oneDNNISA: DNNLRuntime.instructionSet, frames: t)

        let e = exact.cfm.estimator, f = fast.cfm.estimator, l = legacy.cfm.estimator
        let a = try e(x: x, promptX: promptX, t: [0.4, 0.4], style: style2, mu: mu2) // (2, 80, T); also the warm-up
        let b = try f(x: x, promptX: promptX, t: [0.4, 0.4], style: style2, mu: mu2)
        let old = try l(x: x, promptX: promptX, t: [0.4, 0.4], style: style2, mu: mu2)
        r.deviation.append(.frames("DiT call, exact against old kernels", exact: old, fast: a))
        r.deviation.append(.frames("DiT estimator call (output, CFG batch 2)", exact: a, fast: b))
        for _ in 0..<max(o.stepRepetitions, 1) {
            r.estimatorLegacy.append(try seconds { _ = try l(x: x, promptX: promptX, t: [0.4, 0.4], style: style2, mu: mu2) })
            r.estimatorExact.append(try seconds { _ = try e(x: x, promptX: promptX, t: [0.4, 0.4], style: style2, mu: mu2) })
            r.estimatorFast.append(try seconds { _ = try f(x: x, promptX: promptX, t: [0.4, 0.4], style: style2, mu: mu2) })
        }
        if profile {
            (r.profile, r.shapes) = try Self.profile(legacy: l, exact: e, fast: f, batch: 2, frames: t, reps: max(o.stepRepetitions, 1), rng: &rng)
        }
        if o.cfmRuns > 0 {
            let noise = S2MelBench.gaussian(exact.noiseShape(referenceFrames: o.referenceFrames, codeCount: o.codes), std: 1, &rng)
            var mels: [Tensor] = []
            for (i, model) in [legacy, exact, fast].enumerated() {
                var out: Tensor?
                let s = try seconds {
                    out = try model.generate(promptCondition: prompt, cond: cond.cond, referenceMel: refMel, style: style, noise: noise,
                                             steps: o.steps, cfgRate: o.cfgRate).mel
                }
                if i == 0 { r.cfmLegacy = s } else if i == 1 { r.cfmExact = s } else { r.cfmFast = s }
                mels.append(out!)
            }
            r.cfmSteps = o.steps
            r.deviation.append(.frames("CFM \(o.steps) steps, exact against old kernels", exact: mels[0], fast: mels[1]))
            r.deviation.append(.frames("CFM \(o.steps) steps (generated mel)", exact: mels[1], fast: mels[2]))
        }
        return r
    }

    static func seconds(_ body: () throws -> Void) throws -> Double {
        let t0 = DispatchTime.now().uptimeNanoseconds
        try body()
        return Double(DispatchTime.now().uptimeNanoseconds - t0) * 1e-9
    }

    static func median(_ reps: Int, _ body: () throws -> Void) throws -> Double {
        try body()
        let s = try (0..<reps).map { _ in try seconds(body) }.sorted()
        return s[s.count / 2]
    }

    /// One estimator call's op classes at batch × frames, old exact, exact and fast, each op timed alone on inputs of
    /// its real shape.
    static func profile(legacy l: DiTEstimator, exact e: DiTEstimator, fast f: DiTEstimator, batch bsz: Int, frames t: Int, reps: Int,
                        rng: inout SeededRNG) throws -> ([S2MelProfileRow], [S2MelGEMMShape]) {
        let blk = e.transformer.blocks[0], fblk = f.transformer.blocks[0], lblk = l.transformer.blocks[0]
        let depth = e.transformer.depth, d = blk.attention.wqkv.shape[1], heads = blk.attention.heads
        let inter = blk.feedForward.intermediate, w = e.wavenet.hidden, layers = e.wavenet.inLayers.count
        let m = Double(bsz * t)
        let x = S2MelBench.gaussian([bsz, t, d], std: 1, &rng) // (B, T, D)
        let c = S2MelBench.gaussian([bsz, d], std: 1, &rng)
        let rope = DiTRoPE(length: t, headDim: d / heads, base: e.transformer.ropeBase)
        var rows: [S2MelProfileRow] = []
        var shapes: [S2MelGEMMShape] = []

        /// legacyOp nil: the old kernels ran exactOp too; fastOp nil: fast runs exactOp.
        func row(_ name: String, _ n: Int, _ gflopEach: Double, _ exactOp: () throws -> Void, _ fastOp: (() throws -> Void)? = nil,
                 legacy legacyOp: (() throws -> Void)? = nil) throws {
            let te = try median(reps, exactOp)
            let tl = try legacyOp.map { try median(reps, $0) } ?? te
            let tf = try fastOp.map { try median(reps, $0) } ?? te
            rows.append(S2MelProfileRow(name: name, perCall: n, gflop: gflopEach * Double(n), legacyMs: tl * Double(n) * 1000,
                                        exactMs: te * Double(n) * 1000, fastMs: tf * Double(n) * 1000))
        }
        /// exactM: exact's float32 oneDNN matmul for this weight (nil: exact runs OpenBLAS as the old kernels did).
        func gemm(_ name: String, _ n: Int, _ input: Tensor, _ weight: Tensor, _ exactM: DNNLMatmul?, _ fastM: DNNLMatmul?) throws {
            let gf = 2 * m * Double(weight.shape[0] * weight.shape[1]) / 1e9
            let blas = { _ = input.linear(weight: weight) }
            try row(name, n, gf, exactM.map { em in { _ = try em(input) } } ?? blas, fastM.map { fm in { _ = try fm(input) } },
                    legacy: exactM == nil ? nil : blas)
            let f32 = DNNLMatmul(weight: weight, bias: nil, precision: .f32)
            let bf = fastM ?? DNNLMatmul(weight: weight, bias: nil, precision: .bf16)
            let ts = try median(reps) { _ = input.linear(weight: weight) }
            let t32 = try median(reps) { _ = try f32(input) }
            let t16 = try median(reps) { _ = try bf(input) }
            shapes.append(S2MelGEMMShape(name: name, rows: Int(m), k: weight.shape[1], n: weight.shape[0], sgemmGFLOPS: gf / ts,
                                         oneDNNF32GFLOPS: gf / t32, oneDNNBF16GFLOPS: gf / t16,
                                         bf16Implementation: try bf.implementation(rows: t)))
        }

        let mod = blk.attentionNorm.modulation(c)
        try row("AdaLN RMSNorms (attention, ffn; final)", 2 * depth + 1, 0, { _ = blk.attentionNorm(x, modulation: mod) })
        try gemm("wqkv (D → 3D)", depth, x, blk.attention.wqkv, blk.attention.fastQKV, fblk.attention.fastQKV)
        var qkv = x.linear(weight: blk.attention.wqkv) // (B, T, 3D)
        try row("RoPE (q, k)", depth, 0, { var q = qkv; blk.attention.applyRoPE(&q, rope: rope) })
        blk.attention.applyRoPE(&qkv, rope: rope)
        let attnFlop = Double(bsz * heads) * 4 * Double(t) * Double(t) * Double(d / heads) / 1e9
        try row("attention QKᵀ, softmax, AV (sgemm, fp32)", depth, attnFlop,
                { _ = blk.attention.attend(qkv, batch: bsz, length: t, dim: d) },
                legacy: { _ = lblk.attention.attendLegacy(qkv, batch: bsz, length: t, dim: d) })
        try gemm("wo (D → D)", depth, x, blk.attention.wo, blk.attention.fastWO, fblk.attention.fastWO)
        try gemm("w1‖w3 (D → 2I)", depth, x, blk.feedForward.w13, blk.feedForward.fast13, fblk.feedForward.fast13)
        let ab = x.linear(weight: blk.feedForward.w13) // (B, T, 2I)
        try row("SwiGLU gating", depth, 0, { _ = DiTKernels.swiGLU(ab, rows: bsz * t, width: inter) })
        let gated = DiTKernels.swiGLU(ab, rows: bsz * t, width: inter).reshaped([bsz, t, inter]) // (B, T, I)
        try gemm("w2 (I → D)", depth, gated, blk.feedForward.w2, blk.feedForward.fast2, fblk.feedForward.fast2)
        let receivers = e.transformer.uvitSkip ? (0..<depth).filter { $0 > depth / 2 }.count : 0
        if receivers > 0, let skipIn = e.transformer.blocks[depth - 1].skipIn {
            let x2 = Tensor.concat([x, x], axis: 2) // (B, T, 2D)
            try gemm("skip_in_linear (2D → D)", receivers, x2, skipIn.weight, e.transformer.blocks[depth - 1].fastSkipIn,
                     f.transformer.blocks[depth - 1].fastSkipIn)
        }
        let xw = S2MelBench.gaussian([bsz, t, w], std: 1, &rng) // (B, T, W)
        let inLayer = e.wavenet.inLayers[0], finLayer = f.wavenet.inLayers[0], linLayer = l.wavenet.inLayers[0]
        let convFlop = 2 * m * Double(inLayer.outChannels * inLayer.inChannels * inLayer.taps.count) / 1e9
        try row("WaveNet in_layers (k\(inLayer.taps.count), W → 2W)", layers, convFlop, { _ = try inLayer(xw) }, { _ = try finLayer(xw) },
                legacy: { _ = try linLayer(xw) })
        let a2 = S2MelBench.gaussian([bsz, t, 2 * w], std: 1, &rng)
        let g = S2MelBench.gaussian([bsz, 1, 2 * w * layers], std: 1, &rng)
        try row("WaveNet gate tanh·sigmoid", layers, 0, { _ = WaveNet.gate(a2, g: g, offset: 0, channels: w) })
        let rs = e.wavenet.resSkipLayers[0], frs = f.wavenet.resSkipLayers[0], lrs = l.wavenet.resSkipLayers[0]
        try row("WaveNet res_skip_layers (k1, W → 2W)", layers, 2 * m * Double(rs.outChannels * rs.inChannels) / 1e9,
                { _ = try rs(xw) }, { _ = try frs(xw) }, legacy: { _ = try lrs(xw) })
        let xd = S2MelBench.gaussian([bsz, t, d], std: 1, &rng) // (B, T, D)
        let xs = S2MelBench.gaussian([bsz, t, e.skipLinear?.inFeatures ?? d], std: 1, &rng) // (B, T, D + 80)
        let xm = S2MelBench.gaussian([bsz, t, e.condMerge.inFeatures], std: 1, &rng) // (B, T, merge in)
        let projections = [e.condMerge.weight.count, e.skipLinear?.weight.count ?? 0, e.conv1.weight.count,
                           e.resProjection.weight.count, e.finalLayer.linear.weight.count].reduce(0, +)
        func projectionOps(_ est: DiTEstimator) -> () throws -> Void {
            {
                let p = est.fastProjections
                _ = try p.conv1.apply(est.conv1, xd); _ = try p.resProjection.apply(est.resProjection, xd)
                _ = try p.finalLinear.apply(est.finalLayer.linear, xw); _ = try p.condMerge.apply(est.condMerge, xm)
                if let s = est.skipLinear { _ = try p.skipLinear.apply(s, xs) }
            }
        }
        try row("estimator projections (merge, skip, conv1, res_proj, final)", 1, 2 * m * Double(projections) / 1e9,
                projectionOps(e), projectionOps(f), legacy: projectionOps(l))
        return (rows, shapes)
    }
}
