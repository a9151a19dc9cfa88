// Small fused kernels for the DiT hot loop (CFM runs the estimator 25× per segment):
//   * a SIMD exp (Cephes-style range reduction + degree-6 polynomial, ≈1 ulp on the softmax range) and the
//     row softmax built on it (max-subtracted, like torch's);
//   * SwiGLU gating silu(a) ⊙ b over the fused [w1 x ‖ w3 x] product;
//   * WaveNet gating tanh(a + g) ⊙ sigmoid(b + g').
// Every output element is computed by exactly one worker in a fixed order, so results do not depend on the
// thread count.
import Foundation
import Tensors

enum DiTKernels {
    typealias V = SIMD8<Float>

    @inline(__always)
    static func exp(_ v: V) -> V {
        let x0 = v.replacing(with: V(repeating: -87.3), where: v .< V(repeating: -87.3))
        let x1 = x0.replacing(with: V(repeating: 88.3), where: x0 .> V(repeating: 88.3))
        let fx = (x1 * V(repeating: 1.442_695_040_888_963_4)).rounded(.toNearestOrEven)
        var x = x1 - fx * V(repeating: 0.693_359_375)
        x = x - fx * V(repeating: -2.121_944_400_546_905_8e-4)
        let z = x * x
        var y = V(repeating: 1.987_569_150_0e-4)
        y = y * x + V(repeating: 1.398_199_950_7e-3)
        y = y * x + V(repeating: 8.333_451_907_3e-3)
        y = y * x + V(repeating: 4.166_579_589_4e-2)
        y = y * x + V(repeating: 1.666_666_545_9e-1)
        y = y * x + V(repeating: 5.000_000_120_1e-1)
        y = y * z + x + V(repeating: 1)
        let n = SIMD8<Int32>(fx, rounding: .toNearestOrEven) &+ 127
        let scale = unsafeBitCast(n &<< 23, to: V.self)
        return y * scale
    }

    @inline(__always)
    static func exp(_ x: Float) -> Float { exp(V(repeating: x))[0] }

    /// In-place softmax of one row of n values (all finite).
    static func softmaxRow(_ p: UnsafeMutablePointer<Float>, _ n: Int) {
        let vecEnd = n & ~7
        var mv = V(repeating: -.infinity)
        var j = 0
        let raw = UnsafeMutableRawPointer(p)
        while j < vecEnd { mv = pointwiseMax(mv, raw.loadUnaligned(fromByteOffset: j * 4, as: V.self)); j += 8 }
        var m = mv.max()
        while j < n { m = Swift.max(m, p[j]); j += 1 }
        let mm = V(repeating: m)
        var sv = V(repeating: 0)
        j = 0
        while j < vecEnd {
            let e = exp(raw.loadUnaligned(fromByteOffset: j * 4, as: V.self) - mm)
            raw.storeBytes(of: e, toByteOffset: j * 4, as: V.self)
            sv += e
            j += 8
        }
        var s = sv.sum()
        while j < n { let e = exp(p[j] - m); p[j] = e; s += e; j += 1 }
        let inv = 1 / s
        let iv = V(repeating: inv)
        j = 0
        while j < vecEnd {
            raw.storeBytes(of: raw.loadUnaligned(fromByteOffset: j * 4, as: V.self) * iv, toByteOffset: j * 4, as: V.self)
            j += 8
        }
        while j < n { p[j] *= inv; j += 1 }
    }

    @inline(__always) static func sigmoid(_ x: Float) -> Float { 1 / (1 + Foundation.exp(-x)) }

    /// rows × [a (n) ‖ b (n)] → rows × (silu(a) ⊙ b)
    static func swiGLU(_ ab: Tensor, rows: Int, width n: Int) -> Tensor {
        var out = Tensor(zeros: [rows, n]) // (M, I)
        let src = ab.pointer
        out.withUnsafeMutableBufferPointer { ob in
            let o = ob.baseAddress!
            Tensors.parallelFor(rows, minChunk: 8) { r in
                for row in r {
                    let a = src + row * 2 * n, b = a + n, y = o + row * n
                    let ar = UnsafeRawPointer(a), br = UnsafeRawPointer(b), yr = UnsafeMutableRawPointer(y)
                    var j = 0
                    while j + 8 <= n {
                        let av = ar.loadUnaligned(fromByteOffset: j * 4, as: V.self)
                        let bv = br.loadUnaligned(fromByteOffset: j * 4, as: V.self)
                        yr.storeBytes(of: av / (V(repeating: 1) + exp(-av)) * bv, toByteOffset: j * 4, as: V.self)
                        j += 8
                    }
                    while j < n { y[j] = (a[j] / (1 + exp(-a[j]))) * b[j]; j += 1 }
                }
            }
        }
        return out
    }
}
