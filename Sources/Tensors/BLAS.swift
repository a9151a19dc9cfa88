// Typed wrappers over CBLAS (OpenBLAS on Linux, Accelerate on macOS); row-major,
// leading dimensions in elements.
//
// Determinism across thread counts: OpenBLAS's own threading partitions M/N by the
// number of threads, and its edge micro-kernels (M/N remainders) and K blocking differ
// between the single- and multi-threaded drivers, so results change in the last bits
// with the thread count. We therefore run OpenBLAS single-threaded and parallelize
// ourselves over a partition that depends only on the problem shape (`chunks(_:)`):
// every chunk is the same single-threaded BLAS call whatever `Tensors.threadCount` is,
// so outputs are bit-identical for any thread count.
#if canImport(Accelerate)
import Accelerate
#elseif canImport(COpenBLAS)
import COpenBLAS
#endif

public enum BLAS {
    /// Below this many multiply-adds a product runs as one call on the calling thread.
    static let parallelThreshold = 1 << 21

    /// Fixed, shape-only split of `dim` into at most 8 chunks of ≥ 64 (multiples of 16).
    static func chunks(_ dim: Int) -> [Range<Int>] {
        let target = Swift.min(8, Swift.max(1, dim / 64))
        let size = ((dim + target - 1) / target + 15) / 16 * 16
        return stride(from: 0, to: dim, by: Swift.max(size, 1)).map { $0..<Swift.min(dim, $0 + size) }
    }

    /// C (m×n) = alpha · op(A) · op(B) + beta · C, op(X) = Xᵀ when the flag is set.
    /// A is m×k (k×m when transA), B is k×n (n×k when transB).
    public static func sgemm(transA: Bool = false, transB: Bool = false, m: Int, n: Int, k: Int,
                             alpha: Float = 1, a: UnsafePointer<Float>, lda: Int,
                             b: UnsafePointer<Float>, ldb: Int,
                             beta: Float = 0, c: UnsafeMutablePointer<Float>, ldc: Int) {
        guard m > 0, n > 0 else { return }
        if k == 0 {
            for i in 0..<m { for j in 0..<n { c[i * ldc + j] = beta == 0 ? 0 : beta * c[i * ldc + j] } }
            return
        }
        Tensors.configureBLAS()
        if m * n * k < parallelThreshold {
            rawSgemm(transA, transB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc)
            return
        }
        // Split the larger output dimension: the other operand is re-packed once per chunk.
        if n >= m {
            let parts = chunks(n)
            Tensors.parallelFor(parts.count) { r in
                for p in r {
                    let cols = parts[p]
                    let bp = transB ? b + cols.lowerBound * ldb : b + cols.lowerBound
                    rawSgemm(transA, transB, m, cols.count, k, alpha, a, lda, bp, ldb, beta, c + cols.lowerBound, ldc)
                }
            }
        } else {
            let parts = chunks(m)
            Tensors.parallelFor(parts.count) { r in
                for p in r {
                    let rows = parts[p]
                    let ap = transA ? a + rows.lowerBound : a + rows.lowerBound * lda
                    rawSgemm(transA, transB, rows.count, n, k, alpha, ap, lda, b, ldb, beta, c + rows.lowerBound * ldc, ldc)
                }
            }
        }
    }

    /// One single-threaded OpenBLAS call, no partitioning: for callers that parallelize over independent
    /// products themselves (one product per worker keeps results independent of the thread count).
    @inline(__always)
    public static func rawSgemm(_ transA: Bool, _ transB: Bool, _ m: Int, _ n: Int, _ k: Int, _ alpha: Float,
                         _ a: UnsafePointer<Float>, _ lda: Int, _ b: UnsafePointer<Float>, _ ldb: Int,
                         _ beta: Float, _ c: UnsafeMutablePointer<Float>, _ ldc: Int) {
        // Direct callers (conv1d's im2col tiles) must also run on the pinned single-threaded OpenBLAS: an unpinned
        // OpenBLAS splits the product its own way, so a process's first convolutions rounded differently from
        // later ones (up to 7.6e-6 on the speaker encoder's block0) until some `sgemm` pinned it.
        Tensors.configureBLAS()
        cblas_sgemm(CblasRowMajor, transA ? CblasTrans : CblasNoTrans, transB ? CblasTrans : CblasNoTrans,
                    Int32(m), Int32(n), Int32(k), alpha, a, Int32(lda), b, Int32(ldb), beta, c, Int32(ldc))
    }

    /// y = alpha · op(A) · x + beta · y with A m×n row-major (op(A) = Aᵀ when trans).
    public static func sgemv(trans: Bool = false, m: Int, n: Int, alpha: Float = 1,
                             a: UnsafePointer<Float>, lda: Int, x: UnsafePointer<Float>, incx: Int = 1,
                             beta: Float = 0, y: UnsafeMutablePointer<Float>, incy: Int = 1) {
        guard m > 0, n > 0 else { return }
        Tensors.configureBLAS()
        let outputs = trans ? n : m
        if m * n < parallelThreshold {
            rawSgemv(trans, m, n, alpha, a, lda, x, incx, beta, y, incy)
            return
        }
        let parts = chunks(outputs)
        Tensors.parallelFor(parts.count) { r in
            for p in r {
                let o = parts[p]
                if trans {
                    // y[o] = A[:, o]ᵀ · x
                    rawSgemv(true, m, o.count, alpha, a + o.lowerBound, lda, x, incx, beta, y + o.lowerBound * incy, incy)
                } else {
                    rawSgemv(false, o.count, n, alpha, a + o.lowerBound * lda, lda, x, incx, beta, y + o.lowerBound * incy, incy)
                }
            }
        }
    }

    /// One single-threaded OpenBLAS sgemv (see rawSgemm).
    @inline(__always)
    public static func rawSgemv(_ trans: Bool, _ m: Int, _ n: Int, _ alpha: Float, _ a: UnsafePointer<Float>, _ lda: Int,
                                _ x: UnsafePointer<Float>, _ incx: Int, _ beta: Float, _ y: UnsafeMutablePointer<Float>, _ incy: Int) {
        Tensors.configureBLAS()
        cblas_sgemv(CblasRowMajor, trans ? CblasTrans : CblasNoTrans, Int32(m), Int32(n), alpha, a, Int32(lda),
                    x, Int32(incx), beta, y, Int32(incy))
    }

    /// Dot product of two strided vectors (single call; results are order-fixed).
    public static func sdot(_ n: Int, _ x: UnsafePointer<Float>, _ incx: Int = 1, _ y: UnsafePointer<Float>, _ incy: Int = 1) -> Float {
        Tensors.configureBLAS()
        return cblas_sdot(Int32(n), x, Int32(incx), y, Int32(incy))
    }
}
