// Pointer kernels of the GPT-2 step, allocation-free, following the PyTorch float32 ops:
//   LayerNorm  y = (x − mean) · rsqrt(var + eps) · w + b   (biased variance; statistics in Double)
//   gelu_new   0.5·x·(1 + tanh(√(2/π)·(x + 0.044715·x³)))  (transformers NewGELUActivation)
import Foundation
import Tensors

/// Sizes of the GPT-2 backbone (transformers GPT2Config as build_hf_gpt_transformer fills it).
public struct GPT2Shape: Sendable, Equatable {
    public var hidden: Int
    public var heads: Int
    public var layers: Int
    /// MLP width (n_inner; 4·hidden unless the checkpoint says otherwise).
    public var inner: Int
    public var eps: Float

    public init(hidden: Int, heads: Int, layers: Int, inner: Int, eps: Float = 1e-5) {
        self.hidden = hidden
        self.heads = heads
        self.layers = layers
        self.inner = inner
        self.eps = eps
    }

    public var headDim: Int { hidden / heads }

    /// Weight floats streamed per decode step by the blocks (c_attn, c_proj, c_fc, mlp.c_proj).
    public var blockWeightCount: Int { layers * (hidden * 3 * hidden + hidden * hidden + 2 * hidden * inner) }
}

enum GPT2Kernels {
    /// LayerNorm of `rows` rows of `width` values into `out` (may alias `x`).
    static func layerNorm(_ x: UnsafePointer<Float>, rows: Int, width: Int, weight: UnsafePointer<Float>,
                          bias: UnsafePointer<Float>, eps: Float, out: UnsafeMutablePointer<Float>) {
        Tensors.parallelFor(rows, minChunk: max(1, 16384 / max(width, 1))) { range in
            for r in range { layerNormRow(x, r, width: width, weight: weight, bias: bias, eps: eps, out: out) }
        }
    }

    @inline(__always)
    private static func layerNormRow(_ x: UnsafePointer<Float>, _ r: Int, width: Int, weight: UnsafePointer<Float>,
                                     bias: UnsafePointer<Float>, eps: Float, out: UnsafeMutablePointer<Float>) {
        let xr = x + r * width, yr = out + r * width
        var s = 0.0
        for j in 0..<width { s += Double(xr[j]) }
        let mean = s / Double(width)
        var v = 0.0
        for j in 0..<width { let d = Double(xr[j]) - mean; v += d * d }
        let m = Float(mean), rstd = Float(1 / (v / Double(width) + Double(eps)).squareRoot())
        for j in 0..<width { yr[j] = (xr[j] - m) * rstd * weight[j] + bias[j] }
    }

    /// gelu_new in place over `count` values, split over the workers from 2 × 2048 values (one decode row's 4H
    /// = 5120 at the released size: ≈ 20 µs of expf per chunk, well above the pool's dispatch); each value is computed
    /// alone, so the split never changes a bit. With e = exp(2u),
    /// 0.5·x·(1 + tanh u) = x·e/(e + 1) = x − x/(e + 1): one expf instead of tanhf, exact at e = 0 and e = ∞.
    static func geluNew(_ x: UnsafeMutablePointer<Float>, count: Int) {
        Tensors.parallelFor(count, minChunk: 2048) { range in
            let c: Float = 2 * 0.797_884_560_802_865_4 // 2·√(2/π)
            for i in range {
                let v = x[i]
                let e = expf(c * (v + 0.044_715 * (v * v * v)))
                x[i] = v - v / (e + 1)
            }
        }
    }

    /// Dot product of two `n`-vectors, SIMD8 lanes (n a multiple of 8) plus a scalar tail.
    @inline(__always)
    static func dot(_ a: UnsafePointer<Float>, _ b: UnsafePointer<Float>, _ n: Int) -> Float {
        var acc = SIMD8<Float>(repeating: 0)
        var j = 0
        while j + 8 <= n {
            let va = UnsafeRawPointer(a + j).loadUnaligned(as: SIMD8<Float>.self)
            let vb = UnsafeRawPointer(b + j).loadUnaligned(as: SIMD8<Float>.self)
            acc += va * vb
            j += 8
        }
        var s = acc.sum()
        while j < n { s += a[j] * b[j]; j += 1 }
        return s
    }

    /// y[0..<n] += a · x[0..<n].
    @inline(__always)
    static func axpy(_ a: Float, _ x: UnsafePointer<Float>, _ y: UnsafeMutablePointer<Float>, _ n: Int) {
        let va = SIMD8<Float>(repeating: a)
        var j = 0
        while j + 8 <= n {
            let vx = UnsafeRawPointer(x + j).loadUnaligned(as: SIMD8<Float>.self)
            let vy = UnsafeRawPointer(y + j).loadUnaligned(as: SIMD8<Float>.self)
            UnsafeMutableRawPointer(y + j).storeBytes(of: vy + va * vx, as: SIMD8<Float>.self)
            j += 8
        }
        while j < n { y[j] += a * x[j]; j += 1 }
    }
}
