// Settings of a Qwen3TTSEngine beyond the model directory: voice selection (preset speaker, voice-design text),
// text layout, runaway guard, batch size, and the factories of the reference-audio analyzers.
import Foundation

public struct Qwen3EngineOptions: Sendable {
    /// CustomVoice speaker name (a key of config.json's spk_id); takes precedence over a clone clip.
    public var speaker: String?
    /// VoiceDesign description (also the style instruction of 1.7B CustomVoice models).
    public var voiceDesign: String?
    /// Text layout; nil = the upstream default of the voice mode (clone: streaming, others: non-streaming).
    public var layout: Qwen3TextLayout?
    /// Frame cap from the text length: a take that never samples EOS fails and the pipeline retries it.
    public var frameBudget: Qwen3FrameBudget
    /// Most segments decoded together by generateBatch.
    public var maxBatch: Int
    /// Identity of the model files (computed by the caller, e.g. sha256 of every file); default: config-derived.
    public var modelHash: String?
    /// Sampling settings instead of the directory's generation_config.json (e.g. greedy for parity runs).
    public var generation: Qwen3GenerationConfig?
    public var analyzers: Qwen3VoiceAnalyzers
    /// exact: fp32 throughout; fast: reduced decode-loop weights (Qwen3Precision).
    public var precision: Qwen3Precision
    /// The fast mode's kernels; nil = Qwen3FastPlan.standard for this CPU.
    public var fastPlan: Qwen3FastPlan?

    public init(speaker: String? = nil, voiceDesign: String? = nil, layout: Qwen3TextLayout? = nil,
                frameBudget: Qwen3FrameBudget = Qwen3FrameBudget(), maxBatch: Int = 8, modelHash: String? = nil,
                generation: Qwen3GenerationConfig? = nil, analyzers: Qwen3VoiceAnalyzers = .standard,
                precision: Qwen3Precision = .exact, fastPlan: Qwen3FastPlan? = nil) {
        self.speaker = speaker
        self.voiceDesign = voiceDesign
        self.layout = layout
        self.frameBudget = frameBudget
        self.maxBatch = Swift.max(1, maxBatch)
        self.modelHash = modelHash
        self.generation = generation
        self.analyzers = analyzers
        self.precision = precision
        self.fastPlan = fastPlan
    }
}

/// Builders of the Base models' reference analyzers, called lazily (only a clone voice needs them).
public struct Qwen3VoiceAnalyzers: Sendable {
    /// Speech-tokenizer encoder (in-context clone), or nil when this build has none.
    public var referenceCoder: @Sendable (Qwen3ModelDirectory) throws -> Qwen3ReferenceCoder?
    /// ECAPA speaker encoder (both clone modes), or nil when this build has none.
    public var speakerEmbedder: @Sendable (Qwen3ModelDirectory) throws -> Qwen3SpeakerEmbedder?

    public init(referenceCoder: @escaping @Sendable (Qwen3ModelDirectory) throws -> Qwen3ReferenceCoder?,
                speakerEmbedder: @escaping @Sendable (Qwen3ModelDirectory) throws -> Qwen3SpeakerEmbedder?) {
        self.referenceCoder = referenceCoder
        self.speakerEmbedder = speakerEmbedder
    }

    /// The speech-tokenizer encoder and the ECAPA speaker encoder of this target (Qwen3VoiceAnalyzers+Standard.swift).
    public static var standard: Qwen3VoiceAnalyzers { Qwen3VoiceAnalyzers(referenceCoder: standardReferenceCoder,
                                                                          speakerEmbedder: standardSpeakerEmbedder) }
}
