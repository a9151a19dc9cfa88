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
}
