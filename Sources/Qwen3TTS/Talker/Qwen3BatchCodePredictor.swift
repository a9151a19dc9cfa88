// The code predictor over several frames at once (one per sequence of a batch): step 0 feeds each sequence's
// [h, C(c0)] at positions 0, 1 of its own fresh cache, step j ≥ 1 feeds A_{j−1}(c_j) at position j + 1; all
// sequences advance in lock step (their positions coincide), through the batch-invariant decode path, so each
// sequence's codes and logits equal those of a batch of one.
import Foundation
import Neural
import Tensors

/// Caches and buffers for batched code-predictor frames, grown to the largest batch seen.
final class Qwen3CodePredictorBatchState {
    private(set) var states: [Qwen3DecoderState] = []
    let scratch: Qwen3BatchScratch
    let input = Qwen3Buffer(count: 1)     // (2·B, inputWidth)
    let projected = Qwen3Buffer(count: 1) // (2·B, hidden)
    let output = Qwen3Buffer(count: 1)    // (2·B, hidden)
    let last = Qwen3Buffer(count: 1)      // (B, hidden)
    let logits = Qwen3Buffer(count: 1)    // (B, vocab)
    private let predictor: Qwen3CodePredictor

    init(predictor p: Qwen3CodePredictor) {
        predictor = p
        scratch = Qwen3BatchScratch(shape: p.shape)
    }

    func reserve(batch: Int) {
        while states.count < batch { states.append(predictor.decoder.makeState(capacity: predictor.groups)) }
        input.reserve(2 * batch * predictor.inputWidth)
        projected.reserve(2 * batch * predictor.shape.hidden)
        output.reserve(2 * batch * predictor.shape.hidden)
        last.reserve(batch * predictor.shape.hidden)
        logits.reserve(batch * predictor.vocab)
    }
}

extension Qwen3CodePredictor {
    /// Codes 1…groups−1 of one frame per sequence. `hidden[b]` / `code0Embedding[b]` are talker-width rows.
    /// `pick(b, j, logits)` chooses sequence b's codebook j (1-based) from lm_head[j−1]'s logits.
    func predictBatch(hidden: [UnsafePointer<Float>], code0Embedding: [UnsafePointer<Float>],
                      state: Qwen3CodePredictorBatchState, pick: (Int, Int, [Float]) throws -> Int) throws -> [[Int]] {
        let batch = hidden.count
        guard batch > 0 else { return [] }
        state.reserve(batch: batch)
        let w = inputWidth, h = shape.hidden
        let raw = state.input.pointer, proj = state.projected.pointer, out = state.output.pointer
        let last = state.last.pointer, logits = state.logits.pointer
        for b in 0..<batch {
            state.states[b].reset()
            (raw + 2 * b * w).update(from: hidden[b], count: w)
            (raw + (2 * b + 1) * w).update(from: code0Embedding[b], count: w)
        }
        var codes = [[Int]](repeating: [], count: batch)
        var rowsPer = 2
        for j in 0..<(groups - 1) {
            if j > 0 {
                rowsPer = 1
                for b in 0..<batch {
                    let code = codes[b][j - 1]
                    guard code >= 0 && code < vocab else {
                        throw Qwen3TTSError.shape(what: "code \(code) of codebook \(j)", expected: [vocab], found: [code])
                    }
                    (raw + b * w).update(from: embeddingRow(group: j, code: code), count: w)
                }
            }
            let rows = rowsPer * batch
            let x: UnsafePointer<Float>
            if let p = projection {
                Qwen3RowKernel.linear(raw, rows: rows, weight: p.weight, reduced: projectionReduced, bias: p.bias, out: proj) // (rows, hidden)
                x = UnsafePointer(proj)
            } else {
                x = UnsafePointer(raw)
            }
            let segments = (0..<batch).map { Qwen3BatchSegment(state: state.states[$0], rows: rowsPer) }
            try decoder.forwardBatch(x, segments: segments, scratch: state.scratch, output: out) // (rows, hidden)
            for b in 0..<batch { (last + b * h).update(from: out + (b * rowsPer + rowsPer - 1) * h, count: h) }
            Qwen3RowKernel.linear(last, rows: batch, weight: heads[j], reduced: headsReduced.isEmpty ? nil : headsReduced[j], bias: nil,
                                  out: logits) // (batch, vocab)
            for b in 0..<batch {
                let row = Array(UnsafeBufferPointer(start: logits + b * vocab, count: vocab))
                let code = try pick(b, j + 1, row)
                guard code >= 0 && code < vocab else {
                    throw Qwen3TTSError.shape(what: "picked code of codebook \(j + 1)", expected: [vocab], found: [code])
                }
                codes[b].append(code)
            }
        }
        return codes
    }
}
