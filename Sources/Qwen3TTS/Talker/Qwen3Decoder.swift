// A stack of Qwen3 decoder layers plus the final RMSNorm — Qwen3TTSTalkerModel / Qwen3TTSTalkerCodePredictorModel
// without their embeddings (both are fed inputs_embeds). RoPE inv_freq = 1 / θ^(2i/head_dim) in Float32 as HF's
// default rope init; positions continue from the state's cache length.
import Foundation
import Neural
import Tensors

public struct Qwen3Decoder: Sendable {
    public let shape: Qwen3DecoderShape
    public private(set) var layers: [Qwen3DecoderLayer]
    let norm: Tensor // (hidden)
    let invFreq: [Float]

    /// Loads `layers.{0..<n}` and `norm` from `scope` (e.g. "talker.model").
    public init(_ scope: WeightScope, shape: Qwen3DecoderShape) throws {
        self.shape = shape
        layers = try (0..<shape.layers).map { try Qwen3DecoderLayer(scope.scope("layers.\($0)"), shape: shape) }
        norm = try scope.scope("norm").tensor("weight", shape: [shape.hidden])
        invFreq = RotaryEmbedding(rotaryDim: shape.headDim, base: Float(shape.ropeTheta), layout: .rotateHalf).invFreq
    }

    /// This decoder with every layer's decode-step projections converted for `kernel` (nil: exact).
    func reduced(to kernel: ReducedKernel?) -> Qwen3Decoder {
        var d = self
        d.layers = layers.map { $0.reduced(to: kernel) }
        return d
    }

    /// A fresh cache + scratch for one sequence of up to `capacity` positions.
    public func makeState(capacity: Int) -> Qwen3DecoderState { Qwen3DecoderState(shape: shape, capacity: capacity) }

    /// Runs `rows` input rows (rows, hidden) at positions state.length..<state.length+rows and writes the
    /// final-normed hidden states (rows, hidden) to `output` (may alias `input`).
    public func forward(_ input: UnsafePointer<Float>, rows: Int, state: Qwen3DecoderState,
                        output: UnsafeMutablePointer<Float>) throws {
        guard state.shape == shape else {
            throw Qwen3TTSError.config("decoder state was made for another decoder shape")
        }
        let start = state.length
        guard start + rows <= state.capacity else {
            throw Qwen3TTSError.cacheOverflow(capacity: state.capacity, needed: start + rows)
        }
        guard rows > 0 else { return }
        state.reserveRows(rows)
        let x = state.residual.pointer
        x.update(from: input, count: rows * shape.hidden)
        Qwen3Kernels.ropeTables(start: start, count: rows, invFreq: invFreq, cos: state.cos.pointer, sin: state.sin.pointer)
        for (i, layer) in layers.enumerated() {
            layer.forward(x, rows: rows, start: start, index: i, state: state)
        }
        state.advance(by: rows)
        Qwen3Kernels.rmsNorm(x, rows: rows, width: shape.hidden, weight: norm.pointer, eps: shape.eps, out: output)
    }

    /// Tensor form: x (rows, hidden) → final-normed hidden (rows, hidden).
    public func forward(_ x: Tensor, state: Qwen3DecoderState) throws -> Tensor {
        guard x.rank == 2, x.shape[1] == shape.hidden else {
            throw Qwen3TTSError.shape(what: "decoder input", expected: [-1, shape.hidden], found: x.shape)
        }
        var out = Tensor(zeros: x.shape) // (rows, hidden)
        try out.withUnsafeMutableBufferPointer { ob in
            try forward(x.pointer, rows: x.shape[0], state: state, output: ob.baseAddress!)
        }
        return out
    }
}
