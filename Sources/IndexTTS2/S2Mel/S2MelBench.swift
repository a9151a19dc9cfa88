// S2Mel speed at the real config (config.yaml `s2mel`, random weights), in the scenario of
// shared/perf/baseline.md §4.3: a 5 s reference (430 mel frames, 250 semantic frames) and 250 generated codes
// → T_gen = int(250·1.72) = 430, T = 860; every CFM step is one estimator call on a CFG batch of 2.
// Weights follow the baseline's init: Linear / Conv1d weights N(0, 1/fan_in), biases U(±0.02), embeddings
// N(0, 1), norm gains at their init (1 / 0), `freqs` and `input_pos` as the modules register them.
// Timing only, never a model. PyTorch on the 2-vCPU baseline VM: estimator call 1.69 s, CFM 25 steps 43.8 s
// (1.75 s per step), gpt_layer 1.37 ms, length regulator 18.4 ms.
import Foundation
import Logging
import Neural
import Tensors

public struct S2MelBenchOptions: Sendable {
    public var configPath: String
    public var referenceFrames = 430
    public var semanticFrames = 250
    public var codes = 250
    public var steps = 25
    public var cfgRate = 0.7
    /// Timed estimator calls (median reported) and full CFM runs.
    public var stepRepetitions = 3
    public var cfmRuns = 1
    public var seed: UInt64 = 20_261_121
    /// Also time the estimator on the previous OpenBLAS kernels (DiTF32Kernels.legacy), alternated with the render kernels (oneDNN f32).
    public var compareLegacyKernels = false

    public init(configPath: String) { self.configPath = configPath }
}

public struct S2MelBenchTiming: Codable, Sendable {
    public var name: String
    public var shape: String
    public var medianSeconds: Double
    public var minSeconds: Double
    public var maxSeconds: Double
    public var runs: Int
    /// Median process CPU time (user + system) per run divided by the worker-thread count: what the wall time
    /// would be on an otherwise idle machine with perfect scaling (wall time is inflated when other processes
    /// share the cores).
    public var cpuSecondsPerThread: Double
    /// The PyTorch median of the same measurement on the baseline VM (baseline.md §4.3), when there is one.
    public var pytorchSeconds: Double?
    /// Wall-time ratio to PyTorch (only meaningful on an otherwise idle machine).
    public var ratioToPyTorch: Double? { pytorchSeconds.map { medianSeconds / $0 } }
    /// CPU-time-per-thread ratio to PyTorch (robust to other processes sharing the cores).
    public var cpuRatioToPyTorch: Double? { pytorchSeconds.map { cpuSecondsPerThread / $0 } }
}

public enum S2MelBench {
    static let log = Logger(label: "bookvox.indextts2.s2mel.bench")

    public static func run(_ o: S2MelBenchOptions) throws -> [S2MelBenchTiming] {
        let config = try S2MelConfig(yamlPath: o.configPath)
        let model = try S2Mel(config: config, weights: randomWeights(config, seed: o.seed).root)
        var rng = SeededRNG(seed: o.seed &+ 1)
        let h = config.lengthRegulator.inChannels, c = config.lengthRegulator.channels, mels = config.dit.inChannels
        let latent = gaussian([1, o.codes, config.gptModelDim], std: 1, &rng)
        let sVQ = gaussian([1, o.codes, h], std: 1, &rng)
        let sRef = gaussian([1, o.semanticFrames, h], std: 1, &rng)
        var refMel = gaussian([1, mels, o.referenceFrames], std: 2, &rng)
        refMel.apply { $0 - 5 }
        let style = gaussian([1, config.styleDim], std: 1, &rng)
        var out: [S2MelBenchTiming] = []

        let g = try time(10) { _ = try model.gptLayer(latent) }
        out.append(timing("gpt_layer", "(1,\(o.codes),\(config.gptModelDim))", g, pytorch: 1.37e-3))
        let prompt = try model.promptCondition(semanticReference: sRef, referenceFrames: o.referenceFrames)
        let tGen = model.targetLength(codeCount: o.codes)
        let lr = try time(5) { _ = try model.lengthRegulator(sVQ, targetLength: tGen) }
        out.append(timing("length regulator (generated part)", "(1,\(o.codes),\(h)) -> (1,\(tGen),\(c))", lr, pytorch: 18.4e-3))
        let cond = try model.condition(latent: latent, semanticEmbedding: sVQ)

        let t = o.referenceFrames + tGen
        let mu = Tensor.concat([prompt, cond.cond], axis: 1) // (1, T, C)
        let x = gaussian([2, mels, t], std: 1, &rng)
        var promptX = Tensor(zeros: [2, mels, t])
        promptX = CFMSolver.writingPrefix(promptX, Tensor.concat([refMel, Tensor(zeros: refMel.shape)], axis: 0))
        let style2 = Tensor.concat([style, Tensor(zeros: style.shape)], axis: 0)
        let mu2 = Tensor.concat([mu, Tensor(zeros: mu.shape)], axis: 0)
        // The estimator on the kernels renders use and on the previous OpenBLAS kernels (DiTF32Kernels.legacy), alternated.
        let legacy = model.cfm.estimator.using(.legacy)
        var e: [Sample] = [], old: [Sample] = []
        for i in 0..<max(o.stepRepetitions, 1) {
            e += try time(1, warmup: i == 0) { _ = try model.cfm.estimator(x: x, promptX: promptX, t: [0.4, 0.4], style: style2, mu: mu2) }
            if o.compareLegacyKernels {
                old += try time(1, warmup: i == 0) { _ = try legacy(x: x, promptX: promptX, t: [0.4, 0.4], style: style2, mu: mu2) }
            }
        }
        out.append(timing("DiT estimator call (one CFM step)", "CFG batch 2 x T \(t) (\(o.referenceFrames) ref + \(tGen) gen)",
                          e, pytorch: t == 860 ? 1.69 : nil))
        if !old.isEmpty {
            out.append(timing("DiT estimator call, previous OpenBLAS kernels", "CFG batch 2 x T \(t)", old, pytorch: t == 860 ? 1.69 : nil))
        }

        if o.cfmRuns > 0 {
            let noise = gaussian(model.noiseShape(referenceFrames: o.referenceFrames, codeCount: o.codes), std: 1, &rng)
            let cfm = try time(o.cfmRuns, warmup: false) {
                _ = try model.generate(promptCondition: prompt, cond: cond.cond, referenceMel: refMel, style: style, noise: noise,
                                       steps: o.steps, cfgRate: o.cfgRate)
            }
            out.append(timing("CFM \(o.steps) steps (total)", "T \(t), CFG batch 2", cfm, pytorch: t == 860 && o.steps == 25 ? 43.8 : nil))
            out.append(timing("CFM per step", "T \(t), CFG batch 2", cfm.map { $0.scaled(1 / Double(o.steps)) },
                              pytorch: t == 860 && o.steps == 25 ? 43.8 / 25 : nil))
            if o.compareLegacyKernels {
                let oldModel = model.using(.legacy)
                let oldCFM = try time(o.cfmRuns, warmup: false) {
                    _ = try oldModel.generate(promptCondition: prompt, cond: cond.cond, referenceMel: refMel, style: style, noise: noise,
                                              steps: o.steps, cfgRate: o.cfgRate)
                }
                out.append(timing("CFM \(o.steps) steps (total), previous OpenBLAS kernels", "T \(t), CFG batch 2", oldCFM,
                                  pytorch: t == 860 && o.steps == 25 ? 43.8 : nil))
            }
        }
        return out
    }

    /// A complete s2mel state dict (keys as in s2mel.pth["net"], flattened) with the baseline's random init.
    public static func randomWeights(_ config: S2MelConfig, seed: UInt64) -> WeightStore {
        var rng = SeededRNG(seed: seed)
        var w: [String: Tensor] = [:]
        func linear(_ key: String, _ out: Int, _ inp: Int, bias: Bool = true) {
            w[key + ".weight"] = gaussian([out, inp], std: 1 / Float(inp).squareRoot(), &rng)
            if bias { w[key + ".bias"] = uniform([out], 0.02, &rng) }
        }
        func conv(_ key: String, _ out: Int, _ inp: Int, _ k: Int) {
            w[key + ".weight"] = gaussian([out, inp, k], std: 1 / Float(inp * k).squareRoot(), &rng)
            w[key + ".bias"] = uniform([out], 0.02, &rng)
        }
        let a = config.architecture, d = config.dit.hiddenDim, cin = config.dit.inChannels, wd = config.wavenet.hiddenDim
        let inter = a.intermediateSize(dim: d), half = a.frequencyEmbeddingSize / 2
        let freqs = Tensor(shape: [half], data: (0..<half).map { Float(Foundation.exp(-Foundation.log(10000.0) * Double($0) / Double(half))) })
        let e = "cfm.estimator."
        for (name, width) in [("t_embedder", d), ("t_embedder2", wd)] {
            w[e + name + ".freqs"] = freqs
            linear(e + name + ".mlp.0", width, a.frequencyEmbeddingSize)
            linear(e + name + ".mlp.2", width, width)
        }
        linear(e + "cond_projection", d, config.dit.contentDim)
        linear(e + "cond_x_merge_linear", d, d + 2 * cin + (config.dit.styleCondition ? config.styleDim : 0))
        func adaLN(_ key: String) {
            linear(key + ".project_layer", 2 * d, d)
            w[key + ".norm.weight"] = Tensor(shape: [d], repeating: 1)
        }
        for i in 0..<config.dit.depth {
            let p = e + "transformer.layers.\(i)."
            linear(p + "attention.wqkv", 3 * d, d, bias: false)
            linear(p + "attention.wo", d, d, bias: false)
            linear(p + "feed_forward.w1", inter, d, bias: false)
            linear(p + "feed_forward.w3", inter, d, bias: false)
            linear(p + "feed_forward.w2", d, inter, bias: false)
            adaLN(p + "attention_norm")
            adaLN(p + "ffn_norm")
            if config.dit.uvitSkipConnection { linear(p + "skip_in_linear", d, 2 * d) }
        }
        adaLN(e + "transformer.norm")
        linear(e + "skip_linear", d, d + cin)
        linear(e + "conv1", wd, d)
        conv(e + "conv2", cin, wd, 1)
        let n = config.wavenet.numLayers
        conv(e + "wavenet.cond_layer.conv.conv", 2 * wd * n, wd, 1)
        for l in 0..<n {
            conv(e + "wavenet.in_layers.\(l).conv.conv", 2 * wd, wd, config.wavenet.kernelSize)
            conv(e + "wavenet.res_skip_layers.\(l).conv.conv", l < n - 1 ? 2 * wd : wd, wd, 1)
        }
        linear(e + "res_projection", wd, d)
        linear(e + "final_layer.adaLN_modulation.1", 2 * wd, wd)
        linear(e + "final_layer.linear", wd, wd)
        linear(e + "x_embedder", d, cin)
        w[e + "cond_embedder.weight"] = gaussian([config.dit.contentCodebookSize, d], std: 1, &rng)
        w[e + "content_mask_embedder.weight"] = gaussian([1, d], std: 1, &rng)
        w[e + "input_pos"] = Tensor(shape: [a.blockSize], data: (0..<a.blockSize).map(Float.init))

        let lr = config.lengthRegulator, c = lr.channels
        linear("length_regulator.content_in_proj", c, lr.inChannels)
        for i in lr.samplingRatios.indices {
            conv("length_regulator.model.\(3 * i)", c, c, 3)
            w["length_regulator.model.\(3 * i + 1).weight"] = Tensor(shape: [c], repeating: 1)
            w["length_regulator.model.\(3 * i + 1).bias"] = Tensor(zeros: [c])
        }
        conv("length_regulator.model.\(3 * lr.samplingRatios.count)", c, c, 1)
        w["length_regulator.embedding.weight"] = gaussian([lr.contentCodebookSize, c], std: 1, &rng)
        w["length_regulator.mask_token"] = Tensor(zeros: [1, c])

        let dims = [config.gptModelDim] + a.gptLayerHidden + [lr.inChannels]
        for i in 0..<(dims.count - 1) { linear("gpt_layer.\(i)", dims[i + 1], dims[i]) }
        return WeightStore(tensors: w, source: "random s2mel weights (seed \(seed))")
    }

    static func gaussian(_ shape: [Int], std: Float, _ rng: inout SeededRNG) -> Tensor {
        var t = Tensor(zeros: shape)
        t.withUnsafeMutableBufferPointer { p in for i in 0..<p.count { p[i] = rng.nextGaussian() * std } }
        return t
    }

    static func uniform(_ shape: [Int], _ bound: Float, _ rng: inout SeededRNG) -> Tensor {
        var t = Tensor(zeros: shape)
        t.withUnsafeMutableBufferPointer { p in for i in 0..<p.count { p[i] = (2 * rng.nextFloat() - 1) * bound } }
        return t
    }

    /// One timed run: wall seconds and process CPU seconds.
    struct Sample {
        var wall: Double
        var cpu: Double

        func scaled(_ f: Double) -> Sample { Sample(wall: wall * f, cpu: cpu * f) }
    }

    static func cpuSeconds() -> Double {
        var ts = timespec()
        clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts)
        return Double(ts.tv_sec) + Double(ts.tv_nsec) * 1e-9
    }

    static func time(_ runs: Int, warmup: Bool = true, _ body: () throws -> Void) throws -> [Sample] {
        if warmup { try body() }
        return try (0..<max(runs, 1)).map { _ in
            let c0 = cpuSeconds()
            let t0 = DispatchTime.now().uptimeNanoseconds
            try body()
            return Sample(wall: Double(DispatchTime.now().uptimeNanoseconds - t0) * 1e-9, cpu: cpuSeconds() - c0)
        }
    }

    static func timing(_ name: String, _ shape: String, _ samples: [Sample], pytorch: Double?) -> S2MelBenchTiming {
        let s = samples.map(\.wall).sorted(), cpu = samples.map(\.cpu).sorted()
        let t = S2MelBenchTiming(name: name, shape: shape, medianSeconds: s[s.count / 2], minSeconds: s[0], maxSeconds: s[s.count - 1],
                                 runs: s.count, cpuSecondsPerThread: cpu[cpu.count / 2] / Double(Tensors.threadCount),
                                 pytorchSeconds: pytorch)
        log.info("\(name) \(shape): median \(String(format: "%.1f", t.medianSeconds * 1e3)) ms wall, \(String(format: "%.1f", t.cpuSecondsPerThread * 1e3)) ms CPU/thread")
        return t
    }
}
