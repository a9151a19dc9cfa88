// Vectorized transcendental kernels over buffers (branch-free loops the compiler vectorizes).
//
// sin/cos use the Cephes sinf/cosf scheme: quadrant j = round(x·2/π), three-part
// Cody–Waite reduction r = x − j·π/2, then the Cephes minimax polynomials on
// [−π/4, π/4] (≈1 ulp for |x| ≤ 8192). A block holding |x| > 8192 or a non-finite value
// is computed with the C library's sinf instead, so accuracy never silently degrades.
import CKernels
import Foundation

public enum VectorMath {
    static let twoOverPi: Float = 0.636_619_772_367_581_343
    static let dp1: Float = 1.570_312_5
    static let dp2: Float = 4.837_512_969_970_703_125e-4
    static let dp3: Float = 7.549_789_954_891_882_16e-8
    static let magic: Float = 12_582_912 // 1.5 · 2²³: adding it rounds to an integer in the low mantissa bits
    static let rangeLimit: Float = 8192
    /// AVX2 + FMA available: the hot loops run in CKernels (this Swift code is built for baseline x86-64).
    static let hasAVX2FMA = bv_has_avx2_fma() != 0

    /// sin(a) for |a| ≤ rangeLimit, branch-free so the loop vectorizes; `q & 1` odd → cos branch.
    @inline(__always)
    static func sinCore(_ a: Float) -> (value: Float, odd: Bool, negate: Bool) {
        let t = a * twoOverPi + magic
        let q = t.bitPattern // low bits hold round(a·2/π) mod 2^k
        let j = t - magic
        var r = a - j * dp1
        r = r - j * dp2
        r = r - j * dp3
        let z = r * r
        let s = ((-1.951_529_589_1e-4 * z + 8.332_160_873_6e-3) * z - 1.666_665_461_1e-1) * z * r + r
        let c = ((2.443_315_711_809_948e-5 * z - 1.388_731_625_493_765e-3) * z + 4.166_664_568_298_827e-2) * z * z - 0.5 * z + 1
        let odd = q & 1 != 0
        return (odd ? c : s, odd, q & 2 != 0)
    }

    /// Values are processed in blocks: a check pass, then either the branch-free polynomial pass
    /// (vectorized by the compiler) or, for a block holding an argument beyond ±8192 or a
    /// non-finite one, libm. Output may alias input.
    static let blockSize = 256

    @inline(__always)
    static func blockInRange(_ x: UnsafePointer<Float>, _ lo: Int, _ hi: Int, scale: Float) -> Bool {
        var bad: UInt32 = 0
        for i in lo..<hi { bad |= (x[i] * scale).magnitude <= rangeLimit ? 0 : 1 }
        return bad == 0
    }

    /// y[i] = sin(x[i]).
    public static func sin(_ x: UnsafePointer<Float>, _ y: UnsafeMutablePointer<Float>, _ n: Int) {
        var lo = 0
        while lo < n {
            let hi = Swift.min(n, lo + blockSize)
            if blockInRange(x, lo, hi, scale: 1) {
                for i in lo..<hi {
                    let (v, _, neg) = sinCore(x[i])
                    y[i] = neg ? -v : v
                }
            } else {
                for i in lo..<hi { y[i] = sinf(x[i]) }
            }
            lo = hi
        }
    }

    /// Snake / SnakeBeta: y[i] = x[i] + invBeta · sin(alpha · x[i])².
    public static func snake(_ x: UnsafePointer<Float>, _ y: UnsafeMutablePointer<Float>, _ n: Int, alpha: Float, invBeta: Float) {
        if hasAVX2FMA {
            bv_snake_avx2(x, y, n, alpha, invBeta) // same reduction and polynomials, 8 lanes with FMA
            return
        }
        var lo = 0
        while lo < n {
            let hi = Swift.min(n, lo + blockSize)
            if blockInRange(x, lo, hi, scale: alpha) {
                for i in lo..<hi {
                    let v = x[i]
                    let (sv, _, _) = sinCore(v * alpha) // ±sin(αx); the sign vanishes when squared
                    y[i] = v + invBeta * (sv * sv)
                }
            } else {
                for i in lo..<hi {
                    let v = x[i]
                    let sv = sinf(v * alpha)
                    y[i] = v + invBeta * (sv * sv)
                }
            }
            lo = hi
        }
    }

    /// out[i] = Σ_t taps[t] · sources[t][i] for i in 0..<n: an FIR whose taps each read from their own
    /// (already offset) source pointer. AVX2/FMA through CKernels where available.
    public static func weightedSum(_ sources: UnsafePointer<UnsafePointer<Float>>, _ taps: UnsafePointer<Float>,
                                   _ count: Int, _ out: UnsafeMutablePointer<Float>, _ n: Int) {
        guard n > 0 else { return }
        if hasAVX2FMA {
            sources.withMemoryRebound(to: UnsafePointer<Float>?.self, capacity: count) { srcs in
                bv_weighted_sum_avx2(srcs, taps, Int32(count), out, n)
            }
            return
        }
        out.update(repeating: 0, count: n)
        for t in 0..<count {
            let f = taps[t], src = sources[t]
            for i in 0..<n { out[i] += f * src[i] }
        }
    }
}
