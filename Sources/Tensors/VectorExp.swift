// exp-based row kernels: softmax over one row and SiLU over a buffer, through CKernels' AVX2/FMA code
// (Cephes expf in 8 lanes, ≈1 ulp) where the CPU has it, else the same formulas with the C library's expf.
import CKernels
import Foundation

extension VectorMath {
    /// In-place softmax of p[0..<n]; a row whose entries are all −inf becomes zeros (not NaN).
    public static func softmaxRow(_ p: UnsafeMutablePointer<Float>, _ n: Int) {
        if hasAVX2FMA {
            bv_softmax_row_avx2(p, n)
        } else {
            Tensor.softmaxRow(p, n)
        }
    }

    /// y[i] = x[i] / (1 + exp(−x[i])) for i < n (y may alias x).
    public static func silu(_ x: UnsafePointer<Float>, _ y: UnsafeMutablePointer<Float>, _ n: Int) {
        if hasAVX2FMA {
            bv_silu_avx2(x, y, n)
        } else {
            for i in 0..<n { y[i] = x[i] / (1 + expf(-x[i])) }
        }
    }

    /// SiLU over a whole tensor in place, in parallel chunks (elementwise: thread-count independent).
    public static func silu(_ x: inout Tensor) {
        let n = x.count
        x.withUnsafeMutableBufferPointer { b in
            let p = b.baseAddress!
            Tensors.parallelFor((n + 32767) / 32768) { r in
                let lo = r.lowerBound * 32768, hi = Swift.min(n, r.upperBound * 32768)
                if lo < hi { silu(p + lo, p + lo, hi - lo) }
            }
        }
    }
}
