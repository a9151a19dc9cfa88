// gpt_fast AdaptiveLayerNorm around RMSNorm (indextts/s2mel/modules/gpt_fast/model.py), as the DiT uses it:
//   [w ‖ b] = project_layer(c)  (Linear D → 2D; first half w, second half b)
//   y = w ⊙ (RMSNorm(x) ⊙ g) + b,   RMSNorm(x) = x · rsqrt(mean(x²) + eps), eps 1e-5, float32
// No "1 + scale" here (unlike the FinalLayer). c is the time embedding t1, one row per batch element,
// broadcast over time. Keys: project_layer.{weight,bias}, norm.weight.
import Neural
import Tensors

struct AdaptiveRMSNorm: Sendable {
    let project: Linear
    let gain: Tensor // (D)
    let eps: Float

    init(_ scope: WeightScope, dim: Int, eps: Float) throws {
        project = try Linear(scope.scope("project_layer"), inFeatures: dim, outFeatures: 2 * dim)
        gain = try scope.scope("norm").tensor("weight", shape: [dim])
        self.eps = eps
    }

    var dim: Int { gain.count }

    /// c (B, D) → [w ‖ b] (B, 2D); depends only on the time embedding, so computed once per call.
    func modulation(_ c: Tensor) -> Tensor { project(c) }

    /// x (B, T, D) with modulation (B, 2D) → (B, T, D)
    func callAsFunction(_ x: Tensor, modulation: Tensor) -> Tensor {
        let (bsz, t, d) = (x.shape[0], x.shape[1], x.shape[2])
        precondition(d == dim && modulation.shape == [bsz, 2 * d], "AdaptiveRMSNorm: x \(x.shape), modulation \(modulation.shape)")
        var out = Tensor(zeros: x.shape) // (B, T, D)
        let src = x.pointer, g = gain.pointer, m = modulation.pointer, eps = self.eps
        out.withUnsafeMutableBufferPointer { ob in
            let o = ob.baseAddress!
            Tensors.parallelFor(bsz * t, minChunk: 16) { rows in
                for row in rows {
                    let xr = src + row * d, yr = o + row * d
                    let w = m + (row / t) * 2 * d, b = w + d
                    var s: Float = 0
                    for j in 0..<d { s += xr[j] * xr[j] }
                    let rstd = 1 / (s / Float(d) + eps).squareRoot()
                    for j in 0..<d { yr[j] = w[j] * ((xr[j] * rstd) * g[j]) + b[j] }
                }
            }
        }
        return out
    }
}
