// Thin, typed wrappers over CBLAS (OpenBLAS on Linux, Accelerate on macOS).
// All matrices are row-major; leading dimensions are in elements.
#if canImport(Accelerate)
import Accelerate
#elseif canImport(COpenBLAS)
import COpenBLAS
#endif

public enum BLAS {
    /// C (m×n) = alpha · op(A) · op(B) + beta · C, op(X) = Xᵀ when the flag is set.
    /// A is m×k (k×m when transA), B is k×n (n×k when transB).
    @inline(__always)
    public static func sgemm(transA: Bool = false, transB: Bool = false, m: Int, n: Int, k: Int,
                             alpha: Float = 1, a: UnsafePointer<Float>, lda: Int,
                             b: UnsafePointer<Float>, ldb: Int,
                             beta: Float = 0, c: UnsafeMutablePointer<Float>, ldc: Int) {
        guard m > 0, n > 0 else { return }
        if k == 0 {
            // C = beta·C (BLAS would do the same; keep it explicit for empty reductions).
            for i in 0..<m { for j in 0..<n { c[i * ldc + j] = beta == 0 ? 0 : beta * c[i * ldc + j] } }
            return
        }
        Tensors.configureBLAS()
        cblas_sgemm(CblasRowMajor, transA ? CblasTrans : CblasNoTrans, transB ? CblasTrans : CblasNoTrans,
                    Int32(m), Int32(n), Int32(k), alpha, a, Int32(lda), b, Int32(ldb), beta, c, Int32(ldc))
    }

    /// y = alpha · op(A) · x + beta · y with A m×n row-major (op(A) = Aᵀ when trans).
    @inline(__always)
    public static func sgemv(trans: Bool = false, m: Int, n: Int, alpha: Float = 1,
                             a: UnsafePointer<Float>, lda: Int, x: UnsafePointer<Float>, incx: Int = 1,
                             beta: Float = 0, y: UnsafeMutablePointer<Float>, incy: Int = 1) {
        guard m > 0, n > 0 else { return }
        Tensors.configureBLAS()
        cblas_sgemv(CblasRowMajor, trans ? CblasTrans : CblasNoTrans, Int32(m), Int32(n), alpha, a, Int32(lda),
                    x, Int32(incx), beta, y, Int32(incy))
    }

    /// Dot product of two strided vectors.
    @inline(__always)
    public static func sdot(_ n: Int, _ x: UnsafePointer<Float>, _ incx: Int = 1, _ y: UnsafePointer<Float>, _ incy: Int = 1) -> Float {
        Tensors.configureBLAS()
        return cblas_sdot(Int32(n), x, Int32(incx), y, Int32(incy))
    }
}
