// `Wav2Vec2BertFeatureProjection`: LayerNorm over the stacked fbank features (eps layer_norm_eps), then a Linear
// to hidden_size. (Dropout is inactive in eval.) Keys: feature_projection.layer_norm.*, feature_projection.projection.*
import Neural
import Tensors

struct W2VBertFeatureProjection: Sendable {
    let norm: LayerNorm
    let projection: Linear

    init(_ scope: WeightScope, config: W2VBertConfig) throws {
        norm = try LayerNorm(scope.scope("layer_norm"), dim: config.featureProjectionInputDim, eps: config.layerNormEps)
        projection = try Linear(scope.scope("projection"), inFeatures: config.featureProjectionInputDim, outFeatures: config.hiddenSize)
    }

    /// features (B, T, F) → (B, T, H)
    func callAsFunction(_ features: Tensor) -> Tensor { projection(norm(features)) }
}
