// Vectorized transcendental kernels over buffers (8 lanes at a time).
//
// sin/cos use the Cephes sinf/cosf scheme: quadrant j = round(x·2/π), three-part
// Cody–Waite reduction r = x − j·π/2, then the Cephes minimax polynomials on
// [−π/4, π/4] (≈1 ulp for |x| ≤ 8192). Lanes with |x| > 8192 or non-finite values are
// recomputed with the C library's sinf so accuracy never silently degrades.
import Foundation

public enum VectorMath {
    typealias V = SIMD8<Float>
    static let twoOverPi: Float = 0.636_619_772_367_581_343
    static let dp1: Float = 1.570_312_5
    static let dp2: Float = 4.837_512_969_970_703_125e-4
    static let dp3: Float = 7.549_789_954_891_882_16e-8
    static let magic: Float = 12_582_912 // 1.5 · 2²³: adding it rounds to an integer in the low mantissa bits
    static let rangeLimit: Float = 8192

    /// Returns (sin r, cos r) polynomials and the quadrant of x for every lane.
    @inline(__always)
    static func reduce(_ x: V) -> (s: V, c: V, q: SIMD8<UInt32>) {
        let t = x * twoOverPi + magic
        let q = unsafeBitCast(t, to: SIMD8<UInt32>.self) // low bits hold round(x·2/π) mod 2^k
        let j = t - magic
        var r = x - j * dp1
        r = r - j * dp2
        r = r - j * dp3
        let z = r * r
        var sp = V(repeating: -1.951_529_589_1e-4) * z + 8.332_160_873_6e-3
        sp = sp * z - 1.666_665_461_1e-1
        let s = sp * z * r + r
        var cp = V(repeating: 2.443_315_711_809_948e-5) * z - 1.388_731_625_493_765e-3
        cp = cp * z + 4.166_664_568_298_827e-2
        let c = cp * z * z - 0.5 * z + 1
        return (s, c, q)
    }

    @inline(__always)
    static func load(_ p: UnsafePointer<Float>) -> V { UnsafeRawPointer(p).loadUnaligned(as: V.self) }

    @inline(__always)
    static func store(_ v: V, _ p: UnsafeMutablePointer<Float>) { UnsafeMutableRawPointer(p).storeBytes(of: v, as: V.self) }

    @inline(__always)
    static func inRange(_ x: V) -> Bool {
        let a = V(repeating: 0).replacing(with: x, where: x .> 0) - V(repeating: 0).replacing(with: x, where: x .< 0)
        return all(a .<= rangeLimit) // false for NaN lanes too
    }

    /// y[i] = sin(x[i]).
    public static func sin(_ x: UnsafePointer<Float>, _ y: UnsafeMutablePointer<Float>, _ n: Int) {
        var i = 0
        while i + 8 <= n {
            let v = load(x + i)
            if inRange(v) {
                let (s, c, q) = reduce(v)
                var r = s.replacing(with: c, where: (q & 1) .!= 0)
                r = r.replacing(with: -r, where: (q & 2) .!= 0)
                store(r, y + i)
            } else {
                for l in 0..<8 { y[i + l] = sinf(x[i + l]) }
            }
            i += 8
        }
        while i < n { y[i] = sinf(x[i]); i += 1 }
    }

    /// Snake / SnakeBeta: y[i] = x[i] + invBeta · sin(alpha · x[i])².
    public static func snake(_ x: UnsafePointer<Float>, _ y: UnsafeMutablePointer<Float>, _ n: Int, alpha: Float, invBeta: Float) {
        var i = 0
        while i + 8 <= n {
            let v = load(x + i)
            let a = v * alpha
            if inRange(a) {
                let (s, c, q) = reduce(a)
                let r = s.replacing(with: c, where: (q & 1) .!= 0) // ±sin(a); the sign vanishes when squared
                store(v + invBeta * (r * r), y + i)
            } else {
                for l in 0..<8 { let sv = sinf(x[i + l] * alpha); y[i + l] = x[i + l] + invBeta * (sv * sv) }
            }
            i += 8
        }
        while i < n {
            let sv = sinf(x[i] * alpha)
            y[i] = x[i] + invBeta * (sv * sv)
            i += 1
        }
    }
}
