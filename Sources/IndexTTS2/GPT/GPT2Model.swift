// The GPT-2 backbone as UnifiedVoice uses it — transformers 4.52.1 GPT2Model driven by inputs_embeds:
// wte is unused (deleted / aliased to mel_embedding) and wpe replaced by a function returning zeros
// (`null_position_embeddings`), so the input embeddings go straight into the blocks; every position
// attends causally to all earlier ones (no padding in batch-1 inference). ln_f follows the last block.
// Keys: gpt.h.<i>.*, gpt.ln_f.{weight,bias}.
import Foundation
import Neural
import Tensors

public final class GPT2Model: @unchecked Sendable {
    public let shape: GPT2Shape
    public let kernel: Conv1DKernel
    let blocks: [GPT2Block]
    let lnFWeight: Tensor, lnFBias: Tensor
    /// `--precision fast`: the reduced kernel of the decode-step projections (GPTPrecision); nil in exact mode.
    public let fastKernel: ReducedKernel?

    /// Loads `h.0…h.<layers−1>` and `ln_f` from `scope` (e.g. the "gpt" scope of gpt.pth). The MLP width
    /// comes from `h.0.mlp.c_fc.weight`.
    public init(_ scope: WeightScope, hidden: Int, heads: Int, layers: Int, eps: Float = 1e-5,
                kernel: Conv1DKernel = .decodeDefault) throws {
        guard heads > 0, hidden % heads == 0 else {
            throw GPTError.badConfig("hidden size \(hidden) is not divisible by the \(heads) attention heads")
        }
        guard let fcShape = scope.shape(of: "h.0.mlp.c_fc.weight"), fcShape.count == 2, fcShape[0] == hidden else {
            throw GPTError.badConfig("expected \(scope.key("h.0.mlp.c_fc.weight")) of shape (\(hidden), inner), found "
                + "\(scope.shape(of: "h.0.mlp.c_fc.weight").map { "\($0)" } ?? "nothing")")
        }
        shape = GPT2Shape(hidden: hidden, heads: heads, layers: layers, inner: fcShape[1], eps: eps)
        self.kernel = kernel
        let s = shape
        blocks = try (0..<layers).map { try GPT2Block(scope.scope("h.\($0)"), shape: s, kernel: kernel) }
        lnFWeight = try scope.scope("ln_f").tensor("weight", shape: [hidden])
        lnFBias = try scope.scope("ln_f").tensor("bias", shape: [hidden])
        fastKernel = nil
    }

    /// A model over already-loaded parts (GPT2Model.reduced).
    init(shape: GPT2Shape, kernel: Conv1DKernel, blocks: [GPT2Block], lnFWeight: Tensor, lnFBias: Tensor,
         fastKernel: ReducedKernel?) {
        self.shape = shape
        self.kernel = kernel
        self.blocks = blocks
        self.lnFWeight = lnFWeight
        self.lnFBias = lnFBias
        self.fastKernel = fastKernel
    }

    public func makeState(batch: Int, capacity: Int) -> GPT2State { GPT2State(shape: shape, batch: batch, capacity: capacity) }

    /// Runs `rows` new positions of `sequences` sequences (sequence-major rows of `x`, (sequences·rows, hidden))
    /// through every block, in place: on return `x` holds the last block's output (before ln_f).
    /// `sequences` is 1 for a shared prefix (all beams identical so far) or `state.batch`.
    public func forward(_ x: UnsafeMutablePointer<Float>, sequences: Int, rows: Int, state: GPT2State) throws {
        guard sequences == 1 || sequences == state.batch else {
            throw GPTError.badInput("a GPT-2 call carries 1 or \(state.batch) sequences, got \(sequences)")
        }
        guard state.shape == shape else { throw GPTError.badInput("the state was made for another GPT-2 shape") }
        try state.checkCapacity(rows)
        let shared = state.writesShared(sequences: sequences)
        if !shared && sequences != state.batch {
            throw GPTError.badInput("a shared-prefix call (1 sequence) after the beams diverged")
        }
        state.reserve(rows: sequences * rows, keys: state.length + rows)
        if !shared { state.prepareGather(rows: rows) }
        for (i, block) in blocks.enumerated() {
            block.forward(x, sequences: sequences, rows: rows, layer: i, shared: shared, state: state)
        }
        state.commit(sequences: sequences, rows: rows)
    }

    /// ln_f over `rows` rows of `x` into `out` (may alias).
    public func finalLayerNorm(_ x: UnsafePointer<Float>, rows: Int, out: UnsafeMutablePointer<Float>) {
        GPT2Kernels.layerNorm(x, rows: rows, width: shape.hidden, weight: lnFWeight.pointer, bias: lnFBias.pointer,
                              eps: shape.eps, out: out)
    }

    /// Tensor convenience: x (rows, hidden) for one sequence → ln_f(GPT-2(x)) (rows, hidden).
    public func callAsFunction(_ x: Tensor, state: GPT2State) throws -> Tensor {
        guard x.rank == 2, x.shape[1] == shape.hidden else {
            throw GPTError.badInput("expected (rows, \(shape.hidden)) embeddings, got \(x.shape)")
        }
        var h = x
        try h.withUnsafeMutableBufferPointer { p in
            try forward(p.baseAddress!, sequences: 1, rows: x.shape[0], state: state)
            finalLayerNorm(p.baseAddress!, rows: x.shape[0], out: p.baseAddress!)
        }
        return h
    }
}
