// The second GPT pass (UnifiedVoice.forward with do_spk_cond=False, as infer_v2 calls it): teacher-forced
// on the chosen codes, no KV cache reuse, no beams. The latent S2Mel's gpt_layer consumes.
//   text  = [start_text] + ids + [stop_text] with text positions 0..L+1 (ids not filtered, pitfall 20)
//   mel   = [start_mel] + codes + [stop_mel] with mel positions 0..n+1 — code c_k at position k + 1 here,
//           unlike generation (k + 2)
//   h     = ln_f(GPT-2([conds ; text ; mel]))  causal over all 34 + (L+2) + (n+2) positions
//   latent = final_norm(h)[mel rows][:-2]  → (1, n, D): row k is the state that predicts c_k
import Foundation
import Neural
import Tensors

extension UnifiedVoiceGPT {
    /// speechLatent (1, N, D), emovec (1, D), raw text ids, codes (trimmed, no stop) → latent (1, n, D).
    public func latent(speechLatent: Tensor, emovec: Tensor, textTokens: [Int], codes: [Int]) throws -> Tensor {
        try latent(conds: try conditioningRows(speechLatent: speechLatent, emovec: emovec), textTokens: textTokens, codes: codes)
    }

    /// conds (1, Nc, D) → latent (1, n, D).
    public func latent(conds: Tensor, textTokens: [Int], codes: [Int]) throws -> Tensor {
        let d = modelDim
        guard conds.rank == 3, conds.shape[0] == 1, conds.shape[2] == d else {
            throw GPTError.badInput("conds must be (1, N, \(d)), got \(conds.shape)")
        }
        guard !codes.isEmpty else { throw GPTError.badInput("the latent pass needs at least one code") }
        let nc = conds.shape[1], n = codes.count
        let textIds = [config.startTextToken] + textTokens + [config.stopTextToken]
        let melIds = [config.startMelToken] + codes + [config.stopMelToken]
        let text = try embeddings.textWithPositions(textIds) // (L + 2, D)
        let mel = try embeddings.melWithPositions(melIds, positions: Array(0..<melIds.count)) // (n + 2, D)
        var x = Tensor.concat([conds.reshaped([nc, d]), text, mel], axis: 0) // (Nc + L + 2 + n + 2, D)
        let total = x.shape[0], first = nc + textIds.count
        let state = gpt.makeState(batch: 1, capacity: total)
        var out = Tensor(zeros: [1, n, d])
        try x.withUnsafeMutableBufferPointer { xb in
            try gpt.forward(xb.baseAddress!, sequences: 1, rows: total, state: state)
            let rows = xb.baseAddress! + first * d
            gpt.finalLayerNorm(rows, rows: n, out: rows)
            heads.finalNorm(rows, rows: n, out: rows)
            out.withUnsafeMutableBufferPointer { $0.baseAddress!.update(from: rows, count: n * d) }
        }
        return out
    }
}
