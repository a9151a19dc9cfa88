// Hyperparameters of one Qwen3 decoder stack (talker or code predictor), validated from its config.
//
// RoPE: the talker is configured as interleaved MRoPE (`mrope_section`, 3 sections over head_dim/2
// frequencies). Qwen3-TTS feeds identical t/h/w position ids (get_rope_index: cumsum(mask) − 1 on all three
// rows), so every section picks the same angle and MRoPE reduces exactly to plain rotate-half 1-D RoPE over
// the whole head (pairs (i, i + d/2)), θ = rope_theta, attention scaling 1. We check the sections are
// consistent with head_dim and then run the 1-D form.
import Foundation
import Neural

public struct Qwen3DecoderShape: Sendable, Equatable {
    public var hidden: Int
    public var intermediate: Int
    public var layers: Int
    public var heads: Int
    public var kvHeads: Int
    public var headDim: Int
    public var eps: Float
    public var ropeTheta: Double
    public var activation: Activation
    public var attentionBias: Bool
    public var maxPositions: Int

    public var qWidth: Int { heads * headDim }
    public var kvWidth: Int { kvHeads * headDim }
    /// Rows of the fused q/k/v projection: q, then k, then v.
    public var qkvWidth: Int { qWidth + 2 * kvWidth }

    public init(hidden: Int, intermediate: Int, layers: Int, heads: Int, kvHeads: Int, headDim: Int, eps: Float,
                ropeTheta: Double, activation: Activation, attentionBias: Bool, maxPositions: Int) throws {
        guard hidden > 0, intermediate > 0, layers > 0, heads > 0, kvHeads > 0, headDim > 0, headDim % 2 == 0 else {
            throw Qwen3TTSError.config("decoder sizes must be positive with an even head_dim; got hidden \(hidden), "
                + "intermediate \(intermediate), layers \(layers), heads \(heads)/\(kvHeads), head_dim \(headDim)")
        }
        guard heads % kvHeads == 0 else {
            throw Qwen3TTSError.config("num_attention_heads \(heads) is not a multiple of num_key_value_heads \(kvHeads)")
        }
        self.hidden = hidden
        self.intermediate = intermediate
        self.layers = layers
        self.heads = heads
        self.kvHeads = kvHeads
        self.headDim = headDim
        self.eps = eps
        self.ropeTheta = ropeTheta
        self.activation = activation
        self.attentionBias = attentionBias
        self.maxPositions = maxPositions
    }

    /// The talker decoder (`talker.model`).
    public init(talker c: Qwen3TalkerConfig) throws {
        try Self.checkCommon(act: c.hiddenAct, slidingWindow: c.useSlidingWindow, layerTypes: nil, what: "talker_config")
        let headDim = c.headDim ?? c.hiddenSize / c.numAttentionHeads
        try Self.checkRope(c.ropeScaling, headDim: headDim, what: "talker_config")
        try self.init(hidden: c.hiddenSize, intermediate: c.intermediateSize, layers: c.numHiddenLayers,
                      heads: c.numAttentionHeads, kvHeads: c.numKeyValueHeads, headDim: headDim, eps: Float(c.rmsNormEps),
                      ropeTheta: c.ropeTheta, activation: Activation(name: c.hiddenAct)!, attentionBias: c.attentionBias ?? false,
                      maxPositions: c.maxPositionEmbeddings)
    }

    /// The code predictor decoder (`talker.code_predictor.model`).
    public init(codePredictor c: Qwen3CodePredictorConfig) throws {
        try Self.checkCommon(act: c.hiddenAct, slidingWindow: c.useSlidingWindow, layerTypes: c.layerTypes,
                             what: "code_predictor_config")
        let headDim = c.headDim ?? c.hiddenSize / c.numAttentionHeads
        try Self.checkRope(c.ropeScaling, headDim: headDim, what: "code_predictor_config")
        try self.init(hidden: c.hiddenSize, intermediate: c.intermediateSize, layers: c.numHiddenLayers,
                      heads: c.numAttentionHeads, kvHeads: c.numKeyValueHeads, headDim: headDim, eps: Float(c.rmsNormEps),
                      ropeTheta: c.ropeTheta, activation: Activation(name: c.hiddenAct)!, attentionBias: c.attentionBias ?? false,
                      maxPositions: c.maxPositionEmbeddings)
    }

    static func checkCommon(act: String, slidingWindow: Bool?, layerTypes: [String]?, what: String) throws {
        guard Activation(name: act) != nil else { throw Qwen3TTSError.config("\(what).hidden_act '\(act)' is not a known activation") }
        if slidingWindow == true || (layerTypes ?? []).contains(where: { $0 != "full_attention" }) {
            throw Qwen3TTSError.unsupported("\(what) asks for sliding-window attention (use_sliding_window / layer_types); "
                + "released Qwen3-TTS checkpoints use full causal attention only")
        }
    }

    /// Accepts no scaling, or the default rope type with (optionally) MRoPE sections summing to head_dim/2.
    static func checkRope(_ s: Qwen3RopeScaling?, headDim: Int, what: String) throws {
        guard let s else { return }
        guard s.resolvedType == "default" else {
            throw Qwen3TTSError.unsupported("\(what).rope_scaling type '\(s.resolvedType)'; only 'default' (plain or MRoPE) is implemented")
        }
        if let sections = s.mropeSection {
            guard sections.count == 3, sections.allSatisfy({ $0 > 0 }), sections.reduce(0, +) == headDim / 2 else {
                throw Qwen3TTSError.config("\(what).rope_scaling.mrope_section \(sections) must be 3 positive sections summing "
                    + "to head_dim/2 = \(headDim / 2)")
            }
            // Upstream indexes rope_scaling["interleaved"] unconditionally: a config without it cannot load there.
            guard s.interleaved != nil else {
                throw Qwen3TTSError.config("\(what).rope_scaling has mrope_section but no 'interleaved' key")
            }
        }
    }
}
