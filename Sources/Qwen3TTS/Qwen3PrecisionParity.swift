// `--precision fast` on the Qwen3 parity cases: for every generating mode of a case (talker cases: the modes of
// config.modes with the requests the parity runner builds; e2e cases: the clone modes with the case's reference
// audio), the fast model (the case's weights converted with a Qwen3FastPlan) against the exact one:
//   * teacher-forced stage deviation over the case's recorded PyTorch codes (Qwen3PrecisionDeviation);
//   * free-running greedy runs of both: leading frames picked identically, and for e2e cases the waveform SNR of
//     the fast run's decoded audio against the exact run's (infinite when the codes agree; over the common length).
// docs/precision.md publishes these figures; Tests/EngineTests/Qwen3FastPrecisionTests.swift asserts their bounds.
import AudioDSP
import Foundation
import Neural
import SpeechEngine
import Tensors

public struct Qwen3PrecisionModeReport: Sendable {
    public var caseName: String
    public var mode: String
    public var deviation: Qwen3PrecisionDeviation
    /// Leading greedy frames fast and exact pick identically, and both runs' lengths.
    public var sameLeadingFrames: Int
    public var exactFrames: Int
    public var fastFrames: Int
    /// Waveform SNR of fast against exact in dB (e2e cases; +inf when identical).
    public var waveformSNR: Double?
}

public enum Qwen3PrecisionParity {
    /// Every generating mode of a talker case (qwen3tts/talker_tiny layout) or an e2e case (qwen3tts/e2e_tiny layout).
    public static func measure(_ c: ParityCase, plan: Qwen3FastPlan) throws -> [Qwen3PrecisionModeReport] {
        if c.config["speech_tokenizer_config"] != nil { return try measureE2E(c, plan: plan) }
        let config = try c.decodeConfig(Qwen3TTSConfig.self, key: "model_config")
        let modes = try c.decodeConfig([Qwen3Parity.CaseMode].self, key: "modes")
        let generation = try c.decodeConfig(Qwen3GenerationConfig.self, key: "generate_kwargs")
        guard let weights = c.weightsURL else { throw ParityError.badManifest(path: c.directory.path, reason: "no weights listed") }
        let store = try WeightStore(path: weights.path)
        let exact = try Qwen3Talker(store.scope("talker"), config: config.talkerConfig)
        try store.finish()
        let fast = exact.reduced(plan)
        let tokens = Qwen3TTSTokens(config: config)
        let settings = Qwen3SamplingSettings(generation: generation, talker: config.talkerConfig)
        let builder = Qwen3PromptBuilder(talker: exact, tokens: tokens)
        var out: [Qwen3PrecisionModeReport] = []
        for m in modes where m.generate ?? true {
            let prompt = try builder.build(try Qwen3Parity.request(m, case: c))
            let raw = try c.expected(m.name + ".codes")
            let flat = raw.int64Array().map { Int($0) }
            let reference = (0..<raw.shape[0]).map { Array(flat[($0 * raw.shape[1])..<(($0 + 1) * raw.shape[1])]) }
            let cap = generation.maxNewTokens - 1
            out.append(try report(c, mode: m.name, exact: exact, fast: fast, tokens: tokens, settings: settings, prompt: prompt,
                                  reference: reference, cap: cap, decode: nil))
        }
        return out
    }

    static func measureE2E(_ c: ParityCase, plan: Qwen3FastPlan) throws -> [Qwen3PrecisionModeReport] {
        let generation = try Qwen3E2EParity.generation(c)
        let model = try Qwen3CaseModel(c, generation: generation)
        let exact = model.talker, fast = exact.reduced(plan), groups = exact.groups
        let settings = Qwen3SamplingSettings(generation: generation, talker: model.config.talkerConfig)
        let audio = try c.input("ref_audio").array
        let layout = try c.decodeConfig(Qwen3E2EParity.Call.self, key: "call").layout
        var out: [Qwen3PrecisionModeReport] = []
        for m in try c.decodeConfig([Qwen3E2EParity.Mode].self, key: "modes") {
            let p = m.name + ".", icl = m.mode == "icl"
            let refIds = icl ? try Qwen3Parity.ints(c, p + "ref_ids") : []
            let clip = VoiceReference(path: nil, audio: AudioBuffer(samples: audio, sampleRate: 24_000), sha256: "e2e",
                                      transcript: icl ? m.refText : nil)
            let voice = try Qwen3TTSEngine.cloneProfile(clip, engine: "qwen3-tts", embedder: model.speaker, hidden: exact.hidden,
                                                        groups: groups) { model.coder }
            let spec = try Qwen3VoiceSpec(profile: voice, transcriptIds: { _ in refIds }, hidden: exact.hidden, groups: groups)
            let request = Qwen3PromptRequest(textIds: try Qwen3Parity.ints(c, p + "input_ids"), language: m.language,
                                             speaker: spec.speaker, reference: spec.reference, layout: layout)
            let prompt = try model.builder.build(request)
            let raw = try c.expected(p + "codes")
            let flat = raw.int64Array().map { Int($0) }
            let reference = (0..<raw.shape[0]).map { Array(flat[($0 * raw.shape[1])..<(($0 + 1) * raw.shape[1])]) }
            let cap = Qwen3EngineOptions().frameBudget.maxFrames(textTokens: prompt.textTokenCount, maxNewTokens: generation.maxNewTokens)
            out.append(try report(c, mode: m.name, exact: exact, fast: fast, tokens: model.tokens, settings: settings, prompt: prompt,
                                  reference: reference, cap: cap) { frames in
                try Qwen3TTSEngine.decode(frames, reference: spec.referenceFrames, decoder: model.decoder,
                                          upsampleRate: model.speechTokenizer.decodeUpsampleRate).0
            })
        }
        return out
    }

    static func report(_ c: ParityCase, mode: String, exact: Qwen3Talker, fast: Qwen3Talker, tokens: Qwen3TTSTokens,
                       settings: Qwen3SamplingSettings, prompt: Qwen3Prompt, reference: [[Int]], cap: Int,
                       decode: (([[Int]]) throws -> [Float])?) throws -> Qwen3PrecisionModeReport {
        let deviation = try Qwen3PrecisionDeviation.measure(exact: exact, fast: fast, prompt: prompt, frames: reference,
                                                            topK: settings.talker.topK, predictorTopK: settings.codePredictor.topK)
        func run(_ t: Qwen3Talker) throws -> [[Int]] {
            var samplers = [NoSampling()]
            let gen = Qwen3BatchGenerator(talker: t, tokens: tokens, settings: settings)
            switch try gen.generate(prompts: [prompt], maxFrames: [cap], samplers: &samplers)[0] {
            case let .success(codes): return codes
            case let .failure(Qwen3TTSError.frameCapReached(_, codes)): return codes
            case let .failure(error): throw error
            }
        }
        let e = try run(exact), f = try run(fast)
        let agreement = Qwen3PrecisionDeviation.freeRunningAgreement(exact: e, fast: f)
        var snr: Double?
        if let decode {
            let a = try decode(e), b = try decode(f)
            var signal = 0.0, noise = 0.0
            for i in 0..<Swift.min(a.count, b.count) {
                signal += Double(a[i]) * Double(a[i])
                noise += (Double(b[i]) - Double(a[i])) * (Double(b[i]) - Double(a[i]))
            }
            snr = noise == 0 ? .infinity : 10 * log10(signal / noise)
        }
        return Qwen3PrecisionModeReport(caseName: c.name, mode: mode, deviation: deviation, sameLeadingFrames: agreement.sameLeading,
                                        exactFrames: agreement.exactFrames, fastFrames: agreement.fastFrames, waveformSNR: snr)
    }
}
