// Whisper audio encoder (transformers WhisperEncoder = openai-whisper model.py AudioEncoder):
// conv1 (n_mels → d, k 3, pad 1) → GELU → conv2 (d → d, k 3, stride 2, pad 1) → GELU → (T, d)
// + embed_positions (the sinusoids, stored in the checkpoint) → pre-LN transformer layers → layer_norm.
// The input must be exactly 2 × max_source_positions mel frames (3000 = 30 s), as the original asserts.
import Neural
import Tensors

struct WhisperEncoderLayer: Sendable {
    let selfAttnNorm: LayerNorm
    let selfAttn: WhisperAttention
    let finalNorm: LayerNorm
    let fc1: Linear
    let fc2: Linear

    init(_ scope: WeightScope, config: WhisperConfig) throws {
        let d = config.dModel
        selfAttnNorm = try LayerNorm(scope.scope("self_attn_layer_norm"), dim: d)
        selfAttn = try WhisperAttention(scope.scope("self_attn"), dim: d, heads: config.encoderAttentionHeads)
        finalNorm = try LayerNorm(scope.scope("final_layer_norm"), dim: d)
        fc1 = try Linear(scope.scope("fc1"), inFeatures: d, outFeatures: config.encoderFFNDim)
        fc2 = try Linear(scope.scope("fc2"), inFeatures: config.encoderFFNDim, outFeatures: d)
    }

    /// x (T, d) → (T, d)
    func callAsFunction(_ x: Tensor) -> Tensor {
        var h = x
        h.add(selfAttn(selfAttnNorm(h)))
        var m = fc1(finalNorm(h)) // (T, ffn)
        Activation.gelu.apply(&m)
        h.add(fc2(m))
        return h
    }
}

public struct WhisperEncoder: Sendable {
    public let config: WhisperConfig
    let conv1: Conv1d
    let conv2: Conv1d
    let positions: Tensor // (max_source_positions, d)
    let layers: [WhisperEncoderLayer]
    let norm: LayerNorm

    init(_ scope: WeightScope, config: WhisperConfig) throws {
        self.config = config
        let d = config.dModel
        conv1 = try Conv1d(scope.scope("conv1"), inChannels: config.numMelBins, outChannels: d, kernelSize: 3,
                           spec: Conv1dSpec(padding: 1))
        conv2 = try Conv1d(scope.scope("conv2"), inChannels: d, outChannels: d, kernelSize: 3,
                           spec: Conv1dSpec(stride: 2, padding: 1))
        positions = try scope.scope("embed_positions").tensor("weight", shape: [config.maxSourcePositions, d])
        layers = try (0..<config.encoderLayers).map { try WhisperEncoderLayer(scope.scope("layers.\($0)"), config: config) }
        norm = try LayerNorm(scope.scope("layer_norm"), dim: d)
    }

    /// mel (n_mels, 3000) → audio features (1500, d).
    public func callAsFunction(_ mel: Tensor) throws -> Tensor {
        guard mel.shape == [config.numMelBins, config.melFrames] else {
            throw WhisperError.shape(what: "encoder input mel", expected: [config.numMelBins, config.melFrames], found: mel.shape)
        }
        var h = conv1(mel.reshaped([1, config.numMelBins, config.melFrames])) // (1, d, 3000)
        Activation.gelu.apply(&h)
        h = conv2(h) // (1, d, 1500)
        Activation.gelu.apply(&h)
        var x = h.reshaped([config.dModel, config.maxSourcePositions]).transposed(0, 1) // (1500, d)
        x.add(positions)
        for layer in layers { x = layer(x) }
        return norm(x) // (1500, d)
    }
}
