// Batched decode step of a Qwen3 decoder: the rows of several sequences, each with its own KV cache and its own
// positions (state.length…), go through the layers together. Row-local work (RMSNorm, q/k norms, RoPE, SwiGLU) is
// per row; the projections use the batch-invariant `Qwen3RowKernel`, so a row's result never depends on which other
// rows share the call; attention runs per sequence against that sequence's cache with the same calls a lone
// sequence makes. Hence a sequence decoded in a batch gets bit-identical hidden states to one decoded alone
// through this path (batch of one). Finished sequences simply stop being passed in.
import Foundation
import Neural
import Tensors

/// One sequence's share of a batched call: `rows` consecutive input rows at positions state.length…
struct Qwen3BatchSegment {
    let state: Qwen3DecoderState
    let rows: Int
}

/// Scratch of batched calls, grown to the largest batch seen (rows across all sequences).
final class Qwen3BatchScratch {
    let shape: Qwen3DecoderShape
    private(set) var rowCapacity = 0
    private(set) var keyCapacity = 0
    let residual = Qwen3Buffer(count: 1)  // (rows, hidden)
    let normed = Qwen3Buffer(count: 1)    // (rows, hidden)
    let qkv = Qwen3Buffer(count: 1)       // (rows, qkvWidth)
    let context = Qwen3Buffer(count: 1)   // (rows, qWidth)
    let gateUp = Qwen3Buffer(count: 1)    // (rows, 2·intermediate)
    let activated = Qwen3Buffer(count: 1) // (rows, intermediate)
    let scores = Qwen3Buffer(count: 1)    // (heads · rows, keys): one block per (sequence, head)
    let cos = Qwen3Buffer(count: 1)       // (rows, headDim / 2)
    let sin = Qwen3Buffer(count: 1)       // (rows, headDim / 2)

    init(shape: Qwen3DecoderShape) { self.shape = shape }

    func reserve(rows: Int, keys: Int) {
        let s = shape
        if rows > rowCapacity {
            residual.reserve(rows * s.hidden)
            normed.reserve(rows * s.hidden)
            qkv.reserve(rows * s.qkvWidth)
            context.reserve(rows * s.qWidth)
            gateUp.reserve(rows * 2 * s.intermediate)
            activated.reserve(rows * s.intermediate)
            cos.reserve(rows * s.headDim / 2)
            sin.reserve(rows * s.headDim / 2)
            rowCapacity = rows
        }
        if rows * keys > keyCapacity {
            scores.reserve(shape.heads * rows * keys)
            keyCapacity = rows * keys
        }
    }
}

extension Qwen3Decoder {
    /// Runs the concatenated rows of `segments` (Σ rows, hidden) and writes the final-normed hidden states
    /// (Σ rows, hidden) to `output` (may alias `input`). Every segment's cache advances by its row count.
    func forwardBatch(_ input: UnsafePointer<Float>, segments: [Qwen3BatchSegment], scratch: Qwen3BatchScratch,
                      output: UnsafeMutablePointer<Float>) throws {
        let total = segments.reduce(0) { $0 + $1.rows }
        guard total > 0 else { return }
        var maxKeys = 0
        for seg in segments {
            guard seg.state.shape == shape else { throw Qwen3TTSError.config("decoder state was made for another decoder shape") }
            guard seg.state.length + seg.rows <= seg.state.capacity else {
                throw Qwen3TTSError.cacheOverflow(capacity: seg.state.capacity, needed: seg.state.length + seg.rows)
            }
            maxKeys = Swift.max(maxKeys, seg.state.length + seg.rows)
        }
        scratch.reserve(rows: total, keys: maxKeys)
        let x = scratch.residual.pointer, half = shape.headDim / 2
        x.update(from: input, count: total * shape.hidden)
        var offset = 0
        for seg in segments {
            Qwen3Kernels.ropeTables(start: seg.state.length, count: seg.rows, invFreq: invFreq,
                                    cos: scratch.cos.pointer + offset * half, sin: scratch.sin.pointer + offset * half)
            offset += seg.rows
        }
        for (i, layer) in layers.enumerated() {
            layer.forwardBatch(x, rows: total, segments: segments, index: i, scratch: scratch)
        }
        for seg in segments { seg.state.advance(by: seg.rows) }
        Qwen3Kernels.rmsNorm(x, rows: total, width: shape.hidden, weight: norm.pointer, eps: shape.eps, out: output)
    }
}

extension Qwen3DecoderLayer {
    /// The batched form of `forward`: residual stream `x` (rows, hidden) in place; keys / values go into each
    /// segment's cache at its own positions (RoPE tables already in scratch.cos / scratch.sin, one row per row).
    func forwardBatch(_ x: UnsafeMutablePointer<Float>, rows: Int, segments: [Qwen3BatchSegment], index: Int,
                      scratch: Qwen3BatchScratch) {
        let s = shape, d = s.headDim, half = d / 2
        let qkv = scratch.qkv.pointer, w = s.qkvWidth
        Qwen3Kernels.rmsNorm(x, rows: rows, width: s.hidden, weight: inputNorm.pointer, eps: s.eps, out: scratch.normed.pointer)
        Qwen3RowKernel.linear(scratch.normed.pointer, rows: rows, weight: qkvWeight, reduced: fastWeights?.qkv, bias: qkvBias, out: qkv) // (rows, q|k|v)
        var r = 0
        for seg in segments {
            for local in 0..<seg.rows {
                prepareRow(qkv + r * w, cos: scratch.cos.pointer + r * half, sin: scratch.sin.pointer + r * half,
                           position: seg.state.length + local, index: index, state: seg.state)
                r += 1
            }
        }
        // Every (sequence, head) pair is independent and always computed by the same calls, so the pairs are
        // spread over the workers (at 8 sequences this is 8 × heads small products per layer).
        var firsts: [Int] = []
        var first = 0
        for seg in segments {
            firsts.append(first)
            first += seg.rows
        }
        let keys = segments.map { $0.state.length + $0.rows }.max() ?? 0
        Tensors.parallelFor(segments.count * s.heads) { range in
            for item in range {
                let n = item / s.heads, h = item % s.heads
                let block = scratch.scores.pointer + (firsts[n] * s.heads + h * segments[n].rows) * keys
                attendHead(h, firstRow: firsts[n], rows: segments[n].rows, state: segments[n].state, index: index,
                           scratch: scratch, scores: block)
            }
        }
        Qwen3RowKernel.linear(scratch.context.pointer, rows: rows, weight: oWeight, reduced: fastWeights?.o, bias: oBias, out: x, accumulate: true)
        Qwen3Kernels.rmsNorm(x, rows: rows, width: s.hidden, weight: postNorm.pointer, eps: s.eps, out: scratch.normed.pointer)
        Qwen3RowKernel.linear(scratch.normed.pointer, rows: rows, weight: gateUpWeight, reduced: fastWeights?.gateUp, bias: nil,
                              out: scratch.gateUp.pointer)
        Qwen3Kernels.gatedActivation(scratch.gateUp.pointer, rows: rows, intermediate: s.intermediate, activation: s.activation,
                                     out: scratch.activated.pointer)
        Qwen3RowKernel.linear(scratch.activated.pointer, rows: rows, weight: downWeight, reduced: fastWeights?.down, bias: nil, out: x,
                              accumulate: true)
    }

    /// One head of one sequence: context rows firstRow… = softmax(q·kᵀ·scale + causal) · v over its cache
    /// positions 0..<length+rows (the keys of these rows are already written). `scores` holds (rows, keys).
    private func attendHead(_ h: Int, firstRow: Int, rows: Int, state: Qwen3DecoderState, index: Int,
                            scratch: Qwen3BatchScratch, scores: UnsafeMutablePointer<Float>) {
        let s = shape, d = s.headDim
        let start = state.length, keysLength = start + rows
        let group = s.heads / s.kvHeads
        let scale = 1 / Float(d).squareRoot()
        let q = scratch.qkv.pointer + firstRow * s.qkvWidth + h * d // rows of stride qkvWidth
        let kh = state.keyHead(index, h / group), vh = state.valueHead(index, h / group)
        let context = scratch.context.pointer + firstRow * s.qWidth + h * d
        if rows == 1 {
            // The decode step (one new row per sequence, whether batched or alone): two matrix-vector products.
            // OpenBLAS sgemm with m = 1 costs ≈ 9 µs per head here against ≈ 2 µs for the sgemv pair, and a batch-8
            // code-predictor frame makes 9 600 of these calls.
            BLAS.rawSgemv(false, keysLength, d, scale, kh, d, q, 1, 0, scores, 1) // (keys) = scale · k (keys, d) · q
            Tensor.softmaxRow(scores, keysLength)
            BLAS.rawSgemv(true, keysLength, d, 1, vh, d, scores, 1, 0, context, 1) // (d) = vᵀ (d, keys) · p
            return
        }
        // scores (rows, keysLength) = scale · q (rows, d) · kᵀ; one single-threaded call, as on every worker
        BLAS.rawSgemm(false, true, rows, keysLength, d, scale, q, s.qkvWidth, kh, d, 0, scores, keysLength)
        for i in 0..<rows {
            let row = scores + i * keysLength
            let visible = start + i + 1
            if visible < keysLength { (row + visible).update(repeating: -.infinity, count: keysLength - visible) }
            Tensor.softmaxRow(row, keysLength)
        }
        // context rows (rows, d) = P (rows, keysLength) · v (keysLength, d)
        BLAS.rawSgemm(false, false, rows, d, keysLength, 1, scores, keysLength, vh, d, 0, context, s.qWidth)
    }
}
