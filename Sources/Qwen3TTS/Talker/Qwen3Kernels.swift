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
    static func rmsNorm(_ x: UnsafePointer<Float>, rows: Int, width: Int, stride: Int? = nil, weight: UnsafePointer<Float>,
                        eps: Float, out: UnsafeMutablePointer<Float>) {
        let st = stride ?? width
        for r in 0..<rows {
            let xr = x + r * st, yr = out + r * st
            var s = 0.0
            for j in 0..<width { s += Double(xr[j]) * Double(xr[j]) }
            let variance = Float(s / Double(width))
            let rstd = 1 / (variance + eps).squareRoot()
            for j in 0..<width { yr[j] = weight[j] * (xr[j] * rstd) }
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
    static func gatedActivation(_ gu: UnsafePointer<Float>, rows: Int, intermediate n: Int, activation: Activation,
                                out: UnsafeMutablePointer<Float>) {
        if activation == .silu {
            for r in 0..<rows {
                let g = gu + r * 2 * n, y = out + r * n
                for i in 0..<n { y[i] = (g[i] / (1 + expf(-g[i]))) * g[n + i] }
            }
        } else {
            for r in 0..<rows {
                let g = gu + r * 2 * n, y = out + r * n
                for i in 0..<n { y[i] = activation.scalar(g[i]) * g[n + i] }
            }
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
