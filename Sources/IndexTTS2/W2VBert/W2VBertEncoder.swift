// `Wav2Vec2BertEncoder` for position_embeddings_type "relative_key" (no embed_positions module: each layer holds
// its own distance_embedding). Padded frames are zeroed once before the first layer; every layer then gets the
// key-padding mask (attention) and the frame mask (conv module). hidden_states[0] is that masked input,
// hidden_states[k] the output of layer k−1.
//
// Only the first `layers.count` layers are built: IndexTTS2 reads hidden_states[17] of the 24-layer model, so
// layers 17…23 are never loaded (their keys are listed by `W2VBertModel.ignoredKeys`).
import Neural
import Tensors

struct W2VBertEncoder: Sendable {
    let layers: [W2VBertLayer]

    init(layers: [W2VBertLayer]) { self.layers = layers }

    init(_ scope: WeightScope, config: W2VBertConfig, layerCount: Int) throws {
        layers = try (0..<layerCount).map { try W2VBertLayer(scope.scope("layers.\($0)"), config: config) }
    }

    /// x (B, T, H) → hidden states [0 … layers.count], each (B, T, H). With `keepAll` false only the last
    /// one is returned (an array of one), so long inputs do not hold every intermediate state.
    func callAsFunction(_ x: Tensor, valid: [[Bool]]?, keepAll: Bool) -> [Tensor] {
        var h = x
        if let valid { W2VBertMasking.zeroPaddedFrames(&h, valid: valid) }
        var states = keepAll ? [h] : []
        for layer in layers {
            h = layer(h, valid: valid) // (B, T, H)
            if keepAll { states.append(h) }
        }
        return keepAll ? states : [h]
    }
}
