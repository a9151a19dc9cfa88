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
        public init(configPath: String, bigvganConfigPath: String?) {
            self.configPath = configPath
            self.bigvganConfigPath = bigvganConfigPath
        }
    }

    public static func run(_ o: Options) throws -> IndexTTS2BenchReport {
        let voice = try VoicePrepBench.run(clipSeconds: o.clipSeconds, repetitions: o.repetitions)
        var gpt: [GPTBenchTiming] = []
        if o.includeGPT {
            let (config, _) = try UnifiedVoiceConfig.load(configYAML: o.configPath)
            var g = GPTBenchOptions()
            g.kernels = [g.kernels[0]]
            g.includeExtras = true
            g.productRepetitions = o.repetitions
            gpt = try GPTBench.run(config: config, options: g)
        }
        var s2mel: [S2MelBenchTiming] = []
        if o.includeS2Mel { s2mel = try S2MelBench.run(S2MelBenchOptions(configPath: o.configPath)) }
        var bigvgan: [BenchTiming] = []
        if o.includeBigVGAN {
            var b = BenchOptions(repetitions: o.repetitions, bigvganConfigPath: o.bigvganConfigPath) // nil: built-in config
            b.includeGEMM = false
            b.includeGEMV = false
            b.includeMemory = false
            b.includeConv = false
            bigvgan = try Bench.run(b).bigvgan
        }
        return IndexTTS2BenchReport(threads: Tensors.threadCount, voicePreparation: voice, gpt: gpt, s2mel: s2mel,
                                    bigvgan: bigvgan, peakResidentMiB: peakResidentMiB())
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
        out.append(String(format: "peak resident memory: %.0f MiB", r.peakResidentMiB))
        return out
    }
}
