// Hyper-parameters of w2v-BERT 2.0 (HF transformers `Wav2Vec2BertConfig`, model type "wav2vec2-bert"), decoded
// from the model's own config.json (or a parity case's "w2v_bert" block). Absent keys take the class defaults,
// which are the facebook/w2v-bert-2.0 values. Only the keys the encoder forward pass reads are kept; training
// options (dropouts, layerdrop, SpecAugment, CTC, xvector heads) have no effect in eval mode.
import Foundation
import Neural

public enum W2VBertError: Error, CustomStringConvertible {
    case unsupported(key: String, value: String, expected: String)
    case badConfig(String)
    case badInput(expected: String, got: [Int])
    case missingFile(path: String, what: String)

    public var description: String {
        switch self {
        case let .unsupported(k, v, e): return "w2v-BERT config '\(k)' = \(v) is not supported (expected \(e))"
        case let .badConfig(r): return "w2v-BERT config: \(r)"
        case let .badInput(e, g): return "w2v-BERT input: expected \(e), got shape \(g)"
        case let .missingFile(p, w): return "w2v-BERT model directory: \(w) not found at \(p) (expected a facebook/w2v-bert-2.0 download)"
        }
    }
}

public struct W2VBertConfig: Decodable, Sendable {
    public var hiddenSize: Int
    public var numHiddenLayers: Int
    public var numAttentionHeads: Int
    public var intermediateSize: Int
    public var featureProjectionInputDim: Int
    /// `hidden_act`, used by the feed-forward blocks and the conv module ("swish" = SiLU).
    public var hiddenAct: String
    public var layerNormEps: Float
    /// Only "relative_key" (Shaw-style key embeddings) is implemented; w2v-bert-2.0 uses it.
    public var positionEmbeddingsType: String?
    public var leftMaxPositionEmbeddings: Int
    public var rightMaxPositionEmbeddings: Int
    public var convDepthwiseKernelSize: Int
    /// Adapter / intermediate FFN run after the encoder only; they never change `hidden_states`.
    public var addAdapter: Bool
    public var useIntermediateFFNBeforeAdapter: Bool

    enum CodingKeys: String, CodingKey {
        case hiddenSize = "hidden_size", numHiddenLayers = "num_hidden_layers", numAttentionHeads = "num_attention_heads"
        case intermediateSize = "intermediate_size", featureProjectionInputDim = "feature_projection_input_dim"
        case hiddenAct = "hidden_act", layerNormEps = "layer_norm_eps", positionEmbeddingsType = "position_embeddings_type"
        case leftMaxPositionEmbeddings = "left_max_position_embeddings"
        case rightMaxPositionEmbeddings = "right_max_position_embeddings"
        case convDepthwiseKernelSize = "conv_depthwise_kernel_size", addAdapter = "add_adapter"
        case useIntermediateFFNBeforeAdapter = "use_intermediate_ffn_before_adapter"
    }

    /// The `Wav2Vec2BertConfig` defaults (= facebook/w2v-bert-2.0).
    public init() {
        hiddenSize = 1024
        numHiddenLayers = 24
        numAttentionHeads = 16
        intermediateSize = 4096
        featureProjectionInputDim = 160
        hiddenAct = "swish"
        layerNormEps = 1e-5
        positionEmbeddingsType = "relative_key"
        leftMaxPositionEmbeddings = 64
        rightMaxPositionEmbeddings = 8
        convDepthwiseKernelSize = 31
        addAdapter = false
        useIntermediateFFNBeforeAdapter = false
    }

    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        let d = W2VBertConfig()
        hiddenSize = try c.decodeIfPresent(Int.self, forKey: .hiddenSize) ?? d.hiddenSize
        numHiddenLayers = try c.decodeIfPresent(Int.self, forKey: .numHiddenLayers) ?? d.numHiddenLayers
        numAttentionHeads = try c.decodeIfPresent(Int.self, forKey: .numAttentionHeads) ?? d.numAttentionHeads
        intermediateSize = try c.decodeIfPresent(Int.self, forKey: .intermediateSize) ?? d.intermediateSize
        featureProjectionInputDim = try c.decodeIfPresent(Int.self, forKey: .featureProjectionInputDim) ?? d.featureProjectionInputDim
        hiddenAct = try c.decodeIfPresent(String.self, forKey: .hiddenAct) ?? d.hiddenAct
        layerNormEps = try c.decodeIfPresent(Float.self, forKey: .layerNormEps) ?? d.layerNormEps
        // An explicit null means "no position embeddings" in HF; keep it distinct from an absent key.
        positionEmbeddingsType = c.contains(.positionEmbeddingsType)
            ? try c.decodeIfPresent(String.self, forKey: .positionEmbeddingsType) : d.positionEmbeddingsType
        leftMaxPositionEmbeddings = try c.decodeIfPresent(Int.self, forKey: .leftMaxPositionEmbeddings) ?? d.leftMaxPositionEmbeddings
        rightMaxPositionEmbeddings = try c.decodeIfPresent(Int.self, forKey: .rightMaxPositionEmbeddings) ?? d.rightMaxPositionEmbeddings
        convDepthwiseKernelSize = try c.decodeIfPresent(Int.self, forKey: .convDepthwiseKernelSize) ?? d.convDepthwiseKernelSize
        addAdapter = try c.decodeIfPresent(Bool.self, forKey: .addAdapter) ?? d.addAdapter
        useIntermediateFFNBeforeAdapter = try c.decodeIfPresent(Bool.self, forKey: .useIntermediateFFNBeforeAdapter)
            ?? d.useIntermediateFFNBeforeAdapter
    }

    /// Per-head width.
    public var headSize: Int { hiddenSize / numAttentionHeads }

    /// Rows of each layer's `distance_embedding`: left_max + right_max + 1.
    public var distanceEmbeddingCount: Int { leftMaxPositionEmbeddings + rightMaxPositionEmbeddings + 1 }

    /// The activation `hidden_act` names.
    public func activation() throws -> Activation {
        guard let a = Activation(name: hiddenAct) else {
            throw W2VBertError.unsupported(key: "hidden_act", value: hiddenAct, expected: "a torch activation name such as swish, gelu, relu")
        }
        return a
    }

    public func validate() throws {
        guard positionEmbeddingsType == "relative_key" else {
            throw W2VBertError.unsupported(key: "position_embeddings_type", value: positionEmbeddingsType ?? "null",
                                           expected: "relative_key (facebook/w2v-bert-2.0)")
        }
        guard hiddenSize > 0, numAttentionHeads > 0, hiddenSize % numAttentionHeads == 0 else {
            throw W2VBertError.badConfig("hidden_size \(hiddenSize) is not divisible by \(numAttentionHeads) attention heads")
        }
        guard numHiddenLayers > 0, intermediateSize > 0, featureProjectionInputDim > 0 else {
            throw W2VBertError.badConfig("num_hidden_layers, intermediate_size and feature_projection_input_dim must be positive")
        }
        guard leftMaxPositionEmbeddings >= 0, rightMaxPositionEmbeddings >= 0 else {
            throw W2VBertError.badConfig("left/right_max_position_embeddings must be ≥ 0, got \(leftMaxPositionEmbeddings)/\(rightMaxPositionEmbeddings)")
        }
        // Wav2Vec2BertConvolutionModule rejects even kernels the same way.
        guard convDepthwiseKernelSize > 0, (convDepthwiseKernelSize - 1) % 2 == 0 else {
            throw W2VBertError.badConfig("conv_depthwise_kernel_size \(convDepthwiseKernelSize) must be odd")
        }
        _ = try activation()
    }
}
