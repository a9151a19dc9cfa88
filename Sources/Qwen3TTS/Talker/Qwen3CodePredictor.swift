// talker.code_predictor — Qwen3TTSTalkerCodePredictorModelForConditionalGeneration: predicts codebooks 1…G−1
// of one frame from the talker's post-norm hidden state h and codebook 0.
//   * inputs are talker-width rows; `small_to_mtp_projection` (Linear with bias) maps them to the predictor
//     width when the widths differ (1.7B), identity otherwise (0.6B);
//   * step 0 feeds [h, C(c0)] at positions 0, 1 and lm_head[0] on the last row gives c1; step j ≥ 1 feeds
//     codec_embedding[j−1](c_j) at position j + 1 and lm_head[j] gives c_{j+1};
//   * the cache is reset every frame, so positions restart at 0; c_{G−1} is never fed back.
import Foundation
import Neural
import Tensors

public struct Qwen3CodePredictor: Sendable {
    public let shape: Qwen3DecoderShape
    /// Codebooks per frame (num_code_groups); the predictor makes groups − 1 of them.
    public let groups: Int
    /// Codebook size (code_predictor_config.vocab_size).
    public let vocab: Int
    /// Width of its inputs (the talker hidden size).
    public let inputWidth: Int
    let projection: Linear?     // small_to_mtp_projection (inputWidth → hidden) or identity
    let embeddings: [Embedding] // groups − 1 tables (vocab, inputWidth)
    let heads: [Tensor]         // groups − 1 weights (vocab, hidden)
    private(set) var decoder: Qwen3Decoder
    /// lm_heads and small_to_mtp_projection in reduced form (`--precision fast`); empty / nil in exact mode.
    private(set) var headsReduced: [ReducedMatrix] = []
    private(set) var projectionReduced: ReducedMatrix?

    /// Loads from `scope` = "talker.code_predictor".
    public init(_ scope: WeightScope, config c: Qwen3CodePredictorConfig, talkerHidden: Int) throws {
        shape = try Qwen3DecoderShape(codePredictor: c)
        groups = c.numCodeGroups
        vocab = c.vocabSize
        inputWidth = talkerHidden
        guard groups >= 2 else { throw Qwen3TTSError.config("code_predictor_config.num_code_groups must be ≥ 2, got \(groups)") }
        let model = scope.scope("model")
        embeddings = try (0..<(groups - 1)).map {
            try Embedding(model.scope("codec_embedding.\($0)"), count: c.vocabSize, dim: talkerHidden)
        }
        heads = try (0..<(groups - 1)).map {
            try scope.scope("lm_head.\($0)").tensor("weight", shape: [c.vocabSize, c.hiddenSize])
        }
        projection = c.hiddenSize == talkerHidden ? nil
            : try Linear(scope.scope("small_to_mtp_projection"), inFeatures: talkerHidden, outFeatures: c.hiddenSize, bias: true)
        decoder = try Qwen3Decoder(model, shape: shape)
    }

    /// This predictor with its decode projections converted for `kernel` (nil: exact, fp32 only).
    func reduced(to kernel: ReducedKernel?) -> Qwen3CodePredictor {
        var p = self
        p.decoder = decoder.reduced(to: kernel)
        p.headsReduced = kernel.map { k in heads.map { ReducedMatrix($0, kernel: k) } } ?? []
        p.projectionReduced = kernel.flatMap { k in projection.map { ReducedMatrix($0.weight, kernel: k) } }
        return p
    }

    /// Embedding row of code `code` in codebook `group` (1…groups−1): (inputWidth).
    @inline(__always) func embeddingRow(group: Int, code: Int) -> UnsafePointer<Float> {
        embeddings[group - 1].table.pointer + code * inputWidth
    }
}
