// The talker — Qwen3TTSTalkerForConditionalGeneration (`talker.*` of model.safetensors):
//   model.text_embedding (text_vocab, text_hidden) → text_projection → text-track rows T(id);
//   model.codec_embedding (vocab, hidden)                            → codec-track rows C(id);
//   model.layers + model.norm (Qwen3 decoder, MRoPE ≡ 1-D RoPE for TTS), codec_head (vocab, hidden, no bias);
//   code_predictor (codebooks 1…G−1).
// A frame's talker input is C(c0) + Σ_{j=1}^{G−1} A_{j−1}(c_j) (+ the text track), A = code-predictor tables.
import Foundation
import Neural
import Tensors

public struct Qwen3Talker: Sendable {
    public let config: Qwen3TalkerConfig
    public let shape: Qwen3DecoderShape
    let textEmbedding: Embedding // (text_vocab, text_hidden)
    let textProjection: Qwen3TextProjection
    let codecEmbedding: Embedding // (vocab, hidden)
    private(set) var decoder: Qwen3Decoder
    let codecHead: Tensor // (vocab, hidden)
    /// codec_head in reduced form (`--precision fast`), used by every codebook-0 pick; nil in exact mode.
    private(set) var codecHeadReduced: ReducedMatrix?
    public private(set) var codePredictor: Qwen3CodePredictor
    /// The reduced kernels of this model's decode loop; nil in exact mode.
    public private(set) var fastPlan: Qwen3FastPlan?

    /// Loads from `scope` = "talker" of the model's weights; with a `fast` plan the decode-step projections are
    /// converted once to its reduced kernels (the fp32 weights stay for the prefill).
    public init(_ scope: WeightScope, config c: Qwen3TalkerConfig, fast: Qwen3FastPlan? = nil) throws {
        config = c
        shape = try Qwen3DecoderShape(talker: c)
        guard c.numCodeGroups == c.codePredictorConfig.numCodeGroups else {
            throw Qwen3TTSError.config("talker num_code_groups \(c.numCodeGroups) ≠ code predictor num_code_groups "
                + "\(c.codePredictorConfig.numCodeGroups)")
        }
        let model = scope.scope("model")
        textEmbedding = try Embedding(model.scope("text_embedding"), count: c.textVocabSize, dim: c.textHiddenSize)
        textProjection = try Qwen3TextProjection(scope.scope("text_projection"), textHidden: c.textHiddenSize,
                                                 hidden: c.hiddenSize, activation: shape.activation)
        codecEmbedding = try Embedding(model.scope("codec_embedding"), count: c.vocabSize, dim: c.hiddenSize)
        decoder = try Qwen3Decoder(model, shape: shape)
        codecHead = try scope.scope("codec_head").tensor("weight", shape: [c.vocabSize, c.hiddenSize])
        codePredictor = try Qwen3CodePredictor(scope.scope("code_predictor"), config: c.codePredictorConfig,
                                               talkerHidden: c.hiddenSize)
        if fast != nil { convert(to: fast) }
    }

    /// This talker with its decode loop converted for `plan` (nil: back to exact, fp32 only).
    public func reduced(_ plan: Qwen3FastPlan?) -> Qwen3Talker {
        var t = self
        t.convert(to: plan)
        return t
    }

    private mutating func convert(to plan: Qwen3FastPlan?) {
        fastPlan = plan
        decoder = decoder.reduced(to: plan?.talker)
        codecHeadReduced = plan.map { ReducedMatrix(codecHead, kernel: $0.talker) }
        codePredictor = codePredictor.reduced(to: plan?.codePredictor)
    }

    /// codec_head logits (rows, vocab) of decode-step hidden rows (rows, hidden), batch-invariant in both modes.
    func stepLogits(_ hidden: UnsafePointer<Float>, rows: Int, out: UnsafeMutablePointer<Float>) {
        Qwen3RowKernel.linear(hidden, rows: rows, weight: codecHead, reduced: codecHeadReduced, bias: nil, out: out) // (rows, vocab)
    }

    public var hidden: Int { shape.hidden }
    public var vocab: Int { config.vocabSize }
    public var groups: Int { config.numCodeGroups }

    /// A talker cache for `capacity` positions (prompt + generated frames).
    public func makeState(capacity: Int) -> Qwen3DecoderState { decoder.makeState(capacity: capacity) }

    /// T(ids): projected text embeddings (n, hidden).
    public func textRows<C: Collection>(_ ids: C) throws -> Tensor where C.Element == Int {
        textProjection(try textEmbedding(Array(ids))) // (n, hidden)
    }

    /// C(ids): codec embeddings (n, hidden).
    public func codecRows(_ ids: [Int]) throws -> Tensor { try codecEmbedding(ids) }

    /// Σ of a frame's codebook embeddings, C(codes[0]) + Σ_j A_{j−1}(codes[j]), into `out` (hidden).
    public func frameEmbedding(_ codes: [Int], into out: UnsafeMutablePointer<Float>) throws {
        guard codes.count == groups else { throw Qwen3TTSError.shape(what: "frame codes", expected: [groups], found: [codes.count]) }
        guard codes[0] >= 0 && codes[0] < vocab else {
            throw Qwen3TTSError.shape(what: "codebook-0 id \(codes[0])", expected: [vocab], found: [codes[0]])
        }
        let h = hidden
        out.update(from: codecEmbedding.table.pointer + codes[0] * h, count: h)
        for j in 1..<groups {
            guard codes[j] >= 0 && codes[j] < codePredictor.vocab else {
                throw Qwen3TTSError.shape(what: "codebook-\(j) code \(codes[j])", expected: [codePredictor.vocab], found: [codes[j]])
            }
            let row = codePredictor.embeddingRow(group: j, code: codes[j])
            for i in 0..<h { out[i] += row[i] }
        }
    }

    /// Codec embedding row of one id: (hidden).
    func codecRow(_ id: Int) -> UnsafePointer<Float> { codecEmbedding.table.pointer + id * hidden }

    /// Runs rows (rows, hidden) through the decoder; returns the final-normed hidden (rows, hidden).
    public func forward(_ x: Tensor, state: Qwen3DecoderState) throws -> Tensor { try decoder.forward(x, state: state) }

    /// Pointer form of `forward` (allocation-free for a decode step).
    public func forward(_ x: UnsafePointer<Float>, rows: Int, state: Qwen3DecoderState, output: UnsafeMutablePointer<Float>) throws {
        try decoder.forward(x, rows: rows, state: state, output: output)
    }

    /// codec_head logits (rows, vocab) of hidden rows (rows, hidden).
    public func logits(_ hidden: Tensor) -> Tensor { hidden.linear(weight: codecHead) }
}
