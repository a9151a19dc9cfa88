// gpt_fast Transformer as the DiT builds it (ModelArgs(block_size 16384, n_layer depth, n_head, dim,
// head_dim dim/n_head, uvit_skip_connection)), non-causal, then the final AdaLN norm:
//   layers i < depth/2 push their outputs on a stack; layers i > depth/2 pop one and merge it first
//   (LIFO: with depth 13, 7←5, 8←4, …, 12←0; the middle layer neither pushes nor pops).
// Keys: layers.i.*, norm.{project_layer.*, norm.weight}.
import Neural
import Tensors

struct DiTTransformer: Sendable {
    var blocks: [DiTBlock]
    let norm: AdaptiveRMSNorm
    let uvitSkip: Bool
    let headDim: Int
    let ropeBase: Float
    let maxLength: Int

    init(_ scope: WeightScope, config: S2MelConfig) throws {
        let a = config.architecture, d = config.dit.hiddenDim
        let inter = a.intermediateSize(dim: d)
        blocks = try (0..<config.dit.depth).map { i in
            try DiTBlock(scope.scope("layers.\(i)"), dim: d, heads: config.dit.numHeads, intermediate: inter,
                         eps: a.normEps, uvitSkip: config.dit.uvitSkipConnection)
        }
        norm = try AdaptiveRMSNorm(scope.scope("norm"), dim: d, eps: a.normEps)
        uvitSkip = config.dit.uvitSkipConnection
        headDim = config.headDim
        ropeBase = a.ropeBase
        maxLength = a.blockSize
    }

    var depth: Int { blocks.count }

    /// x (B, T, D), time embedding c (B, D) → (B, T, D)
    func callAsFunction(_ x: Tensor, time c: Tensor) throws -> Tensor {
        let t = x.shape[1]
        guard t <= maxLength else {
            throw S2MelError.badInput(name: "DiT sequence", expected: "at most \(maxLength) frames (RoPE table of block_size)", got: x.shape)
        }
        let rope = DiTRoPE(length: t, headDim: headDim, base: ropeBase)
        var skips: [Tensor] = []
        var h = x
        for (i, block) in blocks.enumerated() {
            let receives = uvitSkip && i > depth / 2
            let skip = receives ? skips.popLast() : nil
            h = try block(h, modulations: block.modulations(c), rope: rope, skip: skip) // (B, T, D)
            if uvitSkip && i < depth / 2 { skips.append(h) }
        }
        return norm(h, modulation: norm.modulation(c)) // (B, T, D)
    }
}
