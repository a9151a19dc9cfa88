// `bookvox bench [--json]`: per-kernel and per-stage speed on this machine (build with -c release).
import ArgumentParser
import Bookvox
import Foundation
import IndexTTS2
import Neural

struct BenchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench",
        abstract: "Measure GEMM, GEMV, memory bandwidth, convolutions and BigVGAN (real config, random weights).",
        discussion: "Run from a release build (swift build -c release). Figures compare with ../shared/perf/baseline.md.")

    @Flag(help: "Print the report as JSON.")
    var json = false

    @Option(help: "Repetitions per kernel (the median is reported).")
    var repetitions = 10

    @Option(help: "BigVGAN config JSON (nvidia/bigvgan_v2_22khz_80band_256x layout); default: the repo's copy.")
    var bigvganConfig: String?

    @Flag(help: "Skip the BigVGAN stage.")
    var noBigvgan = false

    @Option(help: "Benchmark an engine's decode paths instead of the kernels: qwen3-tts.")
    var engine: String?

    @Option(help: "Engine variant (qwen3-tts: 0.6B or 1.7B).")
    var variant = "0.6B"

    @Option(help: "Segments decoded together for the batched figures.")
    var batch = 8

    @Option(help: "Frames generated per timed loop.")
    var frames = 30

    @Flag(help: "Skip the codec decoder stage of an engine benchmark.")
    var noDecoder = false

    @Flag(help: "Time only w2v-BERT 2.0 through layer 17 (real config, random weights, 10 s of features).")
    var w2vBert = false

    func run() throws {
        if let engine {
            guard engine == "qwen3-tts" else { throw ValidationError("--engine supports qwen3-tts (got '\(engine)').") }
            let report = try Qwen3BenchRunner.run(variant: variant, batch: batch, frames: frames, decoder: !noDecoder)
            print(json ? String(decoding: report.json, as: UTF8.self) : report.lines.joined(separator: "\n"))
            return
        }
        if w2vBert {
            let t = try W2VBertBench.run(repetitions: repetitions)
            print("\(t.name) \(t.shape): median \(String(format: "%.3f s (min %.3f), %.1f", t.medianSeconds, t.minSeconds, t.rate)) \(t.unit)")
            return
        }
        var options = BenchOptions(repetitions: repetitions, bigvganConfigPath: bigvganConfig ?? Self.defaultBigVGANConfig())
        options.includeBigVGAN = !noBigvgan
        let report = try Bench.run(options)
        if json {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
            print(String(decoding: try encoder.encode(report), as: UTF8.self))
        } else {
            print("threads \(report.threads), BLAS \(report.blas)")
            for t in report.gemm + report.gemv + report.memory + report.conv + report.bigvgan {
                print(String(format: "%-34@ %-30@ median %9.3f ms  %8.2f %@", t.name as NSString, t.shape as NSString,
                             t.medianSeconds * 1000, t.rate, t.unit as NSString))
            }
        }
    }

    /// manifests/bigvgan_v2_22khz_80band_256x.config.json next to the binary's repo, if present.
    static func defaultBigVGANConfig() -> String? {
        let candidates = ["manifests/bigvgan_v2_22khz_80band_256x.config.json", "../shared/data/indextts2/bigvgan_config.json"]
        return candidates.first { FileManager.default.fileExists(atPath: $0) }
    }
}
