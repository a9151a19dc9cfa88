// InterpolateRegulator (indextts/s2mel/modules/length_regulator.py), continuous input, eval mode:
//   x (B, T_in, in) → content_in_proj (Linear in → C) → (B, C, T_in) → F.interpolate(size = T_out, 'nearest')
//   → per sampling ratio: Conv1d(C, C, k3, pad 1) → GroupNorm(1 group, eps 1e-5) → Mish
//   → Conv1d(C, C, k1) → (B, T_out, C) × sequence mask (all ones for one target length per batch).
// Nearest interpolation uses torch's legacy index rule floor(j · float(T_in)/float(T_out)) in float32
// (Tensor.interpolate). Keys: content_in_proj.*, model.{3i}.{weight,bias} (convs), model.{3i+1}.* (GroupNorm),
// model.{3n}.* (last conv); `embedding.weight` and `mask_token` belong to the discrete path and are unused.
import Neural
import Tensors

public struct LengthRegulator: Sendable {
    struct Block: Sendable {
        let conv: Conv1d
        let norm: GroupNorm
    }

    let inProjection: Linear
    let blocks: [Block]
    let outConv: Conv1d

    /// Keys the original module holds but inference never reads (discrete-content path).
    static let unusedKeys = ["embedding.weight", "mask_token"]

    init(_ scope: WeightScope, config: S2MelConfig.LengthRegulator) throws {
        let c = config.channels
        inProjection = try Linear(scope.scope("content_in_proj"), inFeatures: config.inChannels, outFeatures: c)
        blocks = try config.samplingRatios.indices.map { i in
            Block(conv: try Conv1d(scope.scope("model.\(3 * i)"), inChannels: c, outChannels: c, kernelSize: 3,
                                   spec: Conv1dSpec(padding: 1)),
                  norm: try GroupNorm(scope.scope("model.\(3 * i + 1)"), groups: 1, channels: c, eps: 1e-5))
        }
        outConv = try Conv1d(scope.scope("model.\(3 * config.samplingRatios.count)"), inChannels: c, outChannels: c, kernelSize: 1)
        _ = try scope.tensor("embedding.weight", shape: [config.contentCodebookSize, c])
        _ = try scope.tensor("mask_token", shape: [1, c])
    }

    public var inChannels: Int { inProjection.inFeatures }
    public var channels: Int { inProjection.outFeatures }

    /// x (B, T_in, in) → (B, targetLength, C)
    public func callAsFunction(_ x: Tensor, targetLength: Int) throws -> Tensor {
        guard x.rank == 3, x.shape[2] == inChannels, x.shape[1] >= 1 else {
            throw S2MelError.badInput(name: "length regulator input", expected: "(B, T, \(inChannels))", got: x.shape)
        }
        guard targetLength >= 1 else {
            throw S2MelError.badInput(name: "length regulator target length \(targetLength)", expected: "≥ 1 frames", got: x.shape)
        }
        var h = inProjection(x).transposed(1, 2) // (B, C, T_in)
        h = h.interpolate(size: targetLength, mode: .nearest) // (B, C, T_out)
        for block in blocks {
            h = block.norm(block.conv(h)) // (B, C, T_out)
            Activation.mish.apply(&h)
        }
        return outConv(h).transposed(1, 2) // (B, T_out, C)
    }
}
