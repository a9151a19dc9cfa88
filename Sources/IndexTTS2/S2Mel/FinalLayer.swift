// DiT FinalLayer (indextts/s2mel/modules/diffusion_transformer.py):
//   [shift ‖ scale] = adaLN_modulation(c) = Linear(SiLU(c))  (D → 2D; shift FIRST)
//   y = LayerNorm(x; no affine, eps 1e-6) · (1 + scale) + shift
//   y = linear(y)   (weight-normed Linear D → D, folded at load)
// Keys: adaLN_modulation.1.{weight,bias}, linear.{weight_g, weight_v, bias}.
import Neural
import Tensors

struct FinalLayer: Sendable {
    let modulation: Linear
    let linear: Linear
    let eps: Float

    init(_ scope: WeightScope, dim: Int, eps: Float) throws {
        modulation = try Linear(scope.scope("adaLN_modulation.1"), inFeatures: dim, outFeatures: 2 * dim)
        let ls = scope.scope("linear")
        linear = Linear(weight: try ls.weightNormed("weight", shape: [dim, dim]), bias: try ls.tensor("bias", shape: [dim]))
        self.eps = eps
    }

    /// x (B, T, D), time embedding c (B, D) → (B, T, D); `fastLinear`: `linear` as a oneDNN matmul (f32 or bf16).
    func callAsFunction(_ x: Tensor, time c: Tensor, fastLinear: DNNLMatmul?) throws -> Tensor {
        let y = modulated(x, time: c) // (B, T, D)
        return try fastLinear?(y) ?? linear(y) // (B, T, D)
    }

    /// LayerNorm(x) · (1 + scale) + shift, (B, T, D)
    func modulated(_ x: Tensor, time c: Tensor) -> Tensor {
        let (bsz, t, d) = (x.shape[0], x.shape[1], x.shape[2])
        let m = modulation(Activation.silu(c)) // (B, 2D): shift, scale
        let normed = x.layerNorm(weight: nil, bias: nil, eps: eps) // (B, T, D)
        var y = Tensor(zeros: x.shape)
        let np = normed.pointer, mp = m.pointer
        y.withUnsafeMutableBufferPointer { yb in
            let o = yb.baseAddress!
            Tensors.parallelFor(bsz * t, minChunk: 32) { rows in
                for row in rows {
                    let shift = mp + (row / t) * 2 * d, scale = shift + d
                    let xr = np + row * d, yr = o + row * d
                    for j in 0..<d { yr[j] = xr[j] * (1 + scale[j]) + shift[j] }
                }
            }
        }
        return y
    }
}
