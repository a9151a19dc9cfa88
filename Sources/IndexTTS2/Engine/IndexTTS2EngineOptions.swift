// Settings of one IndexTTS2 engine instance. Defaults are infer_v2's: beam sampling with 3 beams,
// top-p 0.8, top-k 30, temperature 0.8, repetition penalty 10, length penalty 0, at most 1500 codes;
// 25 CFM steps with CFG rate 0.7; text pieces of at most 120 tokens joined by 200 ms of silence.
import Foundation
import Neural

public struct IndexTTS2EngineOptions: Sendable {
    public var modelDir: String
    public var emotion: EmotionSettings
    /// Sampling settings of the GPT (eos is filled in from the model's stop token at load time).
    public var generation: GenerationSettings
    /// max_mel_tokens: codes generated at most per piece.
    public var maxMelTokens: Int
    public var diffusionSteps: Int
    public var cfgRate: Double
    public var maxTextTokensPerSegment: Int
    /// Silence between the pieces of one segment (infer_v2 interval_silence).
    public var intervalSilenceMs: Int
    /// `--precision fast`: the reduced kernel of the GPT's decode steps (GPTPrecision); nil = exact (the default).
    public var fastKernel: ReducedKernel?
    /// Segments whose GPT decode steps share one weight pass (`generateBatch`; the scheduler hands the engine this
    /// many at once). Codes do not depend on it, so it is not part of the identity.
    public var maxBatch: Int
    /// fast mode's DiT path (DiTFastPath; fixed by the CPU, settable for tests); ignored in exact mode.
    public var ditPath: DiTFastPath = .forThisCPU

    public init(modelDir: String, emotion: EmotionSettings = EmotionSettings(),
                generation: GenerationSettings = IndexTTS2EngineOptions.inferV2Generation,
                maxMelTokens: Int = 1500, diffusionSteps: Int = 25, cfgRate: Double = 0.7,
                maxTextTokensPerSegment: Int = 120, intervalSilenceMs: Int = 200, maxBatch: Int = 8) {
        self.modelDir = modelDir
        self.emotion = emotion
        self.generation = generation
        self.maxMelTokens = maxMelTokens
        self.diffusionSteps = diffusionSteps
        self.cfgRate = cfgRate
        self.maxTextTokensPerSegment = maxTextTokensPerSegment
        self.intervalSilenceMs = intervalSilenceMs
        self.maxBatch = Swift.max(1, maxBatch)
    }

    /// infer_v2's generation kwargs (eos set from the model config when the engine loads).
    public static let inferV2Generation = GenerationSettings(doSample: true, temperature: 0.8, topK: 30, topP: 0.8,
                                                             repetitionPenalty: 10, numBeams: 3, lengthPenalty: 0,
                                                             eosTokenIds: [])

    func validate() throws {
        try emotion.validate()
        guard maxMelTokens >= 1 else { throw IndexTTS2ModelError.unsupported("max_mel_tokens must be ≥ 1, got \(maxMelTokens)") }
        guard diffusionSteps >= 1 else { throw IndexTTS2ModelError.unsupported("diffusion steps must be ≥ 1, got \(diffusionSteps)") }
        guard cfgRate.isFinite, cfgRate >= 0 else { throw IndexTTS2ModelError.unsupported("CFG rate must be ≥ 0, got \(cfgRate)") }
        guard maxTextTokensPerSegment >= 1 else {
            throw IndexTTS2ModelError.unsupported("max text tokens per segment must be ≥ 1, got \(maxTextTokensPerSegment)")
        }
        guard intervalSilenceMs >= 0 else { throw IndexTTS2ModelError.unsupported("interval silence must be ≥ 0 ms") }
    }

    /// The settings that change output, for the engine's cache identity.
    var identity: String {
        let g = generation
        return "sample=\(g.doSample) beams=\(g.numBeams) temp=\(g.temperature) top_k=\(g.topK) top_p=\(g.topP) "
            + "rep=\(g.repetitionPenalty) len_pen=\(g.lengthPenalty) max_mel=\(maxMelTokens) steps=\(diffusionSteps) "
            + "cfg=\(cfgRate) max_text=\(maxTextTokensPerSegment) gap_ms=\(intervalSilenceMs) \(emotion.identity)"
            + precisionIdentity
    }

    /// "" in exact mode (exact projects keep their identities); " precision=fast(<kernel>) s2mel=<path> conv=onednn"
    /// in fast mode: the GPT kernel changes the codes, the DiT path (bf16 or fp32 by CPU) the mel and the vocoder's
    /// oneDNN convolutions the waveform, so a project moved to a CPU that picks another kernel or path renders again.
    var precisionIdentity: String {
        guard let k = fastKernel else { return "" }
        return " precision=fast(\(k.rawValue)) s2mel=\(ditPath.identityTag) conv=onednn"
    }
}
