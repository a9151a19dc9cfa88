// Matrix products through CBLAS: plain, batched (with a shared right operand) and
// nn.Linear-style products against [N, K] weights.
extension Tensor {
    /// (…, M, K) @ (…, K, N) → (…, M, N). Leading (batch) dims must match, or `other` may be 2-D
    /// (shared across the batch). `transposeSelf` / `transposeOther` use the last two axes transposed.
    public func matmul(_ other: Tensor, transposeSelf: Bool = false, transposeOther: Bool = false) -> Tensor {
        precondition(rank >= 2 && other.rank >= 2, "matmul needs rank ≥ 2, got \(shape) and \(other.shape)")
        let (r0, c0) = (shape[rank - 2], shape[rank - 1])
        let (r1, c1) = (other.shape[other.rank - 2], other.shape[other.rank - 1])
        let m = transposeSelf ? c0 : r0
        let k = transposeSelf ? r0 : c0
        let k2 = transposeOther ? c1 : r1
        let n = transposeOther ? r1 : c1
        precondition(k == k2, "matmul inner dimensions differ: \(shape) vs \(other.shape)")
        let batchA = Array(shape.dropLast(2))
        let batchB = Array(other.shape.dropLast(2))
        precondition(batchB.isEmpty || batchB == batchA, "matmul batch dims differ: \(batchA) vs \(batchB)")
        let batch = batchA.reduce(1, *)
        var out = Tensor(zeros: batchA + [m, n])
        let a = pointer, b = other.pointer
        let strideA = r0 * c0, strideB = batchB.isEmpty ? 0 : r1 * c1
        // A batch of M-row products against one shared B is a single (batch·M)-row product.
        if batchB.isEmpty && !transposeSelf && batch > 1 {
            out.withUnsafeMutableBufferPointer { c in
                BLAS.sgemm(transA: false, transB: transposeOther, m: batch * m, n: n, k: k, a: a, lda: c0,
                           b: b, ldb: c1, c: c.baseAddress!, ldc: n)
            }
            return out
        }
        out.withUnsafeMutableBufferPointer { c in
            for i in 0..<batch {
                BLAS.sgemm(transA: transposeSelf, transB: transposeOther, m: m, n: n, k: k,
                           a: a + i * strideA, lda: c0, b: b + i * strideB, ldb: c1,
                           c: c.baseAddress! + i * m * n, ldc: n)
            }
        }
        return out
    }
}

/// How products with few rows (decode steps: M = 1…8) are computed against [N, K] weights.
///
/// Measured on the 2-core Zen 5 VM (OpenBLAS 0.3.21, Haswell kernels, 2 threads, 24 distinct
/// weight matrices swept so every call streams from DRAM; `Bench.smallM`):
///   * M = 1: sgemv(NoTrans) over W[N,K] streams ≈ 30–34 GB/s; sgemm with M = 1 is slower.
///   * M = 2…8: one sgemm(NoTrans, Trans) reads W once and beats M separate sgemv calls,
///     which re-read the weights M times (L3 holds only part of a 20–50 MB matrix).
/// So: sgemv for a single row, sgemm otherwise. See `Bench.smallM` for the live comparison.
public enum SmallMStrategy: String, Sendable, Codable, CaseIterable {
    case gemm, gemvPerRow
}

public enum LinearKernel {
    /// Strategy for M ≤ 8 rows with M > 1 (M = 1 always uses sgemv).
    nonisolated(unsafe) public static var smallMStrategy: SmallMStrategy = .gemm

    /// y = x · Wᵀ (+ bias): x (…, K), weight (N, K) → (…, N).
    public static func apply(_ x: Tensor, weight: Tensor, bias: Tensor? = nil) -> Tensor {
        precondition(weight.rank == 2, "linear weight must be (N, K), got \(weight.shape)")
        let n = weight.shape[0], k = weight.shape[1]
        precondition(x.shape.last == k, "linear input last dim \(x.shape.last ?? -1) != weight K \(k)")
        if let b = bias { precondition(b.count == n, "linear bias has \(b.count) values, expected \(n)") }
        let m = x.count / Swift.max(k, 1)
        var out = Tensor(zeros: Array(x.shape.dropLast()) + [n])
        out.withUnsafeMutableBufferPointer { yb in
            let y = yb.baseAddress!
            if let b = bias {
                for r in 0..<m { (y + r * n).update(from: b.pointer, count: n) }
            }
            product(m: m, n: n, k: k, x: x.pointer, w: weight.pointer, y: y, accumulate: bias != nil,
                    strategy: smallMStrategy)
        }
        return out
    }

    /// Y (m×n) (+)= X (m×k) · Wᵀ with W (n×k) row-major.
    public static func product(m: Int, n: Int, k: Int, x: UnsafePointer<Float>, w: UnsafePointer<Float>,
                               y: UnsafeMutablePointer<Float>, accumulate: Bool, strategy: SmallMStrategy) {
        let beta: Float = accumulate ? 1 : 0
        if m == 1 || (m <= 8 && strategy == .gemvPerRow) {
            for r in 0..<m {
                BLAS.sgemv(trans: false, m: n, n: k, a: w, lda: k, x: x + r * k, beta: beta, y: y + r * n)
            }
        } else {
            BLAS.sgemm(transA: false, transB: true, m: m, n: n, k: k, a: x, lda: k, b: w, ldb: k,
                       beta: beta, c: y, ldc: n)
        }
    }
}

extension Tensor {
    /// nn.Linear: self (…, K) · weightᵀ (N, K) (+ bias (N)) → (…, N).
    public func linear(weight: Tensor, bias: Tensor? = nil) -> Tensor {
        LinearKernel.apply(self, weight: weight, bias: bias)
    }
}
