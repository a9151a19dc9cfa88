// The generation loop — Qwen3TTSTalkerForConditionalGeneration.generate driven by HF `_sample`, batch 1:
//   prefill the prompt → h (post-norm, last row) → codec_head → processors → pick c0;
//   per frame k: stop if c0 = EOS (the EOS frame is never emitted); code predictor → c1…c_{G−1};
//   next talker input = C(c0) + Σ A_{j−1}(c_j) + (trailing[k] or TTS_PAD), one decode step at position L + k.
// Draw order with a sampler: c0₀, c₀,₁…c₀,G−1, c0₁, … (upstream's order). One RNG per utterance.
// Reaching the frame cap without EOS throws `Qwen3TTSError.frameCapReached` carrying the frames made.
import Foundation
import Logging
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
    private static let log = Logger(label: "bookvox.qwen3tts.generator")

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
    public func generate<S: TokenSampler>(prompt: Qwen3Prompt, maxFrames: Int, sampler: inout S,
                                          trace: Qwen3GenerationTrace? = nil) throws -> [[Int]] {
        let h = talker.hidden, vocab = talker.vocab
        guard prompt.embeds.rank == 2, prompt.embeds.shape[1] == h, prompt.embeds.shape[0] > 0 else {
            throw Qwen3TTSError.shape(what: "prompt embeddings", expected: [-1, h], found: prompt.embeds.shape)
        }
        guard prompt.trailing.rank == 2, prompt.trailing.shape[1] == h, prompt.ttsPad.count == h else {
            throw Qwen3TTSError.shape(what: "trailing text rows / TTS_PAD", expected: [-1, h], found: prompt.trailing.shape)
        }
        let promptLength = prompt.embeds.shape[0]
        let talkerProcessors = try settings.talker.processors(promptLength: 0)
        let predictorProcessors = try settings.codePredictor.processors(promptLength: 0)
        let state = talker.makeState(capacity: promptLength + maxFrames)
        let predictorState = talker.codePredictor.makeState()

        // Prefill: only the last row's logits are needed.
        var hidden = [Float](repeating: 0, count: h), input = [Float](repeating: 0, count: h)
        var logits = [Float](repeating: 0, count: vocab)
        let prefillHidden = try talker.forward(prompt.embeds, state: state) // (L, hidden)
        hidden.withUnsafeMutableBufferPointer { $0.baseAddress!.update(from: prefillHidden.pointer + (promptLength - 1) * h, count: h) }
        hidden.withUnsafeBufferPointer { hb in
            logits.withUnsafeMutableBufferPointer { talker.logits(row: hb.baseAddress!, into: $0.baseAddress!) }
        }

        var history: [Int] = []
        var frames: [[Int]] = []
        let trailingRows = prompt.trailing.shape[0]
        while true {
            let c0: Int, scores: [Float]
            if settings.talker.doSample {
                var s = logits
                try talkerProcessors.process(&s, history: history)
                c0 = try sampler.sample(Logits.softmax(s))
                scores = s
            } else {
                (c0, scores) = try SequenceStep.greedy(logits: logits, history: history, processors: talkerProcessors)
            }
            if let trace {
                trace.talkerLogits.append(logits)
                trace.talkerScores.append(scores)
                trace.firstCodes.append(c0)
                trace.talkerHidden.append(hidden)
            }
            history.append(c0)
            if c0 == eos { break }
            if frames.count == maxFrames {
                Self.log.warning("no EOS after \(frames.count) frames; stopping at the cap")
                throw Qwen3TTSError.frameCapReached(cap: maxFrames, codes: frames)
            }

            // Code predictor: codebooks 1…G−1 of this frame.
            var frameLogits: [[Float]] = []
            let rest = try hidden.withUnsafeBufferPointer { hb in
                try talker.codePredictor.predict(hidden: hb.baseAddress!, code0Embedding: talker.codecRow(c0),
                                                 state: predictorState) { _, cpLogits in
                    if trace != nil { frameLogits.append(cpLogits) }
                    if settings.codePredictor.doSample {
                        var s = cpLogits
                        try predictorProcessors.process(&s, history: [])
                        return try sampler.sample(Logits.softmax(s))
                    }
                    return try SequenceStep.greedy(logits: cpLogits, history: [], processors: predictorProcessors).token
                }
            }
            let frame = [c0] + rest
            frames.append(frame)

            // Next talker input: Σ codebook embeddings + the text track.
            let k = frames.count - 1
            try input.withUnsafeMutableBufferPointer { ib in
                let x = ib.baseAddress!
                try talker.frameEmbedding(frame, into: x)
                let text = k < trailingRows ? prompt.trailing.pointer + k * h : prompt.ttsPad.pointer
                for i in 0..<h { x[i] += text[i] }
            }
            if let trace {
                trace.codePredictorLogits.append(frameLogits)
                trace.stepEmbeds.append(input)
                trace.stepPositions.append(state.length)
            }
            try input.withUnsafeBufferPointer { ib in
                try hidden.withUnsafeMutableBufferPointer { hb in
                    try talker.forward(ib.baseAddress!, rows: 1, state: state, output: hb.baseAddress!)
                }
            }
            hidden.withUnsafeBufferPointer { hb in
                logits.withUnsafeMutableBufferPointer { talker.logits(row: hb.baseAddress!, into: $0.baseAddress!) }
            }
        }
        return frames
    }
}
