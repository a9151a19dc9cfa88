// prepare_gpt_inputs (indextts/gpt/model_v2.py), batch 1: the text ids lose every start/stop id, get
// [start_text] … [stop_text] around them and text positions 0..L+1; the cached prefix is
// [conds (no positions) ; text] (P rows), and the "fake" input_ids HF generate sees are P ones followed
// by start_mel_token (they only count length and feed the repetition penalty).
import Foundation
import Tensors

public struct GPTPrefix: Sendable {
    /// (P, D): conditioning rows then text rows — GPT2InferenceModel.cached_mel_emb.
    public let embeddings: Tensor
    /// [start_text] + ids without 0/1 + [stop_text].
    public let textIds: [Int]
    /// P ones then start_mel_token (length P + 1).
    public let fakeInputIds: [Int]
    public var length: Int { embeddings.shape[0] }
}

extension UnifiedVoiceGPT {
    /// conds (1, Nc, D) and raw text ids → the generation prefix.
    public func prefix(conds: Tensor, textTokens: [Int]) throws -> GPTPrefix {
        let d = modelDim
        guard conds.rank == 3, conds.shape[0] == 1, conds.shape[2] == d else {
            throw GPTError.badInput("conds must be (1, N, \(d)), got \(conds.shape)")
        }
        let kept = textTokens.filter { $0 != config.stopTextToken && $0 != config.startTextToken }
        let ids = [config.startTextToken] + kept + [config.stopTextToken]
        let text = try embeddings.textWithPositions(ids) // (L + 2, D)
        let rows = Tensor.concat([conds.reshaped([conds.shape[1], d]), text], axis: 0) // (P, D)
        let fake = Array(repeating: 1, count: rows.shape[0]) + [config.startMelToken]
        return GPTPrefix(embeddings: rows, textIds: ids, fakeInputIds: fake)
    }
}
