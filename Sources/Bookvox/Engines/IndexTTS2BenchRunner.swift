// `bookvox bench --engine indextts2`: the engine's stages at the released sizes with random weights —
// voice preparation (VoicePrepBench: front ends, w2v-BERT, semantic codec), GPT decode at 3 beams (GPTBench,
// ms/token), S2Mel per CFM step and per full CFM (S2MelBench), BigVGAN (Bench) — plus the process's peak
// resident memory. Figures compare with ../shared/perf/baseline.md.
import Foundation
import IndexTTS2
import Neural
import Tensors

public struct IndexTTS2BenchReport: Codable, Sendable {
    public var threads: Int
    public var voicePreparation: [VoicePrepBenchTiming]
    public var gpt: [GPTBenchTiming]
    public var s2mel: [S2MelBenchTiming]
    public var bigvgan: [BenchTiming]
    /// getrusage(RUSAGE_SELF).ru_maxrss after all stages, in MiB.
    public var peakResidentMiB: Double
    /// `--precision fast`: the GPT's decode kernel and the deviation of fast from exact (teacher-forced, 3 beams).
    public var fastKernel: String?
    public var gptDeviation: [GPTDeviationStage] = []
    /// Seconds of compute per second of audio for one segment, per precision (exact, then fast).
    public var endToEnd: [IndexTTS2EndToEnd] = []
    /// `--precision fast`: S2Mel exact against fast at the segment's length (profile, GEMM shapes, calls, deviation).
    public var s2melFast: S2MelFastBenchReport?
    /// `--precision fast`: BigVGAN with exact and with fast convolutions, alternated, at the segment's length.
    public var bigvganFast: BigVGANBackToBack?
}

/// One segment end to end, composed of this run's stage medians: GPT (3-beam full steps × codes, prefill, latent
/// pass), S2Mel (DiT estimator call at the segment's length × CFM steps) and BigVGAN (s/s × seconds).
public struct IndexTTS2EndToEnd: Codable, Sendable {
    public var precision: String
    /// Segments whose GPT decode steps share one weight pass (1: the segment alone). With more, `gptSeconds` is one
    /// segment's share: (codes × the batched full step + batch × (prefill + latent pass)) / batch; S2Mel and BigVGAN
    /// run per segment as alone, so `secondsPerSecond` is the aggregate figure of the batch.
    public var batch: Int = 1
    public var segmentSeconds: Double
    public var gptSeconds: Double
    public var s2melSeconds: Double
    public var bigvganSeconds: Double
    public var diffusionSteps: Int
    /// (gpt + s2mel + bigvgan) / segmentSeconds.
    public var secondsPerSecond: Double

    public init(precision: String, segmentSeconds: Double, gptSeconds: Double, s2melSeconds: Double, bigvganSeconds: Double,
                diffusionSteps: Int, batch: Int = 1) {
        self.precision = precision
        self.batch = batch
        self.segmentSeconds = segmentSeconds
        self.gptSeconds = gptSeconds
        self.s2melSeconds = s2melSeconds
        self.bigvganSeconds = bigvganSeconds
        self.diffusionSteps = diffusionSteps
        secondsPerSecond = (gptSeconds + s2melSeconds + bigvganSeconds) / segmentSeconds
    }
}

public enum IndexTTS2BenchRunner {
    public struct Options: Sendable {
        /// IndexTTS2 config.yaml (released sizes for the GPT and S2Mel).
        public var configPath: String
        public var bigvganConfigPath: String?
        public var repetitions = 3
        public var clipSeconds = 5.0
        public var includeGPT = true
        public var includeS2Mel = true
        public var includeBigVGAN = true
        /// exact, or fast (the GPT timed exact then fast on the same weights, and the deviation).
        public var precision = "exact"
        /// The segment of the end-to-end figure (IndexTTS2 codes: 50 per second of audio).
        public var segmentSeconds = 10.0
        /// Segments per cross-segment GPT decode step for the batched figures (≤ 1: none).
        public var batch = 8
        /// Whole 25-step CFM runs of the S2Mel stage (per kernel set and mode with fast); 0: estimator calls only.
        public var s2melCfmRuns = 1
        public init(configPath: String, bigvganConfigPath: String?) {
            self.configPath = configPath
            self.bigvganConfigPath = bigvganConfigPath
        }
    }

    public static func run(_ o: Options) throws -> IndexTTS2BenchReport {
        let voice = try VoicePrepBench.run(clipSeconds: o.clipSeconds, repetitions: o.repetitions)
        guard o.precision == "exact" || o.precision == "fast" else {
            throw BookvoxError.badInput("unknown precision '\(o.precision)'; use exact or fast.")
        }
        let fastKernel = o.precision == "fast" ? IndexTTS2FastKernel.standard : nil
        var gpt: [GPTBenchTiming] = []
        var deviation: [GPTDeviationStage] = []
        let codes = Int((o.segmentSeconds * 50).rounded())
        if o.includeGPT {
            let (config, _) = try UnifiedVoiceConfig.load(configYAML: o.configPath)
            var g = GPTBenchOptions()
            g.kernels = [g.kernels[0]]
            g.includeExtras = true
            g.productRepetitions = o.repetitions
            g.fastKernel = fastKernel
            g.latentLength = 34 + 62 + codes // conds, ~60 text tokens, the segment's codes
            g.batch = o.batch
            let report = try GPTBench.report(config: config, options: g)
            gpt = report.timings
            deviation = report.deviation
        }
        var s2mel: [S2MelBenchTiming] = []
        var segmentStep: S2MelBenchTiming?
        var s2melFast: S2MelFastBenchReport?
        var bigvganFast: BigVGANBackToBack?
        if o.includeS2Mel {
            var first = S2MelBenchOptions(configPath: o.configPath)
            first.cfmRuns = o.s2melCfmRuns
            s2mel = try S2MelBench.run(first)
            // One estimator call at the end-to-end segment's length (a 5 s reference + the segment's codes).
            var e = S2MelBenchOptions(configPath: o.configPath)
            e.codes = codes
            e.cfmRuns = 0
            e.stepRepetitions = o.repetitions
            segmentStep = try S2MelBench.run(e).first { $0.name.hasPrefix("DiT estimator call") }
            if fastKernel != nil {
                // Exact and fast DiT back to back at the segment's length, and one whole 25-step CFM per mode.
                var f = S2MelBenchOptions(configPath: o.configPath)
                f.codes = codes
                f.stepRepetitions = o.repetitions
                f.cfmRuns = min(o.s2melCfmRuns, 1)
                s2melFast = try S2MelFastBench.run(f)
            }
        }
        var bigvgan: [BenchTiming] = []
        if o.includeBigVGAN {
            var b = BenchOptions(repetitions: o.repetitions, bigvganConfigPath: o.bigvganConfigPath) // nil: built-in config
            b.includeGEMM = false
            b.includeGEMV = false
            b.includeMemory = false
            b.includeConv = false
            bigvgan = try Bench.run(b).bigvgan
            if fastKernel != nil {
                let config = try o.bigvganConfigPath.map { try BigVGANConfig(path: $0) } ?? BigVGANConfig.released22kHz80Band256x()
                let frames = Int((o.segmentSeconds * 22050 / Double(config.hopLength)).rounded())
                bigvganFast = try BigVGANBackToBack.run(config: config, frames: frames, runs: o.repetitions)
            }
        }
        var r = IndexTTS2BenchReport(threads: Tensors.threadCount, voicePreparation: voice, gpt: gpt, s2mel: s2mel,
                                     bigvgan: bigvgan, peakResidentMiB: peakResidentMiB())
        r.fastKernel = fastKernel?.rawValue
        r.gptDeviation = deviation
        r.s2melFast = s2melFast
        r.bigvganFast = bigvganFast
        if let step = segmentStep, let vocoder = bigvgan.first {
            for (precision, tag) in [("exact", "")] + (fastKernel.map { [("fast", ", fast \($0.rawValue)")] } ?? []) {
                guard let full = gpt.first(where: { $0.name.hasPrefix("3-beam full step (") && $0.name.contains("\(tag), attention") }),
                      let prefill = gpt.first(where: { $0.name.hasPrefix("prefill ") }),
                      let latent = gpt.first(where: { $0.name.hasPrefix("latent pass ") }) else { continue }
                // fast: its own DiT call and BigVGAN medians (measured back to back with exact) when they were run.
                var stepSeconds = step.medianSeconds, vocoderRate = vocoder.rate
                // (only when the bench's fast DiT is the path renders take; today renders keep exact's DiT)
                if precision == "fast", let sf = s2melFast, !sf.estimatorFast.isEmpty, sf.path == DiTFastPath.forThisCPU.rawValue {
                    stepSeconds = Self.median(sf.estimatorFast)
                }
                if precision == "fast", let bf = bigvganFast { vocoderRate = Self.median(bf.fast) }
                r.endToEnd.append(IndexTTS2EndToEnd(
                    precision: precision, segmentSeconds: o.segmentSeconds,
                    gptSeconds: Double(codes) * full.medianSeconds + prefill.medianSeconds + latent.medianSeconds,
                    s2melSeconds: 25 * stepSeconds, bigvganSeconds: o.segmentSeconds * vocoderRate, diffusionSteps: 25))
                let batched = "\(o.batch)×3-beam full step ("
                if o.batch > 1, let fullBatch = gpt.first(where: { $0.name.hasPrefix(batched) && $0.name.contains("\(tag), attention") }) {
                    let b = Double(o.batch)
                    r.endToEnd.append(IndexTTS2EndToEnd(
                        precision: precision, segmentSeconds: o.segmentSeconds,
                        gptSeconds: (Double(codes) * fullBatch.medianSeconds + b * (prefill.medianSeconds + latent.medianSeconds)) / b,
                        s2melSeconds: 25 * stepSeconds, bigvganSeconds: o.segmentSeconds * vocoderRate, diffusionSteps: 25,
                        batch: o.batch))
                }
            }
        }
        return r
    }

    static func median(_ v: [Double]) -> Double { v.sorted()[v.count / 2] }

    static func range(_ v: [Double], scale: Double = 1, _ format: String = "%.3f") -> String {
        let s = v.sorted()
        return String(format: format, s[s.count / 2] * scale) + " [" + String(format: format, s[0] * scale) + "–"
            + String(format: format, s[s.count - 1] * scale) + "]"
    }

    /// Peak resident set size of this process in MiB (ru_maxrss: KiB on Linux, bytes on macOS).
    public static func peakResidentMiB() -> Double {
        var usage = rusage()
        #if os(macOS)
        getrusage(RUSAGE_SELF, &usage)
        return Double(usage.ru_maxrss) / 1_048_576
        #else
        getrusage(RUSAGE_SELF.rawValue, &usage)
        return Double(usage.ru_maxrss) / 1024
        #endif
    }

    /// Human-readable lines.
    public static func lines(_ r: IndexTTS2BenchReport) -> [String] {
        var out = ["IndexTTS2 (released sizes, random weights), threads \(r.threads)", "voice preparation:"]
        for t in r.voicePreparation {
            let base = t.baselineSeconds.map { String(format: "  PyTorch %9.3f ms (%.2fx)", $0 * 1000, t.medianSeconds / max($0, 1e-12)) } ?? ""
            out.append(String(format: "  %-48@ %-28@ median %9.3f ms%@", t.name as NSString, t.shape as NSString,
                              t.medianSeconds * 1000, base as NSString))
        }
        if !r.gpt.isEmpty { out.append("GPT (3-beam decode: ms per token step):") }
        for t in r.gpt {
            out.append(String(format: "  %-70@ median %9.2f ms  %6.1f GB/s", t.name as NSString, t.medianSeconds * 1000, t.gigabytesPerSecond))
        }
        if !r.s2mel.isEmpty { out.append("S2Mel:") }
        for t in r.s2mel {
            let ratio = t.ratioToPyTorch.map { String(format: "  %.2fx PyTorch", $0) } ?? ""
            out.append(String(format: "  %-48@ %-28@ median %9.3f ms%@", t.name as NSString, t.shape as NSString, t.medianSeconds * 1000,
                              ratio as NSString))
        }
        if !r.bigvgan.isEmpty { out.append("BigVGAN:") }
        for t in r.bigvgan {
            out.append(String(format: "  %-48@ %-28@ median %9.3f ms  %8.2f %@", t.name as NSString, t.shape as NSString,
                              t.medianSeconds * 1000, t.rate, t.unit as NSString))
        }
        if !r.gptDeviation.isEmpty {
            out.append("GPT fast (\(r.fastKernel ?? "?")) against exact, teacher-forced 3-beam decode steps:")
            for s in r.gptDeviation {
                let picks = s.argmaxSame.map { String(format: "  argmax same %.3f  top-%d same %.3f", $0, s.topK ?? 0, s.topKSame ?? .nan) } ?? ""
                out.append(String(format: "  %-32@ rel. error max %.2e mean %.2e  min cosine %.6f  (%d rows)%@", s.name as NSString,
                                  s.maxRelativeError, s.meanRelativeError, s.minCosine, s.rows, picks as NSString))
            }
        }
        if let f = r.s2melFast {
            out.append("S2Mel exact against fast (DiT \(f.path), oneDNN \(f.oneDNNISA)), CFG batch 2 × T \(f.frames):")
            out.append("  DiT estimator call, s: exact before (OpenBLAS) \(range(f.estimatorLegacy))  exact (oneDNN f32) \(range(f.estimatorExact))  "
                + String(format: "(%.2fx)", median(f.estimatorLegacy) / median(f.estimatorExact))
                + "  fast \(range(f.estimatorFast))  speed-up " + String(format: "%.2fx", median(f.estimatorExact) / median(f.estimatorFast)))
            if let cl = f.cfmLegacy, let ce = f.cfmExact, let cf = f.cfmFast {
                out.append(String(format: "  CFM %d steps, s: exact before (OpenBLAS) %.2f  exact (oneDNN f32) %.2f (%.2fx)  fast %.2f  (%.2fx)", f.cfmSteps,
                                  cl, ce, cl / ce, cf, ce / cf))
            }
            out.append("  profile of one estimator call (ms per call; GFLOP/s; old: exact before, on OpenBLAS; exact: on oneDNN f32, as renders run it):")
            for p in f.profile {
                out.append(String(format: "    %-58@ ×%-3d %7.1f GFLOP  old %8.1f ms %6.1f  exact %8.1f ms %6.1f  fast %8.1f ms %6.1f",
                                  p.name as NSString, p.perCall, p.gflop, p.legacyMs, p.legacyGFLOPS, p.exactMs, p.exactGFLOPS,
                                  p.fastMs, p.fastGFLOPS))
            }
            out.append("  weight GEMMs (GFLOP/s): OpenBLAS sgemm | oneDNN f32 | oneDNN bf16 (implementation)")
            for g in f.shapes {
                out.append(String(format: "    %-28@ M %5d K %5d N %5d  %6.1f | %6.1f | %6.1f  (%@)", g.name as NSString, g.rows, g.k, g.n,
                                  g.sgemmGFLOPS, g.oneDNNF32GFLOPS, g.oneDNNBF16GFLOPS, g.bf16Implementation as NSString))
            }
            for d in f.deviation {
                out.append(String(format: "  %-44@ rel. error max %.2e mean %.2e  cosine %.7f  SNR %.1f dB  max|Δ|/max|exact| %.2e",
                                  d.name as NSString, d.maxRelativeError, d.meanRelativeError, d.cosine, d.snrDB, d.maxAbsoluteRatio))
            }
        }
        if let b = r.bigvganFast {
            out.append(String(format: "BigVGAN exact against fast convolutions, %d frames (%.1f s), s/s: exact ", b.frames, b.audioSeconds)
                + range(b.exact) + "  fast " + range(b.fast)
                + String(format: "  speed-up %.2fx  max|Δ| %.2e  SNR %.1f dB", median(b.exact) / median(b.fast), b.maxAbsDifference, b.snrDB))
        }
        if !r.endToEnd.isEmpty {
            out.append("end to end, seconds of compute per second of audio (batch N: one segment's share, N segments' GPT steps in one weight pass):")
        }
        for e in r.endToEnd {
            out.append(String(format: "  %-5@ batch %2d, %.0f s segment: GPT %7.2f s + S2Mel (%d steps) %7.2f s + BigVGAN %6.2f s = %6.2f s/s (GPT alone %5.2f s/s)",
                              e.precision as NSString, e.batch, e.segmentSeconds, e.gptSeconds, e.diffusionSteps, e.s2melSeconds,
                              e.bigvganSeconds, e.secondsPerSecond, e.gptSeconds / e.segmentSeconds))
        }
        out.append(String(format: "peak resident memory: %.0f MiB", r.peakResidentMiB))
        return out
    }
}
