// `bookvox bench --engine qwen3-tts`: runs Qwen3EngineBench and formats its report (JSON or lines).
import Foundation
import Qwen3TTS

public enum Qwen3BenchRunner {
    /// `variant` is "0.6B" or "1.7B".
    public static func run(variant: String, batch: Int, frames: Int, decoder: Bool,
                           generation: Bool = true) throws -> (json: Data, lines: [String]) {
        guard let size = Qwen3Variant.Size(rawValue: variant.uppercased()) else {
            throw BookvoxError.badInput("unknown Qwen3-TTS variant '\(variant)'; use 0.6B or 1.7B.")
        }
        var o = Qwen3EngineBenchOptions(size: size)
        o.batch = max(1, batch)
        o.frames = max(2, frames)
        o.includeDecoder = decoder
        o.includeGeneration = generation
        let r = try Qwen3EngineBench.run(o)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        func f(_ v: Double?, _ digits: Int = 1) -> String { v.map { String(format: "%.\(digits)f", $0) } ?? "-" }
        let cpuFigures: [String] = r.cpu.keys.sorted().map { key in "\(key) \(f(r.cpu[key], 1))" }
        let cpuLine = "process CPU time (all threads): \(cpuFigures.joined(separator: ", ")); load average \(f(r.loadAverage, 2))"
        let machine = "stream read \(f(r.streamReadGBps)) GB/s, row kernel \(r.rowKernel), OpenBLAS \(r.blasKernels)"
        let header = "Qwen3-TTS \(r.variant) (random weights), \(r.threads) threads, prompt \(r.promptLength), \(r.frames) frames; " + machine
        let pipelinedLine = "book pipeline (batch \(r.batch) generating 10 s segments while \(r.batch) others decode): "
            + "\(f(r.rtfPipelinedAggregate, 3)) s per s of audio aggregate (generate \(f(r.pipelinedGenerateSeconds, 1)) s, "
            + "decode \(f(r.pipelinedDecodeSeconds, 1)) s)"
        let lines = [
            header,
            "batch 1: talker step \(f(r.talkerStepMs)) ms, code predictor \(f(r.codePredictorFrameMs)) ms/frame, "
                + "loop \(f(r.frameMs)) ms/frame, prefill \(f(r.prefillSeconds, 2)) s",
            "batch \(r.batch): talker step \(f(r.talkerStepMsBatch)) ms, code predictor \(f(r.codePredictorFrameMsBatch)) ms/frame, "
                + "loop \(f(r.frameMsBatch)) ms/frame, prefill \(f(r.prefillSecondsBatch, 2)) s",
            "decoder \(f(r.decoderSecondsPerSecond, 3)) s per s of audio",
            "decoder stages (s per s): " + (r.decoderStageSecondsPerSecond ?? [:]).sorted { $0.key < $1.key }
                .map { "\($0.key) \(f($0.value, 3))" }.joined(separator: ", "),
            "RTF single \(f(r.rtfSingle, 2)), batch \(r.batch) \(f(r.rtfBatchPerStream, 2)) per stream / "
                + "\(f(r.rtfBatchAggregate, 3)) aggregate; peak memory \(f(r.peakMemoryMB, 0)) MB",
            pipelinedLine,
            cpuLine,
        ]
        return (try encoder.encode(r), lines)
    }
}
