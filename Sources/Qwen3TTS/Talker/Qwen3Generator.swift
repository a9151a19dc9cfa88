// Single-prompt entry to the generation loop (Qwen3BatchGenerator, batch of one) —
// Qwen3TTSTalkerForConditionalGeneration.generate driven by HF `_sample`, batch 1:
//   prefill the prompt → h (post-norm, last row) → codec_head → processors → pick c0;
//   per frame k: stop if c0 = EOS (the EOS frame is never emitted); code predictor → c1…c_{G−1};
//   next talker input = C(c0) + Σ A_{j−1}(c_j) + (trailing[k] or TTS_PAD), one decode step at position L + k.
// Draw order with a sampler: c0₀, c₀,₁…c₀,G−1, c0₁, … (upstream's order). One RNG per utterance.
// Reaching the frame cap without EOS throws `Qwen3TTSError.frameCapReached` carrying the frames made.
import Foundation
import Neural
import Tensors

/// Everything a run computed, for parity checks (off by default; recording copies each step's rows).
public final class Qwen3GenerationTrace {
    /// Raw codec_head logits of each talker pick (row 0 = prefill).
    public var talkerLogits: [[Float]] = []
    /// The same after the talker's processors.
    public var talkerScores: [[Float]] = []
    /// Every picked codebook-0 id (the last is EOS when generation stopped on EOS).
    public var firstCodes: [Int] = []
    /// Talker input row of each decode step.
    public var stepEmbeds: [[Float]] = []
    /// Position of each decode step.
    public var stepPositions: [Int] = []
    /// Code-predictor logits per frame, per codebook 1…G−1.
    public var codePredictorLogits: [[[Float]]] = []
    /// Post-norm talker hidden state that produced each pick.
    public var talkerHidden: [[Float]] = []

    public init() {}
}

public struct Qwen3Generator: Sendable {
    public let talker: Qwen3Talker
    public let settings: Qwen3SamplingSettings
    public let eos: Int

    public init(talker: Qwen3Talker, tokens: Qwen3TTSTokens, settings: Qwen3SamplingSettings) {
        self.talker = talker
        self.settings = settings
        eos = tokens.codecEos
    }

    /// Greedy at both levels (settings must not sample).
    public func generate(prompt: Qwen3Prompt, maxFrames: Int, trace: Qwen3GenerationTrace? = nil) throws -> [[Int]] {
        var none = NoSampling()
        return try generate(prompt: prompt, maxFrames: maxFrames, sampler: &none, trace: trace)
    }

    /// Frames until EOS under a frame cap derived from the text length (see `Qwen3FrameBudget`).
    public func generate<S: TokenSampler>(prompt: Qwen3Prompt, budget: Qwen3FrameBudget, sampler: inout S,
                                          trace: Qwen3GenerationTrace? = nil) throws -> [[Int]] {
        let cap = budget.maxFrames(textTokens: prompt.textTokenCount, maxNewTokens: settings.maxNewTokens)
        return try generate(prompt: prompt, maxFrames: cap, sampler: &sampler, trace: trace)
    }

    /// Frames (F, groups) until EOS. `sampler` makes every draw of both levels, in upstream order.
    /// There is one generation loop: this is `Qwen3BatchGenerator` with a batch of one.
    public func generate<S: TokenSampler>(prompt: Qwen3Prompt, maxFrames: Int, sampler: inout S,
                                          trace: Qwen3GenerationTrace? = nil) throws -> [[Int]] {
        var samplers = [sampler]
        defer { sampler = samplers[0] }
        let batch = Qwen3BatchGenerator(talker: talker, settings: settings, eos: eos)
        return try batch.generate(prompts: [prompt], maxFrames: [maxFrames], samplers: &samplers, traces: [trace])[0].get()
    }
}
