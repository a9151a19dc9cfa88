// gpt_fast FeedForward (SwiGLU, no biases): w2(silu(w1 x) ⊙ w3 x), intermediate = find_multiple(int(8·D/3), 256).
// w1 and w3 are stacked at load into one (2I, D) matrix so both products are one GEMM.
// Keys: w1.weight (I, D), w3.weight (I, D), w2.weight (D, I).
import Neural
import Tensors

struct DiTFeedForward: Sendable {
    let w13: Tensor // (2I, D): rows 0..<I = w1, I..<2I = w3
    let w2: Tensor  // (D, I)
    let intermediate: Int
    /// w13 and w2 as oneDNN matmuls: float32 (DiTF32Kernels.oneDNN: w13 only) or bf16 (DiTFastPath.bf16); nil: OpenBLAS.
    var fast13: DNNLMatmul?
    var fast2: DNNLMatmul?

    init(_ scope: WeightScope, dim: Int, intermediate: Int) throws {
        let w1 = try scope.scope("w1").tensor("weight", shape: [intermediate, dim])
        let w3 = try scope.scope("w3").tensor("weight", shape: [intermediate, dim])
        w13 = Tensor.concat([w1, w3], axis: 0)
        w2 = try scope.scope("w2").tensor("weight", shape: [dim, intermediate])
        self.intermediate = intermediate
    }

    /// x (B, T, D) → (B, T, D)
    func callAsFunction(_ x: Tensor) throws -> Tensor {
        let rows = x.count / x.shape[x.rank - 1]
        let ab = try fast13?(x) ?? x.linear(weight: w13) // (B, T, 2I)
        let gated = DiTKernels.swiGLU(ab, rows: rows, width: intermediate).reshaped(Array(x.shape.dropLast()) + [intermediate]) // (B, T, I)
        return try (fast2?(gated) ?? gated.linear(weight: w2)).reshaped(x.shape) // (B, T, D)
    }
}
