// inference_speech's autoregressive loop: GPT2InferenceModel driven by the vendored HF `generate`
// (transformers 4.52.1), batch 1, KV cache.
//   prefill: [prefix (P rows) ; mel_embedding(start_mel) + mel_pos(0)] — run once and shared by every beam
//   step:    the previous code c_k embedded with mel position len(attention_mask) − P = k + 2 (the position
//            1 is never used; spec §1.13 / pitfall 13), one row per beam
//   logits:  mel_head(final_norm(ln_f(h))) of the last row
// Decoding modes (GenerationSettings decides, as HF does):
//   num_beams 1, do_sample false — `_sample` greedy: processors on raw logits, argmax
//   num_beams 1, do_sample true  — `_sample`: processors (+ warpers), softmax, one draw
//   num_beams > 1                — `_beam_search` (BeamSearch in Neural/Sampling): log_softmax, processors,
//                                  beam scores, topk or (do_sample) draws without replacement, BeamSearchScorer
// max_length = P + 1 + max_generate_length; the loop ends at the stop token (single sequence), when the
// scorer is done (beams) or at max_length — then no stop code exists and a warning is logged.
import Foundation
import Logging
import Neural
import Tensors

public struct GPTGenerationOptions: Sendable {
    public var settings: GenerationSettings
    /// Codes generated at most (max_generate_length; infer_v2 passes 1500).
    public var maxGenerateLength: Int
    /// Keep every step's raw logits and processed scores (parity checks; ≈ steps · beams · V floats each).
    public var recordSteps: Bool

    public init(settings: GenerationSettings, maxGenerateLength: Int = 1500, recordSteps: Bool = false) {
        self.settings = settings
        self.maxGenerateLength = maxGenerateLength
        self.recordSteps = recordSteps
    }

    /// infer_v2's defaults: beam sampling, 3 beams, top-p 0.8, top-k 30, temperature 0.8, repetition
    /// penalty 10, length penalty 0, 1500 codes at most.
    public static func inferV2(stopToken: Int) -> GPTGenerationOptions {
        GPTGenerationOptions(settings: GenerationSettings(doSample: true, temperature: 0.8, topK: 30, topP: 0.8,
                                                          repetitionPenalty: 10, numBeams: 3, lengthPenalty: 0,
                                                          eosTokenIds: [stopToken]))
    }
}

public struct GPTGenerationResult: Sendable {
    /// Generated codes as inference_speech returns them (sequences[:, P+1:]): with the stop code when one was
    /// produced (or, for beams, appended by the scorer).
    public let codes: [Int]
    /// `codes` cut before the first stop code (infer_v2's code_lens loop).
    public let trimmed: [Int]
    /// True when max_length ended the loop without a stop code.
    public let hitLengthCap: Bool
    /// Per step, per row (beam): raw logits and processed scores (empty unless recorded).
    public let stepLogits: [[[Float]]]
    public let stepScores: [[[Float]]]
    /// Beam search, recorded: the candidate flat indices (beam · V + token) each step kept, in score order.
    public let stepCandidates: [[Int]]
    /// Beam search only: HF sequences_scores and beam_indices (unpadded) of the returned sequence.
    public let sequenceScore: Float?
    public let beamIndices: [Int]?
    let startToken: Int

    /// The trimmed codes, checked to be semantic-codebook rows (the start token has none).
    public func semanticCodes() throws -> [Int] {
        if let i = trimmed.firstIndex(where: { $0 >= startToken }) {
            throw GPTError.startTokenGenerated(position: i, token: trimmed[i])
        }
        return trimmed
    }
}

extension UnifiedVoiceGPT {
    /// Generates semantic codes after `prefix`. `sampler` is only used when sampling.
    public func generate(prefix: GPTPrefix, options: GPTGenerationOptions,
                         sampler: inout some TokenSampler) throws -> GPTGenerationResult {
        let decoder = try GPTPieceDecoder(self, prefix: prefix, options: options)
        var rowLogits = [Float](repeating: 0, count: decoder.beams * vocab)
        while true {
            if let result = try decoder.advance(sampler: &sampler) { return result }
            try decode(&decoder.x, sequences: decoder.beams, state: decoder.state, logits: &rowLogits)
            rowLogits.withUnsafeBufferPointer { decoder.receive($0.baseAddress!) }
        }
    }

    func finish(codes: [Int], stepLogits: [[[Float]]], stepScores: [[[Float]]], stepCandidates: [[Int]],
                        score: Float?, beamIndices: [Int]?,
                        options: GPTGenerationOptions) -> GPTGenerationResult {
        let stop = config.stopMelToken
        let trimmed = codes.firstIndex(of: stop).map { Array(codes[..<$0]) } ?? codes
        let capped = trimmed.count == codes.count
        if capped {
            UnifiedVoiceGPT.logger.warning("GPT generation reached the \(options.maxGenerateLength)-code cap without a stop code; the segment may be truncated")
        }
        return GPTGenerationResult(codes: codes, trimmed: trimmed, hitLengthCap: capped, stepLogits: stepLogits,
                                   stepScores: stepScores, stepCandidates: stepCandidates, sequenceScore: score, beamIndices: beamIndices,
                                   startToken: config.startMelToken)
    }

    /// Runs [prefix ; start_mel at mel position 0] once (shared by every beam) → logits of the last row (V).
    func prefill(_ prefix: GPTPrefix, state: GPT2State) throws -> [Float] {
        let d = modelDim, p = prefix.length
        var x = Tensor.concat([prefix.embeddings, try embeddings.melWithPositions([config.startMelToken], positions: [0])],
                              axis: 0) // (P + 1, D)
        var logits = [Float](repeating: 0, count: vocab)
        try x.withUnsafeMutableBufferPointer { xb in
            try gpt.forward(xb.baseAddress!, sequences: 1, rows: p + 1, state: state)
            let last = xb.baseAddress! + p * d
            headLogits(last, rows: 1, into: &logits, decodeStep: false)
        }
        return logits
    }

    /// One decode step: `x` (sequences, D) embeddings in, logits (sequences, V) out.
    func decode(_ x: inout [Float], sequences: Int, state: GPT2State, logits: inout [Float]) throws {
        try x.withUnsafeMutableBufferPointer { xb in
            try gpt.forward(xb.baseAddress!, sequences: sequences, rows: 1, state: state)
            headLogits(xb.baseAddress!, rows: sequences, into: &logits, decodeStep: true)
        }
    }

    /// logits = mel_head(final_norm(ln_f(h))) for `rows` rows of h (overwritten with the normalized rows).
    /// `decodeStep`: the rows come from a decode step (fast mode's reduced mel_head), not from the prefill.
    func headLogits(_ h: UnsafeMutablePointer<Float>, rows: Int, into logits: inout [Float], decodeStep: Bool) {
        gpt.finalLayerNorm(h, rows: rows, out: h)
        heads.finalNorm(h, rows: rows, out: h)
        logits.withUnsafeMutableBufferPointer { heads.melLogits(h, rows: rows, out: $0.baseAddress!, decodeStep: decodeStep) }
    }
}
