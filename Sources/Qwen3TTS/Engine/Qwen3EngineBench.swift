// `bookvox bench --engine qwen3-tts --variant 0.6B|1.7B`: the engine's own decode paths at the released sizes with
// random weights (shared/perf/baseline.md §5 method: N(0, 1/fan_in)-variance weights, EOS row of codec_head zeroed so
// every run has the requested length, the released sampling settings). Measured: talker step and code-predictor
// frame (batch 1 and batch B through the batch-invariant path), the whole generation loop per frame, the prefill,
// the codec decoder's seconds per second of audio, and peak resident memory; each loop runs a second time with the
// generic sampling chain instead of Qwen3TokenDraw (its frame time, and whether it drew the same codes). RTF follows
// baseline.md §6.2:
//   single     = 12.5 · frame₁ + decoder s/s + prefill₁ / 10 s
//   batch B    = 12.5 · frame_B + B · decoder s/s + prefill_B / 10 s   (per stream; aggregate = that / B).
// The talker's text-embedding table is built with 16 rows instead of 151 936: the decode loop never reads it.
import Foundation
import Logging
import Neural
import Tensors

public struct Qwen3EngineBenchOptions: Sendable {
    public var size: Qwen3Variant.Size
    public var frames: Int = 30
    public var promptLength: Int = 100
    public var batch: Int = 8
    public var decoderFrames: Int = 100
    /// Frames per segment of the pipelined book figure (125 = 10 s, the utterance length of the RTF formulas);
    /// 0 skips it.
    public var pipelinedFrames: Int = 125
    /// Measure the stream-read bandwidth first (1 GiB; tests switch it off and report 0).
    public var measureStream = true
    public var includeDecoder = true
    /// false: skip the talker / code-predictor figures (they are reported as 0) and time only the decoder.
    public var includeGeneration = true
    public var seed: UInt64 = 20_261_121
    /// Configs to use instead of the released ones (tests run the bench at tiny size).
    public var model: Qwen3TTSConfig?
    public var speechTokenizer: Qwen3SpeechTokenizerConfig?
    /// exact, or fast with `fastPlan` (nil: Qwen3FastPlan.standard).
    public var precision: Qwen3Precision = .exact
    public var fastPlan: Qwen3FastPlan?
    public init(size: Qwen3Variant.Size) { self.size = size }
}

public struct Qwen3EngineBenchReport: Codable, Sendable {
    public var variant: String
    /// exact or fast.
    public var precision: String = "exact"
    /// The reduced kernels of the decode loop in fast mode ("talker …, code predictor …"); nil in exact mode.
    public var fastKernels: String?
    /// Bytes of weights one batch-1 frame streams through the decode-step projections (talker step + code
    /// predictor + heads), in MB.
    public var decodeWeightMBPerFrame: Double?
    public var threads: Int
    /// Which batch-invariant row kernel ran the decode steps (avx512, avx2 or portable).
    public var rowKernel: String
    /// OpenBLAS's kernel set (prefill, convolutions): its CPU choice or OPENBLAS_CORETYPE.
    public var blasKernels: String
    public var batch: Int
    public var promptLength: Int
    public var frames: Int
    public var talkerStepMs: Double
    public var codePredictorFrameMs: Double
    public var frameMs: Double
    public var prefillSeconds: Double
    public var talkerStepMsBatch: Double
    public var codePredictorFrameMsBatch: Double
    public var frameMsBatch: Double
    public var prefillSecondsBatch: Double
    public var decoderSecondsPerSecond: Double?
    /// The decoder's stages (one unchunked forward, named as in the parity case), seconds per second of audio.
    public var decoderStageSecondsPerSecond: [String: Double]?
    public var rtfSingle: Double?
    public var rtfBatchPerStream: Double?
    public var rtfBatchAggregate: Double?
    /// Book throughput as the Scheduler runs it: batch-B generation of 10 s segments (prefill included) overlapped
    /// with decoding B other segments; wall seconds per second of audio, aggregate over the B streams.
    public var rtfPipelinedAggregate: Double?
    /// The two stages' own wall seconds inside that overlap.
    public var pipelinedGenerateSeconds: Double?
    public var pipelinedDecodeSeconds: Double?
    public var peakMemoryMB: Double
    /// Process CPU time of the same figures (all threads): on a shared, loaded machine the wall figures above
    /// include waiting for a core; CPU time / threads estimates the wall time on an idle machine.
    public var cpu: [String: Double]
    /// Streaming read bandwidth measured at the start of the run (GB/s): the batch-1 decode loop is bound by it
    /// (≈ 6.4 GB of fp32 weights per 0.6B frame), so compare frame times only between runs with similar values.
    public var streamReadGBps: Double
    /// 1-minute load average when the report was made.
    public var loadAverage: Double?
    public var baseline: [String: Double]
    /// The codec decoder's convolution backends beyond im2col + sgemm (none at the released sizes today);
    /// nil when none or when the decoder was not timed.
    public var decoderConvolutions: String? = nil
    /// The loop's frame (batch 1, batch B) with the generic sampling chain (processors → softmax → draw) instead of
    /// the fused draw, run right after it on the same prompts and seeds: the before/after of that change.
    public var frameMsGenericSampling: Double? = nil
    public var frameMsBatchGenericSampling: Double? = nil
    /// Whether both loops (batch 1 and batch B) sampled the same codes with the fused and the generic draw.
    public var sampledCodesMatchGeneric: Bool? = nil
}

public enum Qwen3EngineBench {
    static let log = Logger(label: "bookvox.qwen3tts.engine-bench")

    /// The bench's random-weight talker (exact) and its config.
    public static func makeTalker(_ o: Qwen3EngineBenchOptions) throws -> (talker: Qwen3Talker, config: Qwen3TTSConfig) {
        var config = try o.model ?? Qwen3ReleasedConfigs.model(o.size)
        config.talkerConfig.textVocabSize = Swift.min(16, config.talkerConfig.textVocabSize)
        var rng = SeededRNG(seed: o.seed)
        return (try Qwen3Talker(randomTalkerWeights(config.talkerConfig, rng: &rng).scope("talker"), config: config.talkerConfig), config)
    }

    /// Runs the bench; `prebuilt` (from makeTalker, exact) saves building the random weights again.
    public static func run(_ o: Qwen3EngineBenchOptions, prebuilt: (talker: Qwen3Talker, config: Qwen3TTSConfig)? = nil) throws
        -> Qwen3EngineBenchReport {
        let stream = o.measureStream ? Bench.streamReadGBps() : 0
        let built = try prebuilt ?? makeTalker(o)
        let config = built.config
        let c = config.talkerConfig
        var rng = SeededRNG(seed: o.seed &+ 1)
        let talker = o.precision == .fast ? built.talker.reduced(o.fastPlan ?? .standard) : built.talker
        let tokens = Qwen3TTSTokens(config: config)
        let settings = Qwen3SamplingSettings(generation: .wrapperDefaults, talker: c)
        let generator = Qwen3BatchGenerator(talker: talker, tokens: tokens, settings: settings)
        let h = talker.hidden
        func prompt() -> Qwen3Prompt {
            Qwen3Prompt(embeds: scaled([o.promptLength, h], 0.05, &rng), trailing: scaled([1, h], 0.05, &rng),
                        ttsPad: scaled([h], 0.05, &rng), textTokenCount: o.promptLength)
        }

        // Stage timings at attention length ≈ promptLength.
        var cpu: [String: Double] = [:]
        let suffix = { (b: Int) in b == 1 ? "" : "Batch" }
        func stages(_ b: Int) throws -> (talker: Double, predictor: Double, prefill: Double) {
            let prompts = (0..<b).map { _ in prompt() }
            let states = prompts.map { _ in talker.makeState(capacity: o.promptLength + 64) }
            var prefill = 0.0
            for (p, s) in zip(prompts, states) { prefill += try seconds { _ = try talker.forward(p.embeds, state: s) } }
            let scratch = Qwen3BatchScratch(shape: talker.shape)
            let rows = scaled([b, h], 0.05, &rng)
            var out = [Float](repeating: 0, count: b * h), logits = [Float](repeating: 0, count: b * talker.vocab)
            let steps = try (0..<8).map { _ in
                try measure {
                    try out.withUnsafeMutableBufferPointer { ob in
                        try talker.decoder.forwardBatch(rows.pointer, segments: states.map { Qwen3BatchSegment(state: $0, rows: 1) },
                                                        scratch: scratch, output: ob.baseAddress!)
                        logits.withUnsafeMutableBufferPointer {
                            talker.stepLogits(ob.baseAddress!, rows: b, out: $0.baseAddress!)
                        }
                    }
                }
            }
            let cpState = Qwen3CodePredictorBatchState(predictor: talker.codePredictor)
            let hidden = scaled([b, h], 1, &rng), code0 = scaled([b, h], 0.05, &rng)
            let frames = try (0..<4).map { _ in
                try measure {
                    _ = try talker.codePredictor.predictBatch(hidden: (0..<b).map { hidden.pointer + $0 * h },
                                                              code0Embedding: (0..<b).map { code0.pointer + $0 * h },
                                                              state: cpState) { _, _, l in Logits.argmax(l) }
                }
            }
            cpu["talkerStepMs" + suffix(b)] = median(steps.map(\.cpu)) * 1e3
            cpu["codePredictorFrameMs" + suffix(b)] = median(frames.map(\.cpu)) * 1e3
            return (median(steps.map(\.wall)), median(frames.map(\.wall)), prefill)
        }

        // The whole loop with the released sampling: median interval between batched talker steps (one frame each:
        // code predictor + talker step + processors + sampling), as baseline.md's "full frame".
        // Then the same loop again with the generic sampling chain (same prompts and seeds): its frame time and whether
        // it drew the same codes.
        var genericFrames: [Int: Double] = [:]
        var codesMatch = true
        func loop(_ b: Int) throws -> Double {
            let prompts = (0..<b).map { _ in prompt() }
            func run(_ gen: Qwen3BatchGenerator) throws -> (frame: Double, cpu: Double, codes: [[[Int]]]) {
                var samplers = (0..<b).map { SeededTokenSampler(seed: o.seed &+ UInt64($0)) }
                var stamps: [UInt64] = [], cpuStamps: [Double] = []
                let results = try gen.generate(prompts: prompts, maxFrames: Array(repeating: o.frames, count: b),
                                               samplers: &samplers, onStep: {
                                                   stamps.append(DispatchTime.now().uptimeNanoseconds)
                                                   cpuStamps.append(processCPUSeconds())
                                               })
                let codes = results.map { r -> [[Int]] in
                    switch r {
                    case let .success(c): return c
                    case let .failure(Qwen3TTSError.frameCapReached(_, c)): return c
                    case .failure: return []
                    }
                }
                let intervals = zip(stamps.dropFirst(), stamps).map { Double($0 - $1) * 1e-9 }
                let cpuIntervals = zip(cpuStamps.dropFirst(), cpuStamps).map { $0 - $1 }
                return (intervals.isEmpty ? 0 : median(intervals), cpuIntervals.isEmpty ? 0 : median(cpuIntervals), codes)
            }
            let fused = try run(generator)
            var reference = generator
            reference.genericSampling = true
            let generic = try run(reference)
            cpu["frameMs" + suffix(b)] = fused.cpu * 1e3
            cpu["frameMsGenericSampling" + suffix(b)] = generic.cpu * 1e3
            genericFrames[b] = generic.frame
            codesMatch = codesMatch && fused.codes == generic.codes && fused.codes.allSatisfy { !$0.isEmpty }
            return fused.frame
        }

        var one = (talker: 0.0, predictor: 0.0, prefill: 0.0), many = one
        var frame1 = 0.0, frameB = 0.0
        if o.includeGeneration {
            log.info("Qwen3-TTS \(o.size.rawValue): batch 1")
            one = try stages(1)
            frame1 = try loop(1)
            log.info("Qwen3-TTS \(o.size.rawValue): batch \(o.batch)")
            many = try stages(o.batch)
            frameB = try loop(o.batch)
        }

        var decoderSPS: Double?
        var decoderStages: [String: Double]?
        var decoderConvolutions: String?
        var pipelined: Qwen3PipelinedTiming?
        if o.includeDecoder {
            let st = try o.speechTokenizer ?? Qwen3ReleasedConfigs.speechTokenizer()
            let store = try randomStore(seed: o.seed &+ 9) { _ = try Qwen3CodecDecoder(config: st.decoderConfig, weights: $0) }
            let decoder = try Qwen3CodecDecoder(config: st.decoderConfig, weights: store.root,
                                                convolutions: o.precision == .fast ? .fast : .exact)
            let backends = decoder.oneDNNBackends
            decoderConvolutions = backends.isEmpty ? nil : backends.map(\.rawValue).joined(separator: "+")
            var crng = SeededRNG(seed: o.seed &+ 10)
            let codes = (0..<o.decoderFrames).map { _ in (0..<st.decoderConfig.numQuantizers).map { _ in Int(crng.next() % UInt64(st.decoderConfig.codebookSize)) } }
            // Steady state, as in a book render: one untimed decode of the same size first, then the median of 3.
            _ = try decoder.decode(frames: codes, decodeUpsampleRate: st.decodeUpsampleRate)
            let runs = try (0..<3).map { _ in try measure { _ = try decoder.decode(frames: codes, decodeUpsampleRate: st.decodeUpsampleRate) } }
            let t = (wall: median(runs.map(\.wall)), cpu: median(runs.map(\.cpu)))
            decoderSPS = t.wall / (Double(o.decoderFrames) / 12.5)
            cpu["decoderSecondsPerSecond"] = t.cpu / (Double(o.decoderFrames) / 12.5)
            decoderStages = try decoderStageSeconds(decoder, frames: codes, perSecondOf: Double(o.decoderFrames) / 12.5)
            if o.includeGeneration && o.pipelinedFrames > 0 {
                log.info("Qwen3-TTS \(o.size.rawValue): pipelined batch \(o.batch), \(o.pipelinedFrames) frames per segment")
                let segments = (0..<o.batch).map { _ in
                    (0..<o.pipelinedFrames).map { _ in (0..<st.decoderConfig.numQuantizers).map { _ in Int(crng.next() % UInt64(st.decoderConfig.codebookSize)) } }
                }
                pipelined = try Qwen3PipelinedBench.run(generator: generator, prompts: (0..<o.batch).map { _ in prompt() },
                                                        frames: o.pipelinedFrames, seed: o.seed, decoder: decoder, codes: segments,
                                                        decodeUpsampleRate: st.decodeUpsampleRate)
            }
        }
        let single = o.includeGeneration ? decoderSPS.map { 12.5 * frame1 + $0 + one.prefill / 10 } : nil
        let batch = o.includeGeneration ? decoderSPS.map { 12.5 * frameB + Double(o.batch) * $0 + many.prefill / 10 } : nil
        let small = o.size == .small
        var report = Qwen3EngineBenchReport(
            variant: "\(o.size.rawValue)-Base", precision: o.precision.rawValue, fastKernels: talker.fastPlan?.description,
            decodeWeightMBPerFrame: Double(talker.decodeWeightBytesPerFrame) / 1e6, threads: Tensors.threadCount, rowKernel: "\(Qwen3RowKernel.best)", blasKernels: BLASCoreSelection.currentCore ?? "?", batch: o.batch, promptLength: o.promptLength,
            frames: o.frames, talkerStepMs: one.talker * 1e3, codePredictorFrameMs: one.predictor * 1e3, frameMs: frame1 * 1e3,
            prefillSeconds: one.prefill, talkerStepMsBatch: many.talker * 1e3, codePredictorFrameMsBatch: many.predictor * 1e3,
            frameMsBatch: frameB * 1e3, prefillSecondsBatch: many.prefill, decoderSecondsPerSecond: decoderSPS,
            decoderStageSecondsPerSecond: decoderStages,
            rtfSingle: single, rtfBatchPerStream: batch, rtfBatchAggregate: batch.map { $0 / Double(o.batch) },
            rtfPipelinedAggregate: pipelined.map { $0.wall / $0.audioSeconds }, pipelinedGenerateSeconds: pipelined?.generate,
            pipelinedDecodeSeconds: pipelined?.decode,
            peakMemoryMB: peakMemoryMB(), cpu: cpu, streamReadGBps: stream, loadAverage: loadAverage(),
            baseline: small
                ? ["pytorchTalkerStepMs": 124, "pytorchCodePredictorFrameMs": 356, "pytorchFrameMs": 478, "pytorchRtfSingle": 6.8,
                   "pytorchRtfBatch8PerStream": 20.1, "pytorchDecoderSecondsPerSecond": 0.71, "targetRtfSingle": 2.5,
                   "targetRtfBatch8": 0.8]
                : ["pytorchTalkerStepMs": 315, "pytorchCodePredictorFrameMs": 342, "pytorchFrameMs": 666, "pytorchRtfSingle": 9.3,
                   "pytorchRtfBatch8PerStream": 24.9, "pytorchDecoderSecondsPerSecond": 0.71])
        report.decoderConvolutions = decoderConvolutions
        if o.includeGeneration {
            report.frameMsGenericSampling = genericFrames[1].map { $0 * 1e3 }
            report.frameMsBatchGenericSampling = genericFrames[o.batch].map { $0 * 1e3 }
            report.sampledCodesMatchGeneric = codesMatch
        }
        return report
    }

    /// Wall time between the decoder's stage hooks for one forward of `frames`, divided by `perSecondOf`.
    static func decoderStageSeconds(_ decoder: Qwen3CodecDecoder, frames: [[Int]], perSecondOf audio: Double) throws -> [String: Double] {
        var out: [String: Double] = [:]
        var last = DispatchTime.now().uptimeNanoseconds
        _ = try decoder.forward(Qwen3CodecCodes(frames: frames)) { name, _ in
            let now = DispatchTime.now().uptimeNanoseconds
            out[name] = Double(now - last) * 1e-9 / audio
            last = DispatchTime.now().uptimeNanoseconds
        }
        return out
    }

    /// Every talker.* key at config `c` (codec_head's EOS row zeroed: generation never stops early).
    static func randomTalkerWeights(_ c: Qwen3TalkerConfig, rng: inout SeededRNG) throws -> WeightStore {
        let shape = try Qwen3DecoderShape(talker: c), p = c.codePredictorConfig
        var t = Qwen3Bench.decoderWeights(shape, prefix: "talker.model.", rng: &rng)
        t["talker.model.text_embedding.weight"] = Qwen3Bench.uniform([c.textVocabSize, c.textHiddenSize], rng: &rng)
        t["talker.model.codec_embedding.weight"] = scaled([c.vocabSize, c.hiddenSize], 1, &rng)
        for (name, out) in [("linear_fc1", c.textHiddenSize), ("linear_fc2", c.hiddenSize)] {
            t["talker.text_projection.\(name).weight"] = Qwen3Bench.uniform([out, c.textHiddenSize], rng: &rng)
            t["talker.text_projection.\(name).bias"] = Tensor(zeros: [out])
        }
        var head = Qwen3Bench.uniform([c.vocabSize, c.hiddenSize], rng: &rng)
        head.withUnsafeMutableBufferPointer { ($0.baseAddress! + c.codecEosTokenId * c.hiddenSize).update(repeating: 0, count: c.hiddenSize) }
        t["talker.codec_head.weight"] = head
        let cp = try Qwen3DecoderShape(codePredictor: p)
        for (k, v) in Qwen3Bench.decoderWeights(cp, prefix: "talker.code_predictor.model.", rng: &rng) { t[k] = v }
        for j in 0..<(p.numCodeGroups - 1) {
            t["talker.code_predictor.model.codec_embedding.\(j).weight"] = scaled([p.vocabSize, c.hiddenSize], 1, &rng)
            t["talker.code_predictor.lm_head.\(j).weight"] = Qwen3Bench.uniform([p.vocabSize, p.hiddenSize], rng: &rng)
        }
        if p.hiddenSize != c.hiddenSize {
            t["talker.code_predictor.small_to_mtp_projection.weight"] = Qwen3Bench.uniform([p.hiddenSize, c.hiddenSize], rng: &rng)
            t["talker.code_predictor.small_to_mtp_projection.bias"] = Tensor(zeros: [p.hiddenSize])
        }
        return WeightStore(tensors: t, source: "random Qwen3-TTS talker (bench)")
    }

    /// Random weights for whatever `build` reads, found by building it: a missing key first gets a 1-element probe
    /// tensor, and the shape-mismatch error that follows names the shape to fill (≥ 2-D: N(0, 1/fan_in) variance; 1-D: U(0.5, 1.5)).
    static func randomStore(seed: UInt64, _ build: (WeightScope) throws -> Void) throws -> WeightStore {
        var rng = SeededRNG(seed: seed)
        var t: [String: Tensor] = [:]
        for _ in 0..<10_000 {
            do {
                try build(WeightStore(tensors: t, source: "random (bench)").root)
                return WeightStore(tensors: t, source: "random (bench)")
            } catch let WeightError.missingKey(key, _) {
                t[key] = Tensor(zeros: [1, 1, 1, 1, 1])
            } catch let WeightError.shapeMismatch(key, expected, _) {
                if expected.count >= 2 {
                    let fanIn = expected.dropFirst().reduce(1, *)
                    t[key] = scaled(expected, (3 / Float(Swift.max(fanIn, 1))).squareRoot(), &rng)
                } else {
                    var v = Tensor(zeros: expected)
                    v.withUnsafeMutableBufferPointer { p in for i in 0..<p.count { p[i] = 0.5 + rng.nextFloat() } }
                    t[key] = v
                }
            }
        }
        throw Qwen3TTSError.config("random bench weights: the model kept asking for new keys")
    }

    static func scaled(_ shape: [Int], _ bound: Float, _ rng: inout SeededRNG) -> Tensor {
        var t = Tensor(zeros: shape)
        t.withUnsafeMutableBufferPointer { p in for i in 0..<p.count { p[i] = (2 * rng.nextFloat() - 1) * bound } }
        return t
    }

    static func seconds(_ body: () throws -> Void) throws -> Double {
        let t0 = DispatchTime.now().uptimeNanoseconds
        try body()
        return Double(DispatchTime.now().uptimeNanoseconds - t0) * 1e-9
    }

    static func median(_ v: [Double]) -> Double { v.sorted()[v.count / 2] }

    static func measure(_ body: () throws -> Void) throws -> (wall: Double, cpu: Double) {
        let c0 = processCPUSeconds()
        let w = try seconds(body)
        return (w, processCPUSeconds() - c0)
    }

    /// CPU seconds used by every thread of this process so far.
    static func processCPUSeconds() -> Double {
        var ts = timespec()
        clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts)
        return Double(ts.tv_sec) + Double(ts.tv_nsec) * 1e-9
    }

    static func loadAverage() -> Double? {
        #if os(Linux)
        guard let s = try? String(contentsOfFile: "/proc/loadavg", encoding: .utf8) else { return nil }
        return s.split(separator: " ").first.flatMap { Double($0) }
        #else
        return nil
        #endif
    }

    /// Peak resident set size of this process (Linux: VmHWM; elsewhere getrusage).
    static func peakMemoryMB() -> Double {
        #if os(Linux)
        let status = (try? String(contentsOfFile: "/proc/self/status", encoding: .utf8)) ?? ""
        for line in status.split(separator: "\n") where line.hasPrefix("VmHWM:") {
            let kb = line.split(whereSeparator: { $0 == " " || $0 == "\t" }).compactMap { Double($0) }.first ?? 0
            return kb / 1024
        }
        return 0
        #else
        var usage = rusage()
        getrusage(RUSAGE_SELF, &usage)
        return Double(usage.ru_maxrss) / 1_048_576
        #endif
    }
}
