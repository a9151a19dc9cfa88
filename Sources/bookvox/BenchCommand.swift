// `bookvox bench [--json]`: per-kernel and per-stage speed on this machine (build with -c release).
import ArgumentParser
import Bookvox
import Foundation
import IndexTTS2
import Neural
import Tensors

struct BenchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench",
        abstract: "Measure speed on this machine: kernels, convolutions, BigVGAN, IndexTTS2 and Qwen3-TTS stages (real sizes, random weights).",
        discussion: "Without options: GEMM, GEMV, memory bandwidth, convolutions, BigVGAN and the IndexTTS2 S2Mel stage. "
            + "--engine indextts2|qwen3-tts times one engine's stages end to end; with --precision fast exact and "
            + "fast run back to back on the same weights. --convolutions compares the two convolution backends per layer "
            + "shape and BigVGAN / the Qwen3-TTS codec decoder with exact and fast convolutions. Every report starts with "
            + "the CPU features, the thread count and the kernels in use. Run from a release build. Where the original "
            + "PyTorch implementation was timed on a comparable machine, its figure is shown next to bookvox's.")

    @Flag(help: "Print the report as JSON.")
    var json = false

    @Option(help: "Repetitions per kernel (the median is reported).")
    var repetitions = 10

    @Option(help: "BigVGAN config JSON (nvidia/bigvgan_v2_22khz_80band_256x layout); default: that released config, built in.")
    var bigvganConfig: String?

    @Flag(help: ArgumentHelp("Time every convolution shape of BigVGAN and the Qwen3-TTS codec decoder with both backends "
        + "(im2col + OpenBLAS sgemm, oneDNN), the backend --precision fast picks per shape, and both stages with exact and "
        + "fast convolutions (runs alternated; medians and ranges)."))
    var convolutions = false

    @Flag(help: "With --convolutions: skip the per-shape table (only BigVGAN and the codec decoder, exact against fast).")
    var noShapes = false

    @Flag(help: "Skip the BigVGAN stage.")
    var noBigvgan = false

    @Option(help: "Benchmark one engine's stages at released sizes with random weights instead of the kernels: indextts2, qwen3-tts.")
    var engine: String?

    @Option(help: "Engine variant (qwen3-tts: 0.6B or 1.7B).")
    var variant = "0.6B"

    @Option(help: "Segments decoded together for the batched figures.")
    var batch = 8

    @Option(help: "Frames generated per timed loop.")
    var frames = 30

    @Option(help: ArgumentHelp("With --engine qwen3-tts or indextts2: exact, or fast (runs exact and fast back to back on the same weights and "
        + "reports both, the speed-up and fast's deviation from exact).", valueName: "exact|fast"))
    var precision = "exact"

    @Flag(help: "Skip the codec decoder stage of an engine benchmark.")
    var noDecoder = false

    @Flag(help: "With --engine qwen3-tts: time only the codec decoder (seconds per second of audio, per stage).")
    var decoderOnly = false

    @Flag(name: .customLong("indextts2-gpt"), help: "Only benchmark the IndexTTS2 GPT decode step (real config.yaml sizes, random weights).")
    var indextts2GPT = false

    @Option(help: "IndexTTS2 config.yaml for --indextts2-gpt; default: the released IndexTTS-2 config.yaml, built in.")
    var gptConfig: String?

    @Option(help: "Comma-separated Conv1D kernels for --indextts2-gpt (default: all).")
    var gptKernels: String?

    @Flag(help: "With --indextts2-gpt: only the M = 3 Conv1D product measurements.")
    var gptProductsOnly = false

    @Flag(help: "Time only w2v-BERT 2.0 through layer 17 (real config, random weights, 10 s of features).")
    var w2vBert = false

    @Option(help: "IndexTTS2 config.yaml whose s2mel block sizes the S2Mel stage; default: the released IndexTTS-2 config.yaml, built in.")
    var s2melConfig: String?

    @Flag(help: "Skip the IndexTTS2 S2Mel stage (DiT estimator call and full 25-step CFM).")
    var noS2mel = false

    @Option(help: "Full CFM runs for the S2Mel stage (0 times only single estimator calls).")
    var s2melCfmRuns = 1

    @Flag(help: "Run only the IndexTTS2 S2Mel stage.")
    var s2melOnly = false

    @Option(help: "Semantic codes of the S2Mel stage's segment (T = 430 reference frames + int(codes · 1.72); default 250).")
    var s2melCodes: Int?

    @Flag(help: "With the S2Mel stage: also time the DiT estimator on the previous OpenBLAS float32 kernels, calls alternated.")
    var s2melCompareKernels = false

    @Flag(help: "With --engine indextts2: skip the GPT decode stage.")
    var noGpt = false

    @Option(help: "Benchmark Whisper speech recognition per segment instead (whisper-tiny, whisper-base, whisper-small, with or without .en).")
    var asr: String?

    @Option(help: "With --asr: a directory with the model's tokenizer files (default: the installed model's).")
    var asrTokenizer: String?

    @Option(help: "With --asr: comma-separated synthesis costs in seconds per second of audio to express the ASR cost against.")
    var synthesisRtf: String?

    func run() throws {
        if let asr {
            let rtfs = try (synthesisRtf ?? "").split(separator: ",").map { v -> Double in
                guard let d = Double(v.trimmingCharacters(in: .whitespaces)), d > 0 else {
                    throw ValidationError("--synthesis-rtf takes positive numbers separated by commas (got '\(v)')")
                }
                return d
            }
            let report = try WhisperBenchRunner.run(model: asr, tokenizerDirectory: asrTokenizer.map { URL(fileURLWithPath: $0) },
                                                    repetitions: min(repetitions, 5), synthesisSecondsPerSecond: rtfs)
            print(json ? String(decoding: report.json, as: UTF8.self) : report.lines.joined(separator: "\n"))
            return
        }
        guard precision == "exact" || precision == "fast" else {
            throw ValidationError("--precision must be exact or fast (got '\(precision)').")
        }
        if convolutions {
            let report = try ConvolutionBenchRunner.run(runs: max(3, min(repetitions, 7)), includeShapes: !noShapes,
                                                        includeBigVGAN: !noBigvgan)
            if json {
                let encoder = JSONEncoder()
                encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
                print(String(decoding: try encoder.encode(report), as: UTF8.self))
            } else {
                print(ConvolutionBenchRunner.lines(report).joined(separator: "\n"))
            }
            return
        }
        if let engine {
            if engine == "indextts2" {
                return try runIndexTTS2()
            }
            guard engine == "qwen3-tts" else { throw ValidationError("--engine supports indextts2 and qwen3-tts (got '\(engine)').") }
            let report = try Qwen3BenchRunner.run(variant: variant, batch: batch, frames: frames, decoder: !noDecoder,
                                                  generation: !decoderOnly, precision: precision)
            print(json ? String(decoding: report.json, as: UTF8.self) : report.lines.joined(separator: "\n"))
            return
        }
        if indextts2GPT { return try runGPT() }
        if w2vBert {
            let t = try W2VBertBench.run(repetitions: repetitions)
            print("\(t.name) \(t.shape): median \(String(format: "%.3f s (min %.3f), %.1f", t.medianSeconds, t.minSeconds, t.rate)) \(t.unit)")
            return
        }
        var options = BenchOptions(repetitions: repetitions, bigvganConfigPath: bigvganConfig)
        options.includeBigVGAN = !noBigvgan
        if s2melOnly {
            options.includeGEMM = false
            options.includeGEMV = false
            options.includeMemory = false
            options.includeConv = false
            options.includeBigVGAN = false
        }
        let report = try Bench.run(options)
        var s2mel: [S2MelBenchTiming] = []
        if !noS2mel {
            let path = try s2melConfig ?? IndexTTS2ReleasedConfig.file()
            var o = S2MelBenchOptions(configPath: path)
            o.cfmRuns = s2melCfmRuns
            o.compareLegacyKernels = s2melCompareKernels
            if let c = s2melCodes {
                guard c >= 1 else { throw ValidationError("--s2mel-codes must be at least 1 (got \(c)).") }
                o.codes = c
            }
            s2mel = try S2MelBench.run(o)
        }
        if json {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
            var object = try JSONSerialization.jsonObject(with: try encoder.encode(report)) as? [String: Any] ?? [:]
            object["s2mel"] = try JSONSerialization.jsonObject(with: try encoder.encode(s2mel))
            print(String(decoding: try JSONSerialization.data(withJSONObject: object, options: [.prettyPrinted, .sortedKeys]), as: UTF8.self))
        } else {
            print(MachineDescription.line)
            for t in report.gemm + report.gemv + report.memory + report.conv + report.bigvgan {
                print(String(format: "%-34@ %-30@ median %9.3f ms  %8.2f %@", t.name as NSString, t.shape as NSString,
                             t.medianSeconds * 1000, t.rate, t.unit as NSString))
            }
            for t in s2mel {
                let ratio = t.pytorchSeconds.map {
                    String(format: "  vs PyTorch: wall %.2fx, CPU/thread %.2fx", t.medianSeconds / $0, t.cpuSecondsPerThread / $0)
                } ?? ""
                print(String(format: "%-34@ %-30@ median %9.3f ms  (CPU/thread %9.3f ms)%@", t.name as NSString, t.shape as NSString,
                             t.medianSeconds * 1000, t.cpuSecondsPerThread * 1000, ratio as NSString))
            }
        }
    }

    func runGPT() throws {
        let path = try gptConfig ?? IndexTTS2ReleasedConfig.file()
        let (config, _) = try UnifiedVoiceConfig.load(configYAML: path)
        var options = GPTBenchOptions()
        if let list = gptKernels {
            options.kernels = try list.split(separator: ",").map { name in
                guard let k = Conv1DKernel(rawValue: String(name)) else {
                    throw ValidationError("unknown kernel '\(name)'; choose from \(Conv1DKernel.allCases.map(\.rawValue).joined(separator: ", "))")
                }
                return k
            }
        }
        options.productRepetitions = repetitions
        options.productsOnly = gptProductsOnly
        let timings = try GPTBench.run(config: config, options: options)
        if json {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
            print(String(decoding: try encoder.encode(timings), as: UTF8.self))
        } else {
            print("IndexTTS2 GPT (\(config.layers) layers, dim \(config.modelDim), \(config.heads) heads), threads \(Tensors.threadCount)")
            for t in timings {
                print(String(format: "%-72@ median %9.2f ms  min %9.2f ms  n %3d  %6.1f GB/s  cpu %9.2f ms", t.name as NSString,
                             t.medianSeconds * 1000, t.minSeconds * 1000, t.runs, t.gigabytesPerSecond, t.medianCPUSeconds * 1000))
            }
        }
    }

    func runIndexTTS2() throws {
        let config = try s2melConfig ?? gptConfig ?? IndexTTS2ReleasedConfig.file()
        var o = IndexTTS2BenchRunner.Options(configPath: config, bigvganConfigPath: bigvganConfig)
        o.repetitions = max(1, min(repetitions, 5))
        o.includeS2Mel = !noS2mel
        o.includeGPT = !noGpt
        o.includeBigVGAN = !noBigvgan
        o.precision = precision
        o.batch = batch
        o.s2melCfmRuns = max(0, s2melCfmRuns)
        let report = try IndexTTS2BenchRunner.run(o)
        if json {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
            print(String(decoding: try encoder.encode(report), as: UTF8.self))
        } else {
            print(IndexTTS2BenchRunner.lines(report).joined(separator: "\n"))
        }
    }


}
