// `Wav2Vec2BertModel` (HF transformers 4.52) in eval mode, as IndexTTS2.get_emb calls it:
//   model(input_features, attention_mask, output_hidden_states=True).hidden_states[17]
// feature_projection → encoder (masked input, then the conformer layers). SpecAugment (`masked_spec_embed`) is
// training-only and the optional adapter / intermediate_ffn act after the encoder, so none of them changes
// `hidden_states`; their keys are ignored explicitly at load time.
//
// A model may be built with fewer layers than the checkpoint holds (`layerCount`): hidden_states[n] needs layers
// 0..<n only. `ignoredKeys` names what such a model leaves unread, for `WeightStore.finish(ignoring:)`.
import Foundation
import AudioDSP
import Logging
import Neural
import Tensors

public struct W2VBertModel: Sendable {
    public let config: W2VBertConfig
    let featureProjection: W2VBertFeatureProjection
    let encoder: W2VBertEncoder

    private static let logger = Logger(label: "bookvox.indextts2.w2v-bert")

    /// Encoder layers this model runs (hidden states 0…layerCount are available).
    public var layerCount: Int { encoder.layers.count }

    /// Builds the feature projection and encoder layers 0..<layerCount (default: all) from `weights` (HF key names,
    /// no model prefix). Every declared key must exist with its shape; call `ignoredKeys` for the rest.
    public init(config: W2VBertConfig, weights: WeightScope, layerCount: Int? = nil) throws {
        try config.validate()
        let n = layerCount ?? config.numHiddenLayers
        guard (0...config.numHiddenLayers).contains(n) else {
            throw W2VBertError.badConfig("layerCount \(n) is outside 0…\(config.numHiddenLayers) (num_hidden_layers)")
        }
        self.config = config
        featureProjection = try W2VBertFeatureProjection(weights.scope("feature_projection"), config: config)
        encoder = try W2VBertEncoder(weights.scope("encoder"), config: config, layerCount: n)
    }

    /// Checkpoint keys a model with `layerCount` layers never reads: the later encoder layers, the SpecAugment
    /// embedding, and the post-encoder adapter / intermediate FFN. Patterns for `WeightStore.finish(ignoring:)`.
    public static func ignoredKeys(config: W2VBertConfig, layerCount: Int) -> [String] {
        let later = (layerCount..<Swift.max(layerCount, config.numHiddenLayers)).map { "encoder.layers.\($0)." }
        return later + ["masked_spec_embed", "adapter.", "intermediate_ffn."]
    }

    /// Loads a published model directory (facebook/w2v-bert-2.0 layout: config.json + model.safetensors) strictly:
    /// every key is either read or listed by `ignoredKeys`.
    public static func load(directory: URL, layerCount: Int? = nil) throws -> W2VBertModel {
        let configURL = directory.appendingPathComponent("config.json")
        let weightsURL = directory.appendingPathComponent("model.safetensors")
        guard FileManager.default.fileExists(atPath: configURL.path) else {
            throw W2VBertError.missingFile(path: configURL.path, what: "config.json")
        }
        guard FileManager.default.fileExists(atPath: weightsURL.path) else {
            throw W2VBertError.missingFile(path: weightsURL.path, what: "model.safetensors")
        }
        let config = try JSONDecoder().decode(W2VBertConfig.self, from: Data(contentsOf: configURL))
        let store = try WeightStore(path: weightsURL.path)
        let model = try W2VBertModel(config: config, weights: store.root, layerCount: layerCount)
        try store.finish(ignoring: ignoredKeys(config: config, layerCount: model.layerCount))
        logger.debug("w2v-BERT loaded from \(directory.path): \(model.layerCount)/\(config.numHiddenLayers) layers, hidden \(config.hiddenSize)")
        return model
    }

    /// The extractor's attention mask (1 real, 0 padded; (B·T) row-major) as per-frame flags.
    public static func validFrames(_ mask: [Int64], batch: Int, frames: Int) throws -> [[Bool]] {
        guard mask.count == batch * frames else {
            throw W2VBertError.badInput(expected: "attention_mask of \(batch)×\(frames) entries", got: [mask.count])
        }
        return (0..<batch).map { b in (0..<frames).map { mask[b * frames + $0] != 0 } }
    }

    func checkFeatures(_ features: Tensor, valid: [[Bool]]?) throws {
        guard features.rank == 3, features.shape[2] == config.featureProjectionInputDim else {
            throw W2VBertError.badInput(expected: "input_features (B, T, \(config.featureProjectionInputDim))", got: features.shape)
        }
        if let valid, valid.count != features.shape[0] || valid.contains(where: { $0.count != features.shape[1] }) {
            throw W2VBertError.badInput(expected: "attention mask [\(features.shape[0])][\(features.shape[1])]",
                                        got: [valid.count, valid.first?.count ?? 0])
        }
    }

    /// All hidden states: [0] the masked feature projection, [k] the output of layer k−1 (k ≤ layerCount);
    /// each (B, T, H). `attentionMask` nil means every frame is real.
    public func hiddenStates(_ features: Tensor, attentionMask valid: [[Bool]]?) throws -> [Tensor] {
        try checkFeatures(features, valid: valid)
        return encoder(featureProjection(features), valid: valid, keepAll: true)
    }

    /// hidden_states[index] (0…layerCount) without keeping the others: (B, T, H).
    public func hiddenState(_ index: Int, features: Tensor, attentionMask valid: [[Bool]]?) throws -> Tensor {
        try checkFeatures(features, valid: valid)
        guard (0...layerCount).contains(index) else {
            throw W2VBertError.badConfig("hidden_states[\(index)] needs \(index) layers; this model runs \(layerCount)")
        }
        let truncated = W2VBertEncoder(layers: Array(encoder.layers.prefix(index)))
        return truncated(featureProjection(features), valid: valid, keepAll: false)[0]
    }

    /// IndexTTS2 `get_emb`: (hidden_states[index] − mean) / sqrt(var), (B, T, H). `index` defaults to the last
    /// layer this model runs (load it with `layerCount: 17` for IndexTTS2).
    public func semanticEmbedding(_ features: Tensor, attentionMask valid: [[Bool]]?, stats: W2VBertSemanticStats,
                                  index: Int? = nil) throws -> Tensor {
        try stats.normalize(hiddenState(index ?? layerCount, features: features, attentionMask: valid))
    }

    /// `semanticEmbedding` of one clip's `SeamlessFeatureExtractor` output (batch 1).
    public func semanticEmbedding(_ features: SeamlessFeatures, stats: W2VBertSemanticStats, index: Int? = nil) throws -> Tensor {
        let t = features.inputFeatures.shape.count == 3 ? features.inputFeatures.shape[1] : -1
        let valid = try W2VBertModel.validFrames(features.attentionMask, batch: 1, frames: t)
        return try semanticEmbedding(features.inputFeatures, attentionMask: valid, stats: stats, index: index)
    }
}
