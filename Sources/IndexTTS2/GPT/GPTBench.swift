// Decode-speed benchmark of the IndexTTS2 GPT at a given config (the real 24 × 1280 one from config.yaml,
// or a tiny one in tests), with seeded random weights (uniform with the variance of N(0, 1/fan_in);
// timing only, never a model). Compares with shared/perf/baseline.md §4.1 (PyTorch, same VM):
// 3-beam full step 360 ms (forward only 343 ms), 1-beam full step 111 ms, prefill 97 positions 2.06 s
// (3 identical rows), latent pass 348 positions 2.37 s. Target: ≤ 0.35 × the 3-beam step.
//
// What is timed:
//   products  one M = 3 product per Conv1D shape of a block, for every `Conv1DKernel`, sweeping distinct
//             weight matrices so every call streams from DRAM (GB/s = weight bytes / time)
//   decode    per kernel: a shared prefill of `window.lowerBound` positions, then 3-beam steps until the
//             attention length reaches `window.upperBound`; "forward" = embed + GPT-2 + heads,
//             "full step" adds infer_v2's beam sampling (log_softmax, repetition penalty over the history,
//             temperature, top-k, top-p, 6 draws, scorer) and the cache reorder. Median over the window.
//   parts     per decode loop (3-beam and cross-segment): median wall time per step of every part of the blocks
//             (GPTStepProfile: norms, each projection, KV-cache write, attention, gelu_new) and around them
//             (embeddings, ln_f + final_norm, mel_head, beam search, cache reorder).
//   extras    (first kernel) 1-beam step, prefill of `promptLength` positions, latent pass of 348 positions.
//
// Measured 2026-11-21 on the 2-vCPU Zen 5 VM of the baseline, release build, 2 threads — but with the VM
// shared by other builds (load average 7–10), so wall times are inflated and noisy; CPU time per call
// (all threads) is the steadier figure. M = 3 products, 16 distinct matrices per call, CPU ms:
//   c_attn 1280→3840: outputMajorRows 15.4, outputMajorGEMV 30.8, inputMajorGEMM 36.3
//   c_fc 1280→5120:   outputMajorRows 20.9, outputMajorGEMV 43.6, inputMajorGEMM 49.9
//   mlp.c_proj 5120→1280: row kernel 41–69 (three 20 KiB input rows spill L1), sgemv ×3 41, inputMajorGEMM 52.8
// → default `.outputMajorRows` (row kernel for K ≤ 2048, per-row sgemv above).
// 3-beam full step, attention 280–320: wall median 282 ms (min 140 ms), CPU 147 ms per step (PyTorch: 360 ms
// wall on the idle VM); GEMM on the stored [K, N] layout (what PyTorch runs): CPU 251 ms per step.
import Foundation
import Logging
import Neural
import Tensors

public struct GPTBenchTiming: Codable, Sendable {
    public var name: String
    public var medianSeconds: Double
    public var minSeconds: Double
    public var runs: Int
    /// Weight bytes streamed per call divided by the median time (0 when not meaningful).
    public var gigabytesPerSecond: Double
    /// Median CPU time of the process (all threads) per call: on a machine shared with other work, CPU
    /// time / threads estimates the wall time the call would take alone. 0 for the step-part rows (wall time only).
    public var medianCPUSeconds: Double
}

public struct GPTBenchOptions: Sendable {
    public var kernels: [Conv1DKernel] = [.outputMajorRows, .outputMajorGEMM, .outputMajorGEMV,
                                          .inputMajorRows, .inputMajorGEMM, .inputMajorGEMV]
    /// Attention lengths over which decode steps are timed (baseline window: 280–320).
    public var window: Range<Int> = 280..<320
    /// Prefix length of the prefill / 1-beam measurements (baseline: 34 + 62 + 1 = 97).
    public var promptLength = 97
    /// Latent-pass length (baseline: 34 + 62 + 252 = 348).
    public var latentLength = 348
    /// Distinct matrices per product measurement.
    public var sweep = 16
    public var productRepetitions = 10
    public var includeExtras = true
    /// Only the M = 3 product measurements (no model is built).
    public var productsOnly = false
    public var seed: UInt64 = 20_261_121
    /// `--precision fast`: also time the first kernel's model with its decode steps on this reduced kernel (right
    /// after the exact one, on the same weights) and measure the deviation (GPTPrecisionDeviation).
    public var fastKernel: ReducedKernel?
    /// Teacher-forced 3-beam decode steps of the deviation measurement.
    public var deviationSteps = 12
    /// Cross-segment batching: also time decode steps of this many segments × 3 beams in one weight pass
    /// (first kernel, exact and fast); 0 or 1: not timed.
    public var batch = 0
    public init() {}
}

/// The timings, and in fast mode the deviation of fast from exact at this size (random weights).
public struct GPTBenchReport: Codable, Sendable {
    public var timings: [GPTBenchTiming]
    public var deviation: [GPTDeviationStage]
    /// Projection-weight bytes one decode step streams, exact and (fast mode) fast.
    public var exactStepBytes: Int
    public var fastStepBytes: Int?
}

public enum GPTBench {
    static let log = Logger(label: "bookvox.indextts2.gpt-bench")

    public static func run(config c: UnifiedVoiceConfig, options o: GPTBenchOptions = GPTBenchOptions()) throws -> [GPTBenchTiming] {
        try report(config: c, options: o).timings
    }

    public static func report(config c: UnifiedVoiceConfig, options o: GPTBenchOptions = GPTBenchOptions()) throws -> GPTBenchReport {
        var rng = SeededRNG(seed: o.seed)
        var out = products(hidden: c.modelDim, options: o, rng: &rng)
        let exactBytes = 4 * (GPT2Shape(hidden: c.modelDim, heads: c.heads, layers: c.layers, inner: 4 * c.modelDim).blockWeightCount
            + c.numberMelCodes * c.modelDim)
        var report = GPTBenchReport(timings: out, deviation: [], exactStepBytes: exactBytes, fastStepBytes: nil)
        if o.productsOnly { return report }
        let tensors = try weights(c, rng: &rng)
        for (i, kernel) in o.kernels.enumerated() {
            let store = WeightStore(tensors: tensors, source: "bench")
            let gpt = try GPT2Model(store.scope("gpt"), hidden: c.modelDim, heads: c.heads, layers: c.layers, kernel: kernel)
            let heads = try UnifiedVoiceHeads(store.root, config: c, kernel: kernel)
            let emb = try UnifiedVoiceEmbeddings(store.root, config: c)
            let bytes = Double(gpt.shape.blockWeightCount + c.numberMelCodes * c.modelDim) * 4
            out += try decode(gpt, heads: heads, embeddings: emb, config: c, kernel: kernel, options: o, bytes: bytes, rng: &rng)
            if i == 0 && o.batch > 1 {
                out += try batchDecode(UnifiedVoiceGPTParts(gpt: gpt, heads: heads, embeddings: emb), config: c, kernel: kernel,
                                       options: o, bytes: bytes, rng: &rng)
            }
            var fast: (GPT2Model, UnifiedVoiceHeads)?
            if i == 0, let fk = o.fastKernel {
                let f = (gpt.reduced(fk), heads.reduced(fk))
                fast = f
                let fastBytes = f.0.decodeWeightBytes + f.1.melHeadBytes
                report.fastStepBytes = fastBytes
                out += try decode(f.0, heads: f.1, embeddings: emb, config: c, kernel: kernel, options: o, bytes: Double(fastBytes),
                                  rng: &rng, tag: ", fast \(fk.rawValue)")
                if o.batch > 1 {
                    out += try batchDecode(UnifiedVoiceGPTParts(gpt: f.0, heads: f.1, embeddings: emb), config: c, kernel: kernel,
                                           options: o, bytes: Double(fastBytes), rng: &rng, tag: ", fast \(fk.rawValue)")
                }
            }
            if i == 0 && o.includeExtras {
                out += try extras(gpt, heads: heads, embeddings: emb, config: c, kernel: kernel, options: o, bytes: bytes, rng: &rng)
                if let f = fast, let fk = o.fastKernel {
                    out.append(try oneBeamStep(f.0, heads: f.1, embeddings: emb, config: c, kernel: kernel, options: o,
                                               bytes: Double(report.fastStepBytes ?? 0), rng: &rng, tag: ", fast \(fk.rawValue)"))
                }
            }
            if let f = fast {
                report.deviation = try deviation(exact: .init(gpt: gpt, heads: heads, embeddings: emb),
                                                 fast: .init(gpt: f.0, heads: f.1, embeddings: emb), config: c, options: o, rng: &rng)
            }
        }
        report.timings = out
        return report
    }

    /// Teacher-forced 3-beam deviation over `deviationSteps` steps after a random prompt of `promptLength` rows:
    /// the beams are fed the exact model's top-3 codes of the prompt, then each beam its own exact argmax.
    static func deviation(exact: GPTPrecisionDeviation.Model, fast: GPTPrecisionDeviation.Model, config c: UnifiedVoiceConfig,
                          options o: GPTBenchOptions, rng: inout SeededRNG) throws -> [GPTDeviationStage] {
        let prompt = uniform([o.promptLength, c.modelDim], fanIn: 1, rng: &rng)
        return try GPTPrecisionDeviation.measure(exact: exact, fast: fast, prefixRows: prompt, beams: 3, topK: 30,
                                                 next: GPTPrecisionDeviation.beamReference(vocab: c.numberMelCodes,
                                                                                           steps: o.deviationSteps))
    }

    /// M = 3 products for the four Conv1D shapes of a block, every kernel.
    static func products(hidden h: Int, options o: GPTBenchOptions, rng: inout SeededRNG) -> [GPTBenchTiming] {
        var out: [GPTBenchTiming] = []
        for (k, n, label) in [(h, 3 * h, "c_attn"), (h, h, "attn.c_proj"), (h, 4 * h, "c_fc"), (4 * h, h, "mlp.c_proj")] {
            let stored = uniform([o.sweep, k, n], fanIn: k, rng: &rng) // [K, N] each
            var transposed = Tensor(zeros: [o.sweep, n, k])
            transposed.withUnsafeMutableBufferPointer { t in
                for i in 0..<o.sweep {
                    let one = Conv1DProjection.transpose(Tensor(shape: [k, n], data: Array(UnsafeBufferPointer(start: stored.pointer + i * k * n, count: k * n))))
                    (t.baseAddress! + i * k * n).update(from: one.pointer, count: k * n)
                }
            }
            let x = uniform([3, k], fanIn: 1, rng: &rng)
            var y = [Float](repeating: 0, count: 3 * n)
            for kernel in o.kernels {
                let w = kernel.transposesAtLoad ? transposed.pointer : stored.pointer
                var cpu: [Double] = []
                let samples = time(o.productRepetitions) {
                    let c0 = cpuTime()
                    defer { cpu.append(cpuTime() - c0) }
                    y.withUnsafeMutableBufferPointer { yb in
                        for i in 0..<o.sweep {
                            Conv1DProjection.product(kernel, rows: 3, n: n, k: k, x: x.pointer, w: w + i * k * n, y: yb.baseAddress!)
                        }
                    }
                }
                out.append(timing("M=3 \(label) K=\(k) N=\(n) ×\(o.sweep) \(kernel.rawValue)", samples,
                                  cpu: Array(cpu.dropFirst()), bytes: Double(o.sweep * k * n * 4)))
            }
            // Fast mode: the same products with every reduced kernel this CPU runs (the measurement behind the choice).
            if o.fastKernel != nil {
                for rk in ReducedKernel.allCases where rk.isSupported {
                    let mats = (0..<o.sweep).map { i in
                        ReducedMatrix(Tensor(shape: [n, k], data: Array(UnsafeBufferPointer(start: transposed.pointer + i * k * n, count: k * n))),
                                      kernel: rk) // (N, K)
                    }
                    var cpu: [Double] = []
                    let samples = time(o.productRepetitions) {
                        let c0 = cpuTime()
                        defer { cpu.append(cpuTime() - c0) }
                        y.withUnsafeMutableBufferPointer { yb in
                            for m in mats { m.apply(x.pointer, rows: 3, bias: nil, out: yb.baseAddress!) }
                        }
                    }
                    out.append(timing("M=3 \(label) K=\(k) N=\(n) ×\(o.sweep) \(rk.rawValue)", samples,
                                      cpu: Array(cpu.dropFirst()), bytes: Double(o.sweep * mats[0].byteCount)))
                }
            }
        }
        return out
    }

    /// Shared prefill to window.lowerBound, then 3-beam steps across the window.
    static func decode(_ gpt: GPT2Model, heads: UnifiedVoiceHeads, embeddings emb: UnifiedVoiceEmbeddings, config c: UnifiedVoiceConfig,
                       kernel: Conv1DKernel, options o: GPTBenchOptions, bytes: Double, rng: inout SeededRNG,
                       tag: String = "") throws -> [GPTBenchTiming] {
        let beams = 3, d = c.modelDim, v = c.numberMelCodes, start = o.window.lowerBound
        let state = gpt.makeState(batch: beams, capacity: o.window.upperBound + 1)
        var prefix = uniform([start, d], fanIn: 1, rng: &rng)
        try prefix.withUnsafeMutableBufferPointer { try gpt.forward($0.baseAddress!, sequences: 1, rows: start, state: state) }
        let options = GPTGenerationOptions.inferV2(stopToken: c.stopMelToken)
        let processors = try options.settings.processors(promptLength: start)
        var search = try BeamSearch(prompt: Array(repeating: 1, count: start - 1) + [c.startMelToken], config: BeamSearchConfig(
            numBeams: beams, lengthPenalty: 0, eosTokenIds: [c.stopMelToken], padTokenId: c.stopMelToken,
            maxLength: o.window.upperBound + 2, doSample: true))
        var sampler = SeededTokenSampler(seed: o.seed)
        var x = [Float](repeating: 0, count: beams * d), logits = [Float](repeating: 0, count: beams * v)
        var tokens = [Int](repeating: 0, count: beams)
        var forward: [Double] = [], full: [Double] = [], cpuForward: [Double] = [], cpuFull: [Double] = []
        let profile = GPTStepProfile()
        state.profile = profile
        defer { state.profile = nil }
        var parts: [[Double]] = []
        while state.length < o.window.upperBound {
            let c0 = cpuTime()
            let t0 = DispatchTime.now().uptimeNanoseconds
            var marks: [UInt64] = []
            try x.withUnsafeMutableBufferPointer { xb in
                for b in 0..<beams { try emb.melRow(tokens[b], position: state.length - start + 1, into: xb.baseAddress! + b * d) }
                marks.append(DispatchTime.now().uptimeNanoseconds)
                try gpt.forward(xb.baseAddress!, sequences: beams, rows: 1, state: state)
                marks.append(DispatchTime.now().uptimeNanoseconds)
                gpt.finalLayerNorm(xb.baseAddress!, rows: beams, out: xb.baseAddress!)
                heads.finalNorm(xb.baseAddress!, rows: beams, out: xb.baseAddress!)
                marks.append(DispatchTime.now().uptimeNanoseconds)
                logits.withUnsafeMutableBufferPointer { heads.melLogits(xb.baseAddress!, rows: beams, out: $0.baseAddress!, decodeStep: true) }
            }
            let t1 = DispatchTime.now().uptimeNanoseconds
            let c1 = cpuTime()
            let rows = (0..<beams).map { Array(logits[$0 * v..<($0 + 1) * v]) }
            let step = try search.step(logits: rows, processors: processors, sampler: &sampler)
            let ts = DispatchTime.now().uptimeNanoseconds
            state.reorder(step.sourceBeams)
            tokens = step.tokens
            let t2 = DispatchTime.now().uptimeNanoseconds
            forward.append(Double(t1 - t0) * 1e-9)
            full.append(Double(t2 - t0) * 1e-9)
            cpuForward.append(c1 - c0)
            cpuFull.append(cpuTime() - c0)
            parts.append(stepParts(blocks: profile.take(), marks: [t0] + marks + [t1, ts, t2]))
            if search.isFinished { break }
        }
        let w = "\(o.window.lowerBound)–\(state.length)"
        return [timing("3-beam step forward (\(kernel.rawValue)\(tag), attention \(w))", forward, cpu: cpuForward, bytes: bytes),
                timing("3-beam full step (\(kernel.rawValue)\(tag), attention \(w))", full, cpu: cpuFull, bytes: bytes)]
            + partRows("3-beam", parts, tag: "\(kernel.rawValue)\(tag)")
    }

    /// `batch` segments × 3 beams per decode step (UnifiedVoiceGPT.decodeStep's path: GPT2Model.forwardStep, ln_f,
    /// final_norm, grouped mel_head), every slot starting from one shared prefill of window.lowerBound positions and
    /// then sampling on its own; "full step" adds every slot's beam search and cache reorder. Median over the window.
    static func batchDecode(_ m: UnifiedVoiceGPTParts, config c: UnifiedVoiceConfig, kernel: Conv1DKernel, options o: GPTBenchOptions,
                            bytes: Double, rng: inout SeededRNG, tag: String = "") throws -> [GPTBenchTiming] {
        let beams = 3, slots = o.batch, d = c.modelDim, v = c.numberMelCodes, start = o.window.lowerBound
        let first = m.gpt.makeState(batch: beams, capacity: o.window.upperBound + 1)
        var prefix = uniform([start, d], fanIn: 1, rng: &rng)
        try prefix.withUnsafeMutableBufferPointer { try m.gpt.forward($0.baseAddress!, sequences: 1, rows: start, state: first) }
        let states = [first] + (1..<slots).map { _ in first.duplicate() }
        let options = GPTGenerationOptions.inferV2(stopToken: c.stopMelToken)
        let processors = try options.settings.processors(promptLength: start)
        var searches = try (0..<slots).map { _ in
            try BeamSearch(prompt: Array(repeating: 1, count: start - 1) + [c.startMelToken], config: BeamSearchConfig(
                numBeams: beams, lengthPenalty: 0, eosTokenIds: [c.stopMelToken], padTokenId: c.stopMelToken,
                maxLength: o.window.upperBound + 2, doSample: true))
        }
        var samplers = (0..<slots).map { SeededTokenSampler(seed: o.seed &+ UInt64($0)) }
        var tokens = [[Int]](repeating: [Int](repeating: 0, count: beams), count: slots)
        let groups = [Int](repeating: beams, count: slots), rows = slots * beams
        let scratch = GPT2StepScratch()
        var x = [Float](repeating: 0, count: rows * d), logits = [Float](repeating: 0, count: rows * v)
        var forward: [Double] = [], full: [Double] = [], cpuForward: [Double] = [], cpuFull: [Double] = []
        let profile = GPTStepProfile()
        scratch.profile = profile
        var parts: [[Double]] = []
        stepping: while first.length < o.window.upperBound {
            let c0 = cpuTime()
            let t0 = DispatchTime.now().uptimeNanoseconds
            var marks: [UInt64] = []
            try x.withUnsafeMutableBufferPointer { xb in
                let p = xb.baseAddress!
                for s in 0..<slots {
                    for b in 0..<beams {
                        try m.embeddings.melRow(tokens[s][b], position: first.length - start + 1, into: p + (s * beams + b) * d)
                    }
                }
                marks.append(DispatchTime.now().uptimeNanoseconds)
                try m.gpt.forwardStep(p, slots: states, scratch: scratch)
                marks.append(DispatchTime.now().uptimeNanoseconds)
                m.gpt.finalLayerNorm(p, rows: rows, out: p)
                m.heads.finalNorm(p, rows: rows, out: p)
                marks.append(DispatchTime.now().uptimeNanoseconds)
                logits.withUnsafeMutableBufferPointer { m.heads.melLogitsGrouped(p, groups: groups, out: $0.baseAddress!) }
            }
            let t1 = DispatchTime.now().uptimeNanoseconds
            let c1 = cpuTime()
            var searchNanos: UInt64 = 0, reorderNanos: UInt64 = 0
            for s in 0..<slots {
                let ta = DispatchTime.now().uptimeNanoseconds
                let slotRows = (0..<beams).map { b in Array(logits[(s * beams + b) * v..<(s * beams + b + 1) * v]) }
                let step = try searches[s].step(logits: slotRows, processors: processors, sampler: &samplers[s])
                let tb = DispatchTime.now().uptimeNanoseconds
                states[s].reorder(step.sourceBeams)
                tokens[s] = step.tokens
                let tc = DispatchTime.now().uptimeNanoseconds
                searchNanos += tb - ta
                reorderNanos += tc - tb
            }
            let t2 = DispatchTime.now().uptimeNanoseconds
            forward.append(Double(t1 - t0) * 1e-9)
            full.append(Double(t2 - t0) * 1e-9)
            cpuForward.append(c1 - c0)
            cpuFull.append(cpuTime() - c0)
            parts.append(stepParts(blocks: profile.take(), marks: [t0] + marks + [t1, t1 + searchNanos, t1 + searchNanos + reorderNanos]))
            if searches.contains(where: \.isFinished) { break stepping }
        }
        let w = "\(o.window.lowerBound)–\(first.length)"
        return [timing("\(slots)×3-beam step forward (\(kernel.rawValue)\(tag), attention \(w))", forward, cpu: cpuForward, bytes: bytes),
                timing("\(slots)×3-beam full step (\(kernel.rawValue)\(tag), attention \(w))", full, cpu: cpuFull, bytes: bytes)]
            + partRows("\(slots)×3-beam", parts, tag: "\(kernel.rawValue)\(tag)")
    }

    /// The parts of a decode step outside the blocks, after the block parts (GPTStepProfile.Part order).
    static let outerParts = ["mel embedding rows", "blocks: rest (loop, checks, gather table)", "ln_f + final_norm", "mel_head",
                             "beam search (processors, sampling, scorer)", "KV cache reorder"]

    /// One step's seconds per part: the block parts, then `outerParts` from the marks taken around them (start,
    /// embeddings done, blocks done, norms done, forward done, search done, reorder done).
    static func stepParts(blocks: [Double], marks m: [UInt64]) -> [Double] {
        let span = { (i: Int) in Double(m[i + 1] - m[i]) * 1e-9 }
        return blocks + [span(0), span(1) - blocks.reduce(0, +), span(2), span(3), span(4), span(5)]
    }

    /// Median seconds per step of every profiled part ("<steps> step part: <part> (<kernel>)").
    static func partRows(_ steps: String, _ parts: [[Double]], tag: String) -> [GPTBenchTiming] {
        let names = GPTStepProfile.Part.allCases.map(\.label) + outerParts
        guard let count = parts.first?.count, count == names.count else { return [] }
        return names.enumerated().map { i, name in
            timing("\(steps) step part: \(name) (\(tag))", parts.map { $0[i] }, cpu: [0], bytes: 0) // CPU time: not per part
        }
    }

    /// 1-beam step in the window, prefill of promptLength positions, latent pass.
    static func extras(_ gpt: GPT2Model, heads: UnifiedVoiceHeads, embeddings emb: UnifiedVoiceEmbeddings, config c: UnifiedVoiceConfig,
                       kernel: Conv1DKernel, options o: GPTBenchOptions, bytes: Double, rng: inout SeededRNG) throws -> [GPTBenchTiming] {
        let d = c.modelDim
        var out: [GPTBenchTiming] = []
        out.append(try oneBeamStep(gpt, heads: heads, embeddings: emb, config: c, kernel: kernel, options: o, bytes: bytes, rng: &rng))
        for (label, rows) in [("prefill", o.promptLength), ("latent pass", o.latentLength)] {
            let input = uniform([rows, d], fanIn: 1, rng: &rng)
            var cpu: [Double] = []
            let samples = try time(2) {
                let c0 = cpuTime()
                let state = gpt.makeState(batch: 1, capacity: rows)
                var x = input
                try x.withUnsafeMutableBufferPointer { try gpt.forward($0.baseAddress!, sequences: 1, rows: rows, state: state) }
                cpu.append(cpuTime() - c0)
            }
            out.append(timing("\(label) \(rows) positions (\(kernel.rawValue))", samples, cpu: Array(cpu.dropFirst()), bytes: 0))
        }
        return out
    }

    /// 1-beam decode steps across the window (forward + argmax).
    static func oneBeamStep(_ gpt: GPT2Model, heads: UnifiedVoiceHeads, embeddings emb: UnifiedVoiceEmbeddings, config c: UnifiedVoiceConfig,
                            kernel: Conv1DKernel, options o: GPTBenchOptions, bytes: Double, rng: inout SeededRNG,
                            tag: String = "") throws -> GPTBenchTiming {
        let d = c.modelDim, v = c.numberMelCodes
        var logits = [Float](repeating: 0, count: v)
        let state = gpt.makeState(batch: 1, capacity: o.window.upperBound + 1)
        var prefix = uniform([o.window.lowerBound, d], fanIn: 1, rng: &rng)
        try prefix.withUnsafeMutableBufferPointer { try gpt.forward($0.baseAddress!, sequences: 1, rows: o.window.lowerBound, state: state) }
        var x = [Float](repeating: 0, count: d)
        var samples: [Double] = [], cpu: [Double] = []
        var token = 0
        while state.length < o.window.upperBound {
            let c0 = cpuTime()
            let t0 = DispatchTime.now().uptimeNanoseconds
            try x.withUnsafeMutableBufferPointer { xb in
                try emb.melRow(token, position: state.length - o.window.lowerBound + 1, into: xb.baseAddress!)
                try gpt.forward(xb.baseAddress!, sequences: 1, rows: 1, state: state)
                gpt.finalLayerNorm(xb.baseAddress!, rows: 1, out: xb.baseAddress!)
                heads.finalNorm(xb.baseAddress!, rows: 1, out: xb.baseAddress!)
                logits.withUnsafeMutableBufferPointer { heads.melLogits(xb.baseAddress!, rows: 1, out: $0.baseAddress!, decodeStep: true) }
            }
            token = Logits.argmax(logits) % c.startMelToken
            samples.append(Double(DispatchTime.now().uptimeNanoseconds - t0) * 1e-9)
            cpu.append(cpuTime() - c0)
        }
        return timing("1-beam step forward+argmax (\(kernel.rawValue)\(tag))", samples, cpu: cpu, bytes: bytes)
    }
}

/// The decode-step parts of a UnifiedVoiceGPT the bench builds on its own (no conditioner).
struct UnifiedVoiceGPTParts {
    let gpt: GPT2Model
    let heads: UnifiedVoiceHeads
    let embeddings: UnifiedVoiceEmbeddings
}
