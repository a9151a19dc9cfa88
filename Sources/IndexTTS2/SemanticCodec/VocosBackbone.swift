// Vocos backbone of the MaskGCT semantic codec encoder (indextts/utils/maskgct/models/codec/kmeans/vocos.py
// `VocosBackbone` and `ConvNeXtBlock`, no AdaLayerNorm):
//   embed Conv1d(Cin → D, k 7, zero pad 3, bias) → LayerNorm(D, eps 1e-6) over channels
//   → N ConvNeXt blocks → final_layer_norm (eps 1e-6); returns (B, T, D).
// ConvNeXt block on x (B, D, T): depthwise Conv1d(D, k 7, pad 3, groups D, bias) → (B, T, D) → LayerNorm eps 1e-6
//   → pwconv1 Linear(D → I) → GELU (exact erf) → pwconv2 Linear(I → D) → ×gamma (layer scale, always present:
//   the backbone passes 1/num_layers) → (B, D, T) → + x.
import Neural
import Tensors

struct ConvNeXtBlock: Sendable {
    let dwconv: Conv1d
    let norm: LayerNorm
    let pwconv1: Linear
    let pwconv2: Linear
    let gamma: Tensor // (D)

    init(_ scope: WeightScope, dim: Int, intermediateDim: Int) throws {
        dwconv = try Conv1d(scope.scope("dwconv"), inChannels: dim, outChannels: dim, kernelSize: 7,
                            spec: Conv1dSpec(padding: 3, groups: dim))
        norm = try LayerNorm(scope.scope("norm"), dim: dim, eps: 1e-6)
        pwconv1 = try Linear(scope.scope("pwconv1"), inFeatures: dim, outFeatures: intermediateDim)
        pwconv2 = try Linear(scope.scope("pwconv2"), inFeatures: intermediateDim, outFeatures: dim)
        gamma = try scope.tensor("gamma", shape: [dim])
    }

    /// x (B, D, T) → (B, D, T)
    func callAsFunction(_ x: Tensor) -> Tensor {
        var h = norm(dwconv(x).transposed(1, 2)) // (B, T, D)
        h = pwconv1(h) // (B, T, I)
        Activation.gelu.apply(&h)
        h = pwconv2(h) * gamma // (B, T, D)
        var out = h.transposed(1, 2) // (B, D, T)
        out.add(x)
        return out
    }
}

struct VocosBackbone: Sendable {
    let embed: Conv1d
    let norm: LayerNorm
    let blocks: [ConvNeXtBlock]
    let finalNorm: LayerNorm

    init(_ scope: WeightScope, inputChannels: Int, dim: Int, intermediateDim: Int, numLayers: Int) throws {
        embed = try Conv1d(scope.scope("embed"), inChannels: inputChannels, outChannels: dim, kernelSize: 7,
                           spec: Conv1dSpec(padding: 3))
        norm = try LayerNorm(scope.scope("norm"), dim: dim, eps: 1e-6)
        blocks = try (0..<numLayers).map {
            try ConvNeXtBlock(scope.scope("convnext.\($0)"), dim: dim, intermediateDim: intermediateDim)
        }
        finalNorm = try LayerNorm(scope.scope("final_layer_norm"), dim: dim, eps: 1e-6)
    }

    /// x (B, Cin, T) → (B, T, D)
    func callAsFunction(_ x: Tensor) -> Tensor {
        var h = norm(embed(x).transposed(1, 2)).transposed(1, 2) // (B, D, T)
        for block in blocks { h = block(h) } // (B, D, T)
        return finalNorm(h.transposed(1, 2)) // (B, T, D)
    }
}
