// `bookvox bench --engine qwen3-tts`: runs Qwen3EngineBench and formats its report (JSON or lines).
import Foundation
import Qwen3TTS

public enum Qwen3BenchRunner {
    /// `variant` is "0.6B" or "1.7B"; `precision` "exact" or "fast" (fast: exact and fast back to back, and the deviation).
    public static func run(variant: String, batch: Int, frames: Int, decoder: Bool,
                           generation: Bool = true, precision: String = "exact") throws -> (json: Data, lines: [String]) {
        guard let size = Qwen3Variant.Size(rawValue: variant.uppercased()) else {
            throw BookvoxError.badInput("unknown Qwen3-TTS variant '\(variant)'; use 0.6B or 1.7B.")
        }
        var o = Qwen3EngineBenchOptions(size: size)
        o.batch = max(1, batch)
        o.frames = max(2, frames)
        o.includeDecoder = decoder
        o.includeGeneration = generation
        guard let mode = Qwen3Precision(rawValue: precision) else {
            throw BookvoxError.badInput("unknown precision '\(precision)'; use exact or fast.")
        }
        let report = try Qwen3PrecisionBench.run(o, precision: mode)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        var lines = ["CPU features: \(report.cpuFeatures)"]
        lines += self.lines(report.exact)
        if let fast = report.fast {
            lines += [""] + self.lines(fast)
            let e = report.exact
            func ratio(_ a: Double?, _ b: Double?) -> String {
                guard let a, let b, b > 0 else { return "-" }
                return String(format: "%.2fx", a / b)
            }
            lines.append("fast vs exact (speed-up): talker step \(ratio(e.talkerStepMs, fast.talkerStepMs)), code predictor "
                + "\(ratio(e.codePredictorFrameMs, fast.codePredictorFrameMs)), frame \(ratio(e.frameMs, fast.frameMs)), batch \(e.batch) frame "
                + "\(ratio(e.frameMsBatch, fast.frameMsBatch)); RTF single \(ratio(e.rtfSingle, fast.rtfSingle)), batch aggregate "
                + "\(ratio(e.rtfBatchAggregate, fast.rtfBatchAggregate))")
        }
        if let timings = report.kernels {
            lines.append("decode-step projections by kernel (median ms per call, rel. error vs fp32):")
            for t in timings {
                lines.append(String(format: "  %-24@ %-12@ rows %d  %-14@ %8.3f ms  rel. error %.2e", t.projection as NSString,
                                    "\(t.shape[0])x\(t.shape[1])" as NSString, t.rows, t.kernel as NSString, t.milliseconds, t.relativeError))
            }
        }
        if let d = report.deviation {
            lines.append("deviation of fast from exact over \(report.deviationFrames ?? 0) teacher-forced frames:")
            for (name, s) in [("talker hidden", d.talkerHidden), ("talker logits", d.talkerLogits),
                              ("code-predictor logits", d.codePredictorLogits)] {
                var line = String(format: "  %@: rel. error max %.2e mean %.2e, min cosine %.6f, max element error %.2e",
                                  name as NSString, s.maxRelativeError, s.meanRelativeError, s.minCosine, s.maxElementError)
                if let t = s.topKUnchanged, let a = s.argmaxUnchanged {
                    line += String(format: ", top-50 set unchanged %.1f %%, argmax unchanged %.1f %% (%d steps)", 100 * t, 100 * a, s.steps)
                }
                lines.append(line)
            }
        }
        return (try encoder.encode(report), lines)
    }

    /// The text lines of one engine report.
    static func lines(_ r: Qwen3EngineBenchReport) -> [String] {
        func f(_ v: Double?, _ digits: Int = 1) -> String { v.map { String(format: "%.\(digits)f", $0) } ?? "-" }
        let cpuFigures: [String] = r.cpu.keys.sorted().map { key in "\(key) \(f(r.cpu[key], 1))" }
        let cpuLine = "process CPU time (all threads): \(cpuFigures.joined(separator: ", ")); load average \(f(r.loadAverage, 2))"
        let kernels = r.fastKernels.map { "reduced kernels: \($0)" } ?? "row kernel \(r.rowKernel)"
        let conv = r.decoderConvolutions.map { " + \($0) (decoder's wide convolutions)" } ?? ""
        let machine = "stream read \(f(r.streamReadGBps)) GB/s, \(kernels), OpenBLAS \(r.blasKernels) (prefill, decoder)\(conv); "
            + "decode weights \(f(r.decodeWeightMBPerFrame, 0)) MB per frame"
        let header = "Qwen3-TTS \(r.variant) (random weights), precision \(r.precision), \(r.threads) threads, prompt \(r.promptLength), \(r.frames) frames; " + machine
        let pipelinedLine = "book pipeline (batch \(r.batch) generating 10 s segments while \(r.batch) others decode): "
            + "\(f(r.rtfPipelinedAggregate, 3)) s per s of audio aggregate (generate \(f(r.pipelinedGenerateSeconds, 1)) s, "
            + "decode \(f(r.pipelinedDecodeSeconds, 1)) s)"
        var genericLine: [String] = []
        if let match = r.sampledCodesMatchGeneric {
            let same = match ? "yes" : "NO"
            let one = f(r.frameMsGenericSampling), many = f(r.frameMsBatchGenericSampling)
            genericLine = ["generic sampling chain (before/after of the fused draw): loop \(one) ms/frame at batch 1, "
                + "\(many) ms/frame at batch \(r.batch); same codes: \(same)"]
        }
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
        ] + genericLine
        return lines
    }
}
