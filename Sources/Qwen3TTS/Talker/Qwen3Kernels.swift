// Pointer kernels of the Qwen3 decoder step, allocation-free, written to follow the PyTorch float32 ops:
//   RMSNorm  y = w · (x · rsqrt(mean(x²) + eps))   (Qwen3TTSRMSNorm; mean accumulated in Double)
//   RoPE     rotate-half: (x1, x2) → (x1·cos − x2·sin, x2·cos + x1·sin), pairs (i, i + d/2)
//   SwiGLU   act(gate) · up
import Foundation
import Neural
import Tensors

enum Qwen3Kernels {
    /// RMSNorm of `rows` rows of `width` values (row stride `stride`, default `width`) into `out`
    /// (same layout; may alias `x`).
    /// Rows are independent (each is computed by the same loop whichever thread runs it), so batched rows of the
    /// hidden width go to the workers: a batch-8 step would otherwise run them on one thread while the others wait.
    static func rmsNorm(_ x: UnsafePointer<Float>, rows: Int, width: Int, stride: Int? = nil, weight: UnsafePointer<Float>,
                        eps: Float, out: UnsafeMutablePointer<Float>) {
        let st = stride ?? width
        let norm: (Range<Int>) -> Void = { range in
            for r in range {
                let xr = x + r * st, yr = out + r * st
                var s = 0.0
                for j in 0..<width { s += Double(xr[j]) * Double(xr[j]) }
                let variance = Float(s / Double(width))
                let rstd = 1 / (variance + eps).squareRoot()
                for j in 0..<width { yr[j] = weight[j] * (xr[j] * rstd) }
            }
        }
        if rows >= 4 && width >= 512 {
            Tensors.parallelFor(rows, minChunk: 2, norm)
        } else {
            norm(0..<rows)
        }
    }

    /// cos / sin of position · inv_freq for `count` consecutive positions from `start`: (count, half) each.
    static func ropeTables(start: Int, count: Int, invFreq: [Float], cos c: UnsafeMutablePointer<Float>,
                           sin s: UnsafeMutablePointer<Float>) {
        let half = invFreq.count
        for t in 0..<count {
            let p = Float(start + t)
            for i in 0..<half {
                let a = p * invFreq[i]
                c[t * half + i] = cosf(a)
                s[t * half + i] = sinf(a)
            }
        }
    }

    /// Rotate-half RoPE of one head vector of 2·half values, in place.
    @inline(__always)
    static func rope(_ x: UnsafeMutablePointer<Float>, cos c: UnsafePointer<Float>, sin s: UnsafePointer<Float>, half: Int) {
        for i in 0..<half {
            let x1 = x[i], x2 = x[i + half]
            x[i] = x1 * c[i] - x2 * s[i]
            x[i + half] = x2 * c[i] + x1 * s[i]
        }
    }

    /// out[r, i] = act(gu[r, i]) · gu[r, I + i] for a fused (rows, 2I) gate|up block.
    /// Element-wise, so from 2 rows on the rows go to the workers (one scalar expf per element: ≈ 4 ms of a batch-8
    /// frame's CPU time on one thread otherwise); each element's value does not depend on which thread computes it.
    static func gatedActivation(_ gu: UnsafePointer<Float>, rows: Int, intermediate n: Int, activation: Activation,
                                out: UnsafeMutablePointer<Float>) {
        let apply: (Range<Int>) -> Void = { range in
            if activation == .silu {
                for r in range {
                    let g = gu + r * 2 * n, y = out + r * n
                    for i in 0..<n { y[i] = (g[i] / (1 + expf(-g[i]))) * g[n + i] }
                }
            } else {
                for r in range {
                    let g = gu + r * 2 * n, y = out + r * n
                    for i in 0..<n { y[i] = activation.scalar(g[i]) * g[n + i] }
                }
            }
        }
        if rows >= 2 && n >= 512 {
            Tensors.parallelFor(rows, apply)
        } else {
            apply(0..<rows)
        }
    }

    /// y (rows, n) = bias (broadcast) or 0, then += x (rows, k) · Wᵀ with W (n, k).
    static func linear(_ x: UnsafePointer<Float>, rows: Int, weight: Tensor, bias: Tensor?, out: UnsafeMutablePointer<Float>,
                       accumulate: Bool = false) {
        let n = weight.shape[0], k = weight.shape[1]
        if let b = bias {
            if accumulate {
                for r in 0..<rows { for j in 0..<n { out[r * n + j] += b.pointer[j] } }
            } else {
                for r in 0..<rows { (out + r * n).update(from: b.pointer, count: n) }
            }
        }
        LinearKernel.product(m: rows, n: n, k: k, x: x, w: weight.pointer, y: out, accumulate: accumulate || bias != nil,
                             strategy: LinearKernel.smallMStrategy)
    }
}
