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
    let decoder: Qwen3Decoder

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

    /// State for one frame at a time: positions 0…groups−1.
    public func makeState() -> Qwen3CodePredictorState { Qwen3CodePredictorState(predictor: self) }

    /// Embedding row of code `code` in codebook `group` (1…groups−1): (inputWidth).
    @inline(__always) func embeddingRow(group: Int, code: Int) -> UnsafePointer<Float> {
        embeddings[group - 1].table.pointer + code * inputWidth
    }

    /// Codes 1…groups−1 of one frame. `hidden` and `code0Embedding` are talker-width rows. `pick(j, logits)`
    /// chooses codebook j (1-based) from lm_head[j−1]'s logits (vocab), e.g. argmax or a seeded draw.
    public func predict(hidden: UnsafePointer<Float>, code0Embedding: UnsafePointer<Float>, state: Qwen3CodePredictorState,
                        pick: (Int, [Float]) throws -> Int) throws -> [Int] {
        let st = state.decoderState
        st.reset()
        let w = inputWidth, h = shape.hidden
        let raw = state.input.pointer, inp = state.projected.pointer, out = state.output.pointer
        raw.update(from: hidden, count: w)
        (raw + w).update(from: code0Embedding, count: w)
        var codes: [Int] = []
        codes.reserveCapacity(groups - 1)
        var rows = 2
        for j in 0..<(groups - 1) {
            if j > 0 {
                let code = codes[j - 1]
                guard code >= 0 && code < vocab else {
                    throw Qwen3TTSError.shape(what: "code \(code) of codebook \(j)", expected: [vocab], found: [code])
                }
                raw.update(from: embeddingRow(group: j, code: code), count: w)
                rows = 1
            }
            let x: UnsafePointer<Float>
            if let p = projection {
                Qwen3Kernels.linear(raw, rows: rows, weight: p.weight, bias: p.bias, out: inp) // (rows, hidden)
                x = UnsafePointer(inp)
            } else {
                x = UnsafePointer(raw)
            }
            try decoder.forward(x, rows: rows, state: st, output: out) // (rows, hidden)
            var logits = [Float](repeating: 0, count: vocab)
            logits.withUnsafeMutableBufferPointer { lb in
                Qwen3Kernels.linear(out + (rows - 1) * h, rows: 1, weight: heads[j], bias: nil, out: lb.baseAddress!)
            }
            let code = try pick(j + 1, logits)
            guard code >= 0 && code < vocab else {
                throw Qwen3TTSError.shape(what: "picked code of codebook \(j + 1)", expected: [vocab], found: [code])
            }
            codes.append(code)
        }
        return codes
    }
}

/// Cache and buffers of the code predictor (one frame at a time).
public final class Qwen3CodePredictorState {
    let decoderState: Qwen3DecoderState
    let input: Qwen3Buffer     // (2, inputWidth)
    let projected: Qwen3Buffer // (2, hidden)
    let output: Qwen3Buffer    // (2, hidden)

    init(predictor p: Qwen3CodePredictor) {
        decoderState = p.decoder.makeState(capacity: p.groups)
        input = Qwen3Buffer(count: 2 * p.inputWidth)
        projected = Qwen3Buffer(count: 2 * p.shape.hidden)
        output = Qwen3Buffer(count: 2 * p.shape.hidden)
    }
}
