// One Qwen3 decoder layer — mirrors Qwen3TTSTalkerDecoderLayer / Qwen3TTSDecoderLayer (identical math):
//   x += o_proj(Attn(RMSNorm_in(x)));  x += down(act(gate(y)) ⊙ up(y)), y = RMSNorm_post(x)
// Attention: q/k/v projections (bias per `attention_bias`), per-head RMSNorm of q and k over head_dim
// (q_norm / k_norm, before RoPE), rotate-half RoPE, GQA (query head h reads kv head h / (heads / kvHeads)),
// causal softmax with scale head_dim^−0.5.
//
// Weight layout for GEMV: q, k and v are fused into one (qWidth + 2·kvWidth, hidden) matrix and gate/up
// into one (2·intermediate, hidden) matrix at load, so a decode step streams each layer in 4 GEMVs.
import Foundation
import Neural
import Tensors

public struct Qwen3DecoderLayer: Sendable {
    public let shape: Qwen3DecoderShape
    let inputNorm: Tensor      // (hidden)
    let postNorm: Tensor       // (hidden)
    let qkvWeight: Tensor      // (qWidth + 2·kvWidth, hidden)
    let qkvBias: Tensor?       // (qWidth + 2·kvWidth)
    let qNorm: Tensor          // (headDim)
    let kNorm: Tensor          // (headDim)
    let oWeight: Tensor        // (hidden, qWidth)
    let oBias: Tensor?         // (hidden)
    let gateUpWeight: Tensor   // (2·intermediate, hidden)
    let downWeight: Tensor     // (hidden, intermediate)
    /// The same four projections in reduced form (`--precision fast`), used by the decode step (forwardBatch);
    /// nil in exact mode.
    var fastWeights: Qwen3ReducedLayer?

    /// Loads `input_layernorm`, `post_attention_layernorm`, `self_attn.{q,k,v,o}_proj`, `self_attn.{q,k}_norm`
    /// and `mlp.{gate,up,down}_proj` from `scope` (e.g. "talker.model.layers.3").
    public init(_ scope: WeightScope, shape s: Qwen3DecoderShape) throws {
        shape = s
        let attn = scope.scope("self_attn"), mlp = scope.scope("mlp")
        inputNorm = try scope.scope("input_layernorm").tensor("weight", shape: [s.hidden])
        postNorm = try scope.scope("post_attention_layernorm").tensor("weight", shape: [s.hidden])
        let q = try Linear(attn.scope("q_proj"), inFeatures: s.hidden, outFeatures: s.qWidth, bias: s.attentionBias)
        let k = try Linear(attn.scope("k_proj"), inFeatures: s.hidden, outFeatures: s.kvWidth, bias: s.attentionBias)
        let v = try Linear(attn.scope("v_proj"), inFeatures: s.hidden, outFeatures: s.kvWidth, bias: s.attentionBias)
        let o = try Linear(attn.scope("o_proj"), inFeatures: s.qWidth, outFeatures: s.hidden, bias: s.attentionBias)
        qkvWeight = Tensor.concat([q.weight, k.weight, v.weight], axis: 0)
        qkvBias = s.attentionBias ? Tensor.concat([q.bias!, k.bias!, v.bias!], axis: 0) : nil
        oWeight = o.weight
        oBias = o.bias
        qNorm = try attn.scope("q_norm").tensor("weight", shape: [s.headDim])
        kNorm = try attn.scope("k_norm").tensor("weight", shape: [s.headDim])
        let gate = try Linear(mlp.scope("gate_proj"), inFeatures: s.hidden, outFeatures: s.intermediate, bias: false)
        let up = try Linear(mlp.scope("up_proj"), inFeatures: s.hidden, outFeatures: s.intermediate, bias: false)
        gateUpWeight = Tensor.concat([gate.weight, up.weight], axis: 0)
        downWeight = try Linear(mlp.scope("down_proj"), inFeatures: s.intermediate, outFeatures: s.hidden, bias: false).weight
    }

    /// This layer with its decode-step projections converted for `kernel` (nil: exact, fp32 only).
    func reduced(to kernel: ReducedKernel?) -> Qwen3DecoderLayer {
        var l = self
        l.fastWeights = kernel.map {
            Qwen3ReducedLayer(qkv: ReducedMatrix(qkvWeight, kernel: $0), o: ReducedMatrix(oWeight, kernel: $0),
                              gateUp: ReducedMatrix(gateUpWeight, kernel: $0), down: ReducedMatrix(downWeight, kernel: $0))
        }
        return l
    }

    /// Runs `rows` rows at positions start..<start+rows through layer `index`, updating the residual
    /// stream `x` (rows, hidden) in place. Keys/values are written into `state`'s cache; the RoPE tables
    /// for these positions must already be in `state.cos` / `state.sin`.
    func forward(_ x: UnsafeMutablePointer<Float>, rows: Int, start: Int, index: Int, state: Qwen3DecoderState) {
        let s = shape, d = s.headDim, half = d / 2
        let qkv = state.qkv.pointer, w = s.qkvWidth
        // Attention block.
        Qwen3Kernels.rmsNorm(x, rows: rows, width: s.hidden, weight: inputNorm.pointer, eps: s.eps, out: state.normed.pointer)
        Qwen3Kernels.linear(state.normed.pointer, rows: rows, weight: qkvWeight, bias: qkvBias, out: qkv) // (rows, q|k|v)
        for r in 0..<rows {
            prepareRow(qkv + r * w, cos: state.cos.pointer + r * half, sin: state.sin.pointer + r * half,
                       position: start + r, index: index, state: state)
        }
        attend(rows: rows, start: start, index: index, state: state)
        Qwen3Kernels.linear(state.context.pointer, rows: rows, weight: oWeight, bias: oBias, out: x, accumulate: true)
        // MLP block.
        Qwen3Kernels.rmsNorm(x, rows: rows, width: s.hidden, weight: postNorm.pointer, eps: s.eps, out: state.normed.pointer)
        Qwen3Kernels.linear(state.normed.pointer, rows: rows, weight: gateUpWeight, bias: nil, out: state.gateUp.pointer)
        Qwen3Kernels.gatedActivation(state.gateUp.pointer, rows: rows, intermediate: s.intermediate, activation: s.activation,
                                     out: state.activated.pointer)
        Qwen3Kernels.linear(state.activated.pointer, rows: rows, weight: downWeight, bias: nil, out: x, accumulate: true)
    }

    /// One row of (q | k | v) at `position`: q and k RMS-normed per head and rotated in place, then its key and
    /// value written into `state`'s cache of layer `index`.
    func prepareRow(_ row: UnsafeMutablePointer<Float>, cos: UnsafePointer<Float>, sin: UnsafePointer<Float>,
                    position: Int, index: Int, state: Qwen3DecoderState) {
        let s = shape, d = s.headDim, half = d / 2
        Qwen3Kernels.rmsNorm(row, rows: s.heads, width: d, weight: qNorm.pointer, eps: s.eps, out: row)
        Qwen3Kernels.rmsNorm(row + s.qWidth, rows: s.kvHeads, width: d, weight: kNorm.pointer, eps: s.eps, out: row + s.qWidth)
        for h in 0..<s.heads { Qwen3Kernels.rope(row + h * d, cos: cos, sin: sin, half: half) }
        for h in 0..<s.kvHeads {
            let kh = row + s.qWidth + h * d, vh = row + s.qWidth + s.kvWidth + h * d
            Qwen3Kernels.rope(kh, cos: cos, sin: sin, half: half)
            (state.keyHead(index, h) + position * d).update(from: kh, count: d)
            (state.valueHead(index, h) + position * d).update(from: vh, count: d)
        }
    }

    /// context (rows, heads·headDim) = softmax(q·kᵀ·scale + causal) · v over cached positions 0..<start+rows.
    private func attend(rows: Int, start: Int, index: Int, state: Qwen3DecoderState) {
        let s = shape, d = s.headDim
        let keysLength = start + rows
        let group = s.heads / s.kvHeads
        let scale = 1 / Float(d).squareRoot()
        let scores = state.scores.pointer
        for h in 0..<s.heads {
            let q = state.qkv.pointer + h * d // rows of stride qkvWidth
            let kh = state.keyHead(index, h / group), vh = state.valueHead(index, h / group)
            // scores (rows, keysLength) = scale · q (rows, d) · kᵀ
            BLAS.sgemm(transB: true, m: rows, n: keysLength, k: d, alpha: scale, a: q, lda: s.qkvWidth, b: kh, ldb: d,
                       c: scores, ldc: keysLength)
            for r in 0..<rows {
                let row = scores + r * keysLength
                let visible = start + r + 1 // causal: keys 0...start+r
                if visible < keysLength { (row + visible).update(repeating: -.infinity, count: keysLength - visible) }
                Tensor.softmaxRow(row, keysLength)
            }
            // context[:, h] (rows, d) = P (rows, keysLength) · v (keysLength, d)
            BLAS.sgemm(m: rows, n: d, k: keysLength, a: scores, lda: keysLength, b: vh, ldb: d,
                       c: state.context.pointer + h * d, ldc: s.qWidth)
        }
    }
}
