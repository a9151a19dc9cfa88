// `bookvox bench --engine qwen3-tts --precision exact|fast`: Qwen3EngineBench at the released size with random
// weights in exact mode and, for fast, right after it on the same weights in fast mode (back to back, so both see
// the same machine state), plus the stage deviation of fast from exact (Qwen3PrecisionDeviation, teacher-forced on
// the exact model's sampled codes of a random prompt).
import Foundation
import Neural
import Tensors

public struct Qwen3PrecisionBenchReport: Codable, Sendable {
    /// CPU features the kernels look for (from CPUID at run time).
    public var cpuFeatures: String
    public var exact: Qwen3EngineBenchReport
    public var fast: Qwen3EngineBenchReport?
    public var deviation: Qwen3PrecisionDeviation?
    /// Frames the deviation was measured over.
    public var deviationFrames: Int?
    /// Each decode-step projection of the model with every kernel this CPU runs (fast only): the measurement the
    /// per-stage choice rests on.
    public var kernels: [Qwen3KernelTiming]?
}

/// One projection × kernel × row count: median milliseconds of one call (all threads) and the relative L2 error of
/// its output against the fp32 row kernel's.
public struct Qwen3KernelTiming: Codable, Sendable {
    public var projection: String
    public var shape: [Int]
    public var rows: Int
    public var kernel: String
    public var milliseconds: Double
    public var relativeError: Double
}

public enum Qwen3PrecisionBench {
    public static func run(_ o: Qwen3EngineBenchOptions, precision: Qwen3Precision, deviationFrames: Int = 12) throws
        -> Qwen3PrecisionBenchReport {
        let built = try Qwen3EngineBench.makeTalker(o)
        var e = o
        e.precision = .exact
        let exact = try Qwen3EngineBench.run(e, prebuilt: built)
        var report = Qwen3PrecisionBenchReport(cpuFeatures: ReducedKernel.cpuFeatures, exact: exact)
        guard precision == .fast else { return report }
        var f = o
        f.precision = .fast
        report.fast = try Qwen3EngineBench.run(f, prebuilt: built)
        report.kernels = kernelTimings(built.talker, batch: o.batch)
        if deviationFrames > 0 && o.includeGeneration {
            let fastTalker = built.talker.reduced(o.fastPlan ?? .standard)
            let c = built.config.talkerConfig, h = built.talker.hidden
            let settings = Qwen3SamplingSettings(generation: .wrapperDefaults, talker: c)
            var rng = SeededRNG(seed: o.seed &+ 77)
            let prompt = Qwen3Prompt(embeds: Qwen3EngineBench.scaled([o.promptLength, h], 0.05, &rng),
                                     trailing: Qwen3EngineBench.scaled([1, h], 0.05, &rng),
                                     ttsPad: Qwen3EngineBench.scaled([h], 0.05, &rng), textTokenCount: o.promptLength)
            var samplers = [SeededTokenSampler(seed: o.seed &+ 78)]
            let gen = Qwen3BatchGenerator(talker: built.talker, tokens: Qwen3TTSTokens(config: built.config), settings: settings)
            let frames: [[Int]]
            switch try gen.generate(prompts: [prompt], maxFrames: [deviationFrames], samplers: &samplers)[0] {
            case let .success(codes): frames = codes
            case let .failure(Qwen3TTSError.frameCapReached(_, codes)): frames = codes
            case let .failure(error): throw error
            }
            report.deviation = try Qwen3PrecisionDeviation.measure(exact: built.talker, fast: fastTalker, prompt: prompt, frames: frames,
                                                                  topK: settings.talker.topK, predictorTopK: settings.codePredictor.topK)
            report.deviationFrames = frames.count
        }
        return report
    }

    /// The talker's layer-0 projections, codec_head and the code predictor's first lm_head, each with the fp32 row
    /// kernel and every supported reduced kernel, at 1 row and `batch` rows (inputs N(0, 1)-ish, median of 9 calls).
    static func kernelTimings(_ talker: Qwen3Talker, batch: Int) -> [Qwen3KernelTiming] {
        guard let layer = talker.decoder.layers.first, let cpHead = talker.codePredictor.heads.first else { return [] }
        let mats: [(String, Tensor)] = [("talker q|k|v", layer.qkvWeight), ("talker o", layer.oWeight),
                                        ("talker gate|up", layer.gateUpWeight), ("talker down", layer.downWeight),
                                        ("codec_head", talker.codecHead), ("code predictor lm_head", cpHead)]
        var rng = SeededRNG(seed: 4242)
        var out: [Qwen3KernelTiming] = []
        for (name, w) in mats {
            let n = w.shape[0], k = w.shape[1]
            let reduced = ReducedKernel.allCases.filter(\.isSupported).map { ReducedMatrix(w, kernel: $0) }
            for rows in Array(Set([1, batch])).sorted() {
                let x = Qwen3EngineBench.scaled([rows, k], 1, &rng)
                var ref = [Float](repeating: 0, count: rows * n), y = ref
                func time(_ body: (UnsafeMutablePointer<Float>) -> Void) -> Double {
                    let runs = (0..<9).map { _ in
                        (try? Qwen3EngineBench.seconds { y.withUnsafeMutableBufferPointer { body($0.baseAddress!) } }) ?? 0
                    }
                    return Qwen3EngineBench.median(runs) * 1e3
                }
                let fp32 = time { Qwen3RowKernel.linear(x.pointer, rows: rows, weight: w, bias: nil, out: $0) }
                ref = y
                out.append(Qwen3KernelTiming(projection: name, shape: [n, k], rows: rows, kernel: "fp32-\(Qwen3RowKernel.best)",
                                             milliseconds: fp32, relativeError: 0))
                for m in reduced {
                    let ms = time { m.apply(x.pointer, rows: rows, bias: nil, out: $0) }
                    var d = 0.0, r = 0.0
                    for i in 0..<ref.count {
                        d += (Double(y[i]) - Double(ref[i])) * (Double(y[i]) - Double(ref[i]))
                        r += Double(ref[i]) * Double(ref[i])
                    }
                    out.append(Qwen3KernelTiming(projection: name, shape: [n, k], rows: rows, kernel: m.kernel.rawValue,
                                                 milliseconds: ms, relativeError: r > 0 ? (d / r).squareRoot() : 0))
                }
            }
        }
        return out
    }
}
