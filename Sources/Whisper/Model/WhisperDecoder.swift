// Whisper text decoder (transformers WhisperDecoder = openai-whisper model.py TextDecoder): token embedding
// (× √d when scale_embedding) + learned positions from the cache offset → pre-LN layers (causal self-attention
// with a KV cache, cross-attention over the audio features, GELU MLP) → layer_norm → logits against proj_out
// (tied to embed_tokens in every released checkpoint).
import Foundation
import Neural
import Tensors

struct WhisperDecoderLayer: Sendable {
    let selfAttnNorm: LayerNorm
    let selfAttn: WhisperAttention
    let crossAttnNorm: LayerNorm
    let crossAttn: WhisperAttention
    let finalNorm: LayerNorm
    let fc1: Linear
    let fc2: Linear

    init(_ scope: WeightScope, config: WhisperConfig) throws {
        let d = config.dModel
        selfAttnNorm = try LayerNorm(scope.scope("self_attn_layer_norm"), dim: d)
        selfAttn = try WhisperAttention(scope.scope("self_attn"), dim: d, heads: config.decoderAttentionHeads)
        crossAttnNorm = try LayerNorm(scope.scope("encoder_attn_layer_norm"), dim: d)
        crossAttn = try WhisperAttention(scope.scope("encoder_attn"), dim: d, heads: config.decoderAttentionHeads)
        finalNorm = try LayerNorm(scope.scope("final_layer_norm"), dim: d)
        fc1 = try Linear(scope.scope("fc1"), inFeatures: d, outFeatures: config.decoderFFNDim)
        fc2 = try Linear(scope.scope("fc2"), inFeatures: config.decoderFFNDim, outFeatures: d)
    }
}

/// The per-window decoding state: self-attention caches and the cross-attention keys/values of one audio.
public final class WhisperDecoderState {
    let caches: [WhisperRowCache]
    let crossKeys: [Tensor]   // per layer (S, C)
    let crossValues: [Tensor] // per layer (S, C)

    init(caches: [WhisperRowCache], crossKeys: [Tensor], crossValues: [Tensor]) {
        self.caches = caches
        self.crossKeys = crossKeys
        self.crossValues = crossValues
    }

    /// Positions already in the caches.
    public var length: Int { caches.first?.length ?? 0 }
}

public struct WhisperDecoder: Sendable {
    public let config: WhisperConfig
    let embedTokens: Tensor // (V, d)
    let positions: Tensor   // (n_text_ctx, d)
    let layers: [WhisperDecoderLayer]
    let norm: LayerNorm
    let projection: Tensor  // (V, d)

    init(_ scope: WeightScope, projOut: WeightScope, config: WhisperConfig) throws {
        self.config = config
        let d = config.dModel
        embedTokens = try scope.scope("embed_tokens").tensor("weight", shape: [config.vocabSize, d])
        positions = try scope.scope("embed_positions").tensor("weight", shape: [config.maxTargetPositions, d])
        layers = try (0..<config.decoderLayers).map { try WhisperDecoderLayer(scope.scope("layers.\($0)"), config: config) }
        norm = try LayerNorm(scope.scope("layer_norm"), dim: d)
        if config.tieWordEmbeddings {
            // A tied checkpoint may still store proj_out; it must then be the same matrix.
            if projOut.has("weight") {
                let stored = try projOut.tensor("weight", shape: [config.vocabSize, d])
                guard stored.array == embedTokens.array else {
                    throw WhisperError.config("tie_word_embeddings is true but proj_out.weight differs from model.decoder.embed_tokens.weight")
                }
            }
            projection = embedTokens
        } else {
            projection = try projOut.tensor("weight", shape: [config.vocabSize, d])
        }
    }

    /// A fresh state for the audio features xa (S, d): cross keys/values of every layer, empty caches.
    public func makeState(audioFeatures xa: Tensor) -> WhisperDecoderState {
        var keys: [Tensor] = [], values: [Tensor] = []
        for layer in layers {
            let (k, v) = layer.crossAttn.crossKeysValues(xa)
            keys.append(k)
            values.append(v)
        }
        let caches = layers.map { _ in WhisperRowCache(capacity: config.maxTargetPositions, width: config.dModel) }
        return WhisperDecoderState(caches: caches, crossKeys: keys, crossValues: values)
    }

    /// Runs `tokens` (the next positions) through the decoder, appending to the caches; returns the final hidden
    /// states (T, d) and, for `alignmentHeads` (layer → heads), the cross-attention scores (T, S) per head.
    public func forward(_ tokens: [Int], state: WhisperDecoderState,
                        alignmentHeads: [Int: [Int]] = [:]) throws -> (hidden: Tensor, scores: [[Int]: Tensor]) {
        let offset = state.length
        guard offset + tokens.count <= config.maxTargetPositions else {
            throw WhisperError.contextOverflow(capacity: config.maxTargetPositions, needed: offset + tokens.count)
        }
        var x = try embedTokens.gatherRows(tokens) // (T, d)
        if config.scaleEmbedding { x.scale(by: Float(config.dModel).squareRoot()) }
        x.add(positions.slice(axis: 0, start: offset, end: offset + tokens.count))
        var scores: [[Int]: Tensor] = [:]
        for (i, layer) in layers.enumerated() {
            x.add(try layer.selfAttn(layer.selfAttnNorm(x), cache: state.caches[i]))
            let heads = alignmentHeads[i] ?? []
            let (c, s) = layer.crossAttn.cross(layer.crossAttnNorm(x), keys: state.crossKeys[i], values: state.crossValues[i],
                                               scoresOf: heads)
            x.add(c)
            for (h, t) in s { scores[[i, h]] = t }
            var m = layer.fc1(layer.finalNorm(x)) // (T, ffn)
            Activation.gelu.apply(&m)
            x.add(layer.fc2(m))
        }
        return (norm(x), scores)
    }

    /// Logits (T, V) of hidden states (T, d).
    public func logits(_ hidden: Tensor) -> Tensor { hidden.linear(weight: projection) }

    /// Logits of one row of hidden states as an array.
    func logitsRow(_ hidden: Tensor, row: Int) -> [Float] {
        logits(hidden.slice(axis: 0, start: row, end: row + 1)).array
    }
}
