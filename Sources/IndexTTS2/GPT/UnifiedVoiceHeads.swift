// UnifiedVoice's output side: final_norm (LayerNorm, eps 1e-5) then mel_head (Linear D → number_mel_codes).
// GPT2InferenceModel's lm_head is Sequential(final_norm, mel_head) applied after GPT-2's own ln_f, so
// logits = mel_head(final_norm(ln_f(h))). text_head (D → text vocabulary) is only used in training; it
// is loaded to check its shape and then dropped.
import Foundation
import Neural
import Tensors

struct UnifiedVoiceHeads: @unchecked Sendable {
    let finalNormWeight: Tensor, finalNormBias: Tensor
    let melHead: Linear // (V, D)
    let eps: Float
    /// How mel_head's product runs (an [N, K] kernel).
    let kernel: Conv1DKernel
    /// `--precision fast`: mel_head in reduced form (V, D) for decode steps; nil in exact mode.
    var melHeadReduced: ReducedMatrix?

    init(_ scope: WeightScope, config c: UnifiedVoiceConfig, kernel: Conv1DKernel) throws {
        self.kernel = kernel.outputMajorEquivalent
        finalNormWeight = try scope.scope("final_norm").tensor("weight", shape: [c.modelDim])
        finalNormBias = try scope.scope("final_norm").tensor("bias", shape: [c.modelDim])
        melHead = try Linear(scope.scope("mel_head"), inFeatures: c.modelDim, outFeatures: c.numberMelCodes)
        _ = try Linear(scope.scope("text_head"), inFeatures: c.modelDim, outFeatures: c.textVocab)
        eps = c.layerNormEps
    }

    var vocab: Int { melHead.outFeatures }

    /// final_norm over `rows` rows (in place allowed).
    func finalNorm(_ x: UnsafePointer<Float>, rows: Int, out: UnsafeMutablePointer<Float>) {
        GPT2Kernels.layerNorm(x, rows: rows, width: finalNormWeight.count, weight: finalNormWeight.pointer,
                              bias: finalNormBias.pointer, eps: eps, out: out)
    }

    /// logits (rows, V) = mel_head(x) for already-normalized rows; a decode step uses the reduced weights when
    /// there are some (the prefill's last row stays fp32, like the rest of the prefill).
    func melLogits(_ x: UnsafePointer<Float>, rows: Int, out: UnsafeMutablePointer<Float>, decodeStep: Bool = false) {
        let v = vocab, d = melHead.inFeatures
        if decodeStep, let r = melHeadReduced {
            r.apply(x, rows: rows, bias: melHead.bias!.pointer, out: out) // (rows, V)
            return
        }
        for r in 0..<rows { (out + r * v).update(from: melHead.bias!.pointer, count: v) }
        Conv1DProjection.product(kernel, rows: rows, n: v, k: d, x: x, w: melHead.weight.pointer, y: out)
    }

    /// Decode-step logits for consecutive row groups (a cross-segment step: one group per segment), each group's rows
    /// bit for bit what `melLogits(rows: group, decodeStep: true)` gives them alone.
    func melLogitsGrouped(_ x: UnsafePointer<Float>, groups: [Int], out: UnsafeMutablePointer<Float>) {
        let v = vocab, d = melHead.inFeatures, rows = groups.reduce(0, +)
        if let r = melHeadReduced {
            r.apply(x, rows: rows, bias: melHead.bias!.pointer, out: out) // (rows, V): every row alone
            return
        }
        for r in 0..<rows { (out + r * v).update(from: melHead.bias!.pointer, count: v) }
        Conv1DProjection.productGrouped(kernel, groups: groups, n: v, k: d, x: x, w: melHead.weight.pointer, y: out)
    }
}
