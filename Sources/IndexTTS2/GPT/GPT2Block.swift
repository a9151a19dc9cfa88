// One GPT-2 block — transformers 4.52.1 GPT2Block (pre-LN, no cross-attention):
//   x += c_proj(Attn(ln_1(x)));  x += mlp.c_proj(gelu_new(mlp.c_fc(ln_2(x))))
// Attention: c_attn output split q | k | v (each hidden wide, then heads × headDim), scores scaled by
// 1/√headDim (scale_attn_weights, no per-layer scaling), causal over the cached positions.
// Keys: ln_1.{weight,bias}, attn.c_attn.{weight (H, 3H), bias}, attn.c_proj.{weight (H, H), bias},
// ln_2.*, mlp.c_fc.{weight (H, inner), bias}, mlp.c_proj.{weight (inner, H), bias}.
import Foundation
import Neural
import Tensors

struct GPT2Block: @unchecked Sendable {
    let shape: GPT2Shape
    let ln1Weight: Tensor, ln1Bias: Tensor
    let ln2Weight: Tensor, ln2Bias: Tensor
    let attn: Conv1DProjection    // H → 3H
    let attnProj: Conv1DProjection // H → H
    let fc: Conv1DProjection      // H → inner
    let mlpProj: Conv1DProjection // inner → H
    /// `--precision fast`: the four projections in reduced form, used by decode steps (one new position per
    /// sequence); nil in exact mode. Prefill and the latent pass (many positions) stay fp32.
    var reduced: GPT2ReducedBlock?

    init(_ scope: WeightScope, shape s: GPT2Shape, kernel: Conv1DKernel) throws {
        shape = s
        ln1Weight = try scope.scope("ln_1").tensor("weight", shape: [s.hidden])
        ln1Bias = try scope.scope("ln_1").tensor("bias", shape: [s.hidden])
        ln2Weight = try scope.scope("ln_2").tensor("weight", shape: [s.hidden])
        ln2Bias = try scope.scope("ln_2").tensor("bias", shape: [s.hidden])
        attn = try Conv1DProjection(scope.scope("attn.c_attn"), inFeatures: s.hidden, outFeatures: 3 * s.hidden, kernel: kernel)
        attnProj = try Conv1DProjection(scope.scope("attn.c_proj"), inFeatures: s.hidden, outFeatures: s.hidden, kernel: kernel)
        fc = try Conv1DProjection(scope.scope("mlp.c_fc"), inFeatures: s.hidden, outFeatures: s.inner, kernel: kernel)
        mlpProj = try Conv1DProjection(scope.scope("mlp.c_proj"), inFeatures: s.inner, outFeatures: s.hidden, kernel: kernel)
    }

    /// Updates the residual stream `x` ((sequences · rows), hidden), sequence-major, in place. The new
    /// positions are state.length..<state.length + rows; keys/values go to the rows `state.newRow` names.
    func forward(_ x: UnsafeMutablePointer<Float>, sequences: Int, rows: Int, layer: Int, shared: Bool, state: GPT2State) {
        let s = shape, total = sequences * rows, h3 = 3 * s.hidden
        let normed = state.normed.pointer, qkv = state.qkv.pointer
        let fast = rows == 1 ? reduced : nil // decode step: the reduced weights when there are some
        let profile = state.profile
        profile?.start()
        GPT2Kernels.layerNorm(x, rows: total, width: s.hidden, weight: ln1Weight.pointer, bias: ln1Bias.pointer, eps: s.eps, out: normed)
        profile?.lap(.layerNorms)
        project(attn, fast?.attn, normed, rows: total, out: qkv) // (total, q|k|v)
        profile?.lap(.cAttn)
        let start = state.length
        for b in 0..<sequences {
            for r in 0..<rows {
                let src = qkv + (b * rows + r) * h3
                state.store(layer: layer, row: state.newRow(b, start + r, shared: shared), key: src + s.hidden, value: src + 2 * s.hidden)
            }
        }
        profile?.lap(.cacheWrite)
        if shared {
            attendShared(rows: rows, start: start, layer: layer, state: state, qkv: qkv, context: state.context.pointer)
        } else {
            attendPerSequence(sequences: sequences, rows: rows, start: start, layer: layer, state: state, qkv: qkv,
                              context: state.context.pointer)
        }
        profile?.lap(.attention)
        project(attnProj, fast?.attnProj, state.context.pointer, rows: total, out: x, accumulate: true) // (total, H)
        profile?.lap(.attnProj)
        GPT2Kernels.layerNorm(x, rows: total, width: s.hidden, weight: ln2Weight.pointer, bias: ln2Bias.pointer, eps: s.eps, out: normed)
        profile?.lap(.layerNorms)
        project(fc, fast?.fc, normed, rows: total, out: state.inner.pointer) // (total, inner)
        profile?.lap(.cFc)
        GPT2Kernels.geluNew(state.inner.pointer, count: total * s.inner)
        profile?.lap(.gelu)
        project(mlpProj, fast?.mlpProj, state.inner.pointer, rows: total, out: x, accumulate: true) // (total, H)
        profile?.lap(.mlpProj)
    }

    /// One decode step of several independent generations (segments) at once: `x` holds, slot after slot, one new
    /// position for each of a slot's `state.batch` sequences. Norms, projections (one weight pass over every row) and
    /// the MLP run over all rows; keys/values go to each slot's own cache and attention runs per slot exactly as a
    /// call for that slot alone would run it. Each slot's rows get bit for bit what `forward(rows: 1)` gives them
    /// alone: fast's reduced products compute every row alone, exact's run grouped per slot (productGrouped).
    func forwardStep(_ x: UnsafeMutablePointer<Float>, slots: [GPT2State], shared: [Bool], layer: Int, scratch: GPT2StepScratch) {
        let s = shape, h3 = 3 * s.hidden
        let groups = slots.map(\.batch), total = groups.reduce(0, +)
        let normed = scratch.normed.pointer, qkv = scratch.qkv.pointer, context = scratch.context.pointer
        let profile = scratch.profile
        profile?.start()
        GPT2Kernels.layerNorm(x, rows: total, width: s.hidden, weight: ln1Weight.pointer, bias: ln1Bias.pointer, eps: s.eps, out: normed)
        profile?.lap(.layerNorms)
        projectGrouped(attn, reduced?.attn, normed, groups: groups, out: qkv) // (total, q|k|v)
        profile?.lap(.cAttn)
        var first = 0
        for (i, state) in slots.enumerated() {
            let start = state.length, sq = qkv + first * h3, sc = context + first * s.hidden
            for b in 0..<state.batch {
                let src = sq + b * h3
                state.store(layer: layer, row: state.newRow(b, start, shared: shared[i]), key: src + s.hidden, value: src + 2 * s.hidden)
            }
            profile?.lap(.cacheWrite)
            if shared[i] {
                attendShared(rows: 1, start: start, layer: layer, state: state, qkv: sq, context: sc)
            } else {
                attendPerSequence(sequences: state.batch, rows: 1, start: start, layer: layer, state: state, qkv: sq, context: sc)
            }
            profile?.lap(.attention)
            first += state.batch
        }
        projectGrouped(attnProj, reduced?.attnProj, context, groups: groups, out: x, accumulate: true) // (total, H)
        profile?.lap(.attnProj)
        GPT2Kernels.layerNorm(x, rows: total, width: s.hidden, weight: ln2Weight.pointer, bias: ln2Bias.pointer, eps: s.eps, out: normed)
        profile?.lap(.layerNorms)
        projectGrouped(fc, reduced?.fc, normed, groups: groups, out: scratch.inner.pointer) // (total, inner)
        profile?.lap(.cFc)
        GPT2Kernels.geluNew(scratch.inner.pointer, count: total * s.inner)
        profile?.lap(.gelu)
        projectGrouped(mlpProj, reduced?.mlpProj, scratch.inner.pointer, groups: groups, out: x, accumulate: true) // (total, H)
        profile?.lap(.mlpProj)
    }

    /// `project` over consecutive row groups: the reduced product over all rows at once (rows are independent
    /// there), else the fp32 product grouped so each group gets what it gets alone.
    @inline(__always)
    private func projectGrouped(_ p: Conv1DProjection, _ r: ReducedMatrix?, _ x: UnsafePointer<Float>, groups: [Int],
                                out: UnsafeMutablePointer<Float>, accumulate: Bool = false) {
        if let r {
            r.apply(x, rows: groups.reduce(0, +), bias: p.bias.pointer, out: out, accumulate: accumulate)
        } else {
            p.applyGrouped(x, groups: groups, out: out, accumulate: accumulate)
        }
    }

    /// out (rows, N) = (accumulate ? out : 0) + b + x · W through the reduced weights when given, else fp32.
    @inline(__always)
    private func project(_ p: Conv1DProjection, _ r: ReducedMatrix?, _ x: UnsafePointer<Float>, rows: Int,
                         out: UnsafeMutablePointer<Float>, accumulate: Bool = false) {
        if let r {
            r.apply(x, rows: rows, bias: p.bias.pointer, out: out, accumulate: accumulate)
        } else {
            p.apply(x, rows: rows, out: out, accumulate: accumulate)
        }
    }

    /// One sequence whose positions are physical rows (shared prefix or batch 1): per head,
    /// scores (rows, keys) = scale · q · kᵀ, causal mask, softmax, context = P · v (GEMMs over the head's
    /// contiguous (keys, headDim) cache block).
    private func attendShared(rows: Int, start: Int, layer: Int, state: GPT2State, qkv: UnsafeMutablePointer<Float>,
                              context: UnsafeMutablePointer<Float>) {
        let s = shape, d = s.headDim, keys = start + rows, h3 = 3 * s.hidden
        let scale = 1 / Float(d).squareRoot()
        let scoreBase = state.scores.pointer
        Tensors.parallelFor(s.heads) { heads in
            for h in heads {
                let scores = scoreBase + h * rows * keys
                BLAS.sgemm(transB: true, m: rows, n: keys, k: d, alpha: scale, a: qkv + h * d, lda: h3,
                           b: state.keyHead(layer, h), ldb: d, c: scores, ldc: keys) // (rows, keys)
                for r in 0..<rows {
                    let row = scores + r * keys
                    let visible = start + r + 1
                    if visible < keys { (row + visible).update(repeating: -.infinity, count: keys - visible) }
                    Tensor.softmaxRow(row, keys)
                }
                BLAS.sgemm(m: rows, n: d, k: keys, a: scores, lda: keys, b: state.valueHead(layer, h), ldb: d,
                           c: context + h * d, ldc: s.hidden) // (rows, headDim) into the head's columns
            }
        }
    }

    /// Every sequence with its own rows (beams after the prefix): keys gathered through the row tables. Work is
    /// split by head, each head running all sequences in turn, so the rows beams share (the prefix, common
    /// ancestors) are read from memory once per head and step; every (sequence, head) is computed exactly as alone.
    private func attendPerSequence(sequences: Int, rows: Int, start: Int, layer: Int, state: GPT2State,
                                   qkv: UnsafeMutablePointer<Float>, context: UnsafeMutablePointer<Float>) {
        let s = shape, d = s.headDim, h3 = 3 * s.hidden, keys = start + rows
        let scale = 1 / Float(d).squareRoot()
        let scoreBase = state.scores.pointer
        // Physical rows of every (sequence, position), resolved once per call by GPT2Model.
        state.gatherTable.withUnsafeBufferPointer { tb in
            let t = tb.baseAddress!
            Tensors.parallelFor(s.heads) { heads in
                for h in heads {
                    let kh = state.keyHead(layer, h), vh = state.valueHead(layer, h) // (physicalRows, headDim)
                    for b in 0..<sequences {
                        let scores = scoreBase + (h * sequences + b) * keys, tableRow = t + b * keys
                        for r in 0..<rows {
                            let q = qkv + (b * rows + r) * h3 + h * d
                            let visible = start + r + 1
                            for p in 0..<visible {
                                scores[p] = GPT2Kernels.dot(q, kh + tableRow[p] * d, d) * scale
                            }
                            Tensor.softmaxRow(scores, visible)
                            let out = context + (b * rows + r) * s.hidden + h * d
                            out.update(repeating: 0, count: d)
                            for p in 0..<visible {
                                GPT2Kernels.axpy(scores[p], vh + tableRow[p] * d, out, d)
                            }
                        }
                    }
                }
            }
        }
    }
}
