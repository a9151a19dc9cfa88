// Small fused kernels for the DiT hot loop (CFM runs the estimator 25× per segment):
//   * SwiGLU gating silu(a) ⊙ b over the fused [w1 x ‖ w3 x] product (SiLU: VectorMath, as the attention
//     softmax, which DiTAttention takes from VectorMath.softmaxRow directly);
//   * WaveNet gating tanh(a + g) ⊙ sigmoid(b + g') on a SIMD exp (Cephes-style range reduction + degree-6
//     polynomial, ≈1 ulp).
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
        // Round to nearest by adding 1.5·2²³: the float's low mantissa bits then hold n (two's complement),
        // which also gives 2ⁿ without a float → int conversion.
        let magic = V(repeating: 12_582_912)
        let shifted = x1 * V(repeating: 1.442_695_040_888_963_4) + magic
        let fx = shifted - magic
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
        let n = unsafeBitCast(shifted, to: SIMD8<UInt32>.self) &- SIMD8<UInt32>(repeating: 0x4B40_0000 - 127)
        let scale = unsafeBitCast(n &<< SIMD8<UInt32>(repeating: 23), to: V.self)
        return y * scale
    }

    @inline(__always)
    static func exp(_ x: Float) -> Float { exp(V(repeating: x))[0] }

    @inline(__always) static func sigmoid(_ x: Float) -> Float { 1 / (1 + Foundation.exp(-x)) }

    /// y[j] = tanh(a[j] + ga[j]) · sigmoid(b[j] + gb[j]) for j < n (WaveNet's gated activation); SIMD in release,
    /// libm in debug.
    @inline(__always)
    static func gatedTanhSigmoid(_ a: UnsafePointer<Float>, _ ga: UnsafePointer<Float>, _ b: UnsafePointer<Float>,
                                 _ gb: UnsafePointer<Float>, _ y: UnsafeMutablePointer<Float>, _ n: Int) {
        #if DEBUG
        gatedTanhSigmoidScalar(a, ga, b, gb, y, 0, n)
        #else
        gatedTanhSigmoidSIMD(a, ga, b, gb, y, n)
        #endif
    }

    static func gatedTanhSigmoidScalar(_ a: UnsafePointer<Float>, _ ga: UnsafePointer<Float>, _ b: UnsafePointer<Float>,
                                       _ gb: UnsafePointer<Float>, _ y: UnsafeMutablePointer<Float>, _ from: Int, _ n: Int) {
        for j in from..<n { y[j] = tanhf(a[j] + ga[j]) * sigmoid(b[j] + gb[j]) }
    }

    /// tanh(u) = 1 − 2/(e^{2u} + 1), sigmoid(v) = 1/(1 + e^{−v}) on the SIMD exp (absolute error ~1e-7).
    static func gatedTanhSigmoidSIMD(_ a: UnsafePointer<Float>, _ ga: UnsafePointer<Float>, _ b: UnsafePointer<Float>,
                                     _ gb: UnsafePointer<Float>, _ y: UnsafeMutablePointer<Float>, _ n: Int) {
        let ar = UnsafeRawPointer(a), gar = UnsafeRawPointer(ga), br = UnsafeRawPointer(b), gbr = UnsafeRawPointer(gb)
        let yr = UnsafeMutableRawPointer(y)
        let one = V(repeating: 1), two = V(repeating: 2)
        var j = 0
        while j + 8 <= n {
            let u = ar.loadUnaligned(fromByteOffset: j * 4, as: V.self) + gar.loadUnaligned(fromByteOffset: j * 4, as: V.self)
            let v = br.loadUnaligned(fromByteOffset: j * 4, as: V.self) + gbr.loadUnaligned(fromByteOffset: j * 4, as: V.self)
            let th = one - two / (exp(two * u) + one)
            let sg = one / (one + exp(-v))
            yr.storeBytes(of: th * sg, toByteOffset: j * 4, as: V.self)
            j += 8
        }
        gatedTanhSigmoidScalar(a, ga, b, gb, y, j, n)
    }

    /// y[j] = silu(a[j]) · b[j] for j < n, SiLU through the shared VectorMath kernel (AVX2/FMA in CKernels).
    @inline(__always)
    static func swiGLURow(_ a: UnsafePointer<Float>, _ b: UnsafePointer<Float>, _ y: UnsafeMutablePointer<Float>, _ n: Int) {
        VectorMath.silu(a, y, n)
        for j in 0..<n { y[j] *= b[j] }
    }

    /// rows × [a (n) ‖ b (n)] → rows × (silu(a) ⊙ b)
    static func swiGLU(_ ab: Tensor, rows: Int, width n: Int) -> Tensor {
        var out = Tensor(zeros: [rows, n]) // (M, I)
        let src = ab.pointer
        out.withUnsafeMutableBufferPointer { ob in
            let o = ob.baseAddress!
            Tensors.parallelFor(rows, minChunk: 8) { r in
                for row in r {
                    let a = src + row * 2 * n
                    swiGLURow(a, a + n, o + row * n, n)
                }
            }
        }
        return out
    }
}
