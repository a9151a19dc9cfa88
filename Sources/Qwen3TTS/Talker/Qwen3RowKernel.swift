// Batch-invariant linear product for decode steps: y (rows, n) = x (rows, k) · Wᵀ (+ bias), W (n, k) row-major,
// where every output element is computed by the same sequence of float operations whatever `rows` is, whichever
// row slot it sits in and however many threads run. Batched decoding (Qwen3BatchGenerator) relies on this to give
// each segment bit-identical logits and codes to decoding it alone.
//
// Why not OpenBLAS (measured on this VM, OpenBLAS 0.3.21, Haswell kernels, single-threaded, 2026-11-21):
//   * sgemm rows are not invariant in M: M = 1, 2, 3 agree bit for bit, but every M ≥ 4 differs from M = 1 in the
//     last bits for all talker / code-predictor shapes (the 4- and 8-row micro-kernels accumulate differently);
//   * sgemv (M = 1) differs from sgemm(M = 1), and per-row sgemv re-reads W once per row (8× the DRAM traffic of
//     one pass at batch 8), which defeats batching in this memory-bound regime.
// So each output element here is one dot product with a fixed reduction order: 8 lane-wise partial sums over
// k = 0, 8, 16, … (multiply, then add — never fused, so codegen cannot change it), the lanes added pairwise
// ((0+4)+(2+6))+((1+5)+(3+7)), then the k % 8 tail in index order; bias / accumulate are added after. W rows are
// walked in blocks of 4 per input row so a block of W is read from DRAM once for every row of the batch.
// The N axis is split into shape-only chunks across threads; a chunk boundary never changes an element's math.
// On CPUs with AVX-512F the dot products run in CKernels' bv_rowdot_avx512 (16 lanes, fused multiply-adds, the
// next weight rows prefetched), else with AVX2 + FMA in bv_rowdot_avx2 (8 lanes, fused): one code path per
// machine, so batch invariance holds on each. Measured with 2 threads on this VM (Zen 5) at the 0.6B MLP shape
// 1024 → 6144: 1 row ≈ 0.8 ms (31 GB/s, bandwidth-bound on both paths); 8 rows 0.7–0.9 ms with AVX-512 against
// 1.1–1.4 ms with AVX2, whose 4 × 2 blocking re-reads the weights from cache and does not overlap the DRAM stream.
import CKernels
import Foundation
import Neural
import Tensors

enum Qwen3RowKernel {
    /// The implementations; each is batch-invariant on its own (they differ from each other in the last bits).
    enum Path: CaseIterable, Sendable {
        case portable, avx2, avx512

        var isSupported: Bool {
            switch self {
            case .portable: return true
            case .avx2: return bv_has_avx2_fma() != 0
            case .avx512: return bv_has_avx512f() != 0
            }
        }
    }

    /// The path this process uses (decided once): AVX-512F, else AVX2 + FMA, else the Swift loops.
    static let best: Path = Path.avx512.isSupported ? .avx512 : (Path.avx2.isSupported ? .avx2 : .portable)

    /// y (rows, n) = (accumulate ? y : 0) + bias + x (rows, k) · Wᵀ with W's reduced form when there is one
    /// (`--precision fast`, batch-invariant as well), else the fp32 `weight` through `linear(…path:)`.
    static func linear(_ x: UnsafePointer<Float>, rows: Int, weight: Tensor, reduced: ReducedMatrix?, bias: Tensor?,
                       out: UnsafeMutablePointer<Float>, accumulate: Bool = false) {
        if let reduced {
            reduced.apply(x, rows: rows, bias: bias?.pointer, out: out, accumulate: accumulate)
        } else {
            linear(x, rows: rows, weight: weight, bias: bias, out: out, accumulate: accumulate)
        }
    }

    /// y (rows, n) = (accumulate ? y : 0) + bias + x (rows, k) · Wᵀ. `path` other than `best` is for tests.
    static func linear(_ x: UnsafePointer<Float>, rows: Int, weight: Tensor, bias: Tensor?, out: UnsafeMutablePointer<Float>,
                       accumulate: Bool = false, path: Path = best) {
        let n = weight.shape[0], k = weight.shape[1]
        let w = weight.pointer
        let b = bias?.pointer
        if path != .portable {
            // Each chunk writes its outputs in place (bias and accumulation inside the kernel).
            Tensors.parallelFor(n, minChunk: Swift.max(64, n / 8 + 1)) { range in
                let j = range.lowerBound, chunkBias = b.map { $0 + j }, acc: Int32 = accumulate ? 1 : 0
                if path == .avx512 {
                    bv_rowdot_avx512(w + j * k, k, range.count, x, rows, out + j, n, chunkBias, acc) // (rows, count)
                } else {
                    bv_rowdot_avx2(w + j * k, k, range.count, x, rows, out + j, n, chunkBias, acc) // (rows, count)
                }
            }
            return
        }
        // ≥ 64 outputs per chunk; the partition depends on n only.
        Tensors.parallelFor(n, minChunk: Swift.max(64, n / 8 + 1)) { range in
            var j = range.lowerBound
            while j + 4 <= range.upperBound {
                for r in 0..<rows {
                    let xr = x + r * k, yr = out + r * n
                    let d = dot4(w + j * k, k: k, x: xr)
                    for t in 0..<4 { yr[j + t] = finish(d[t], prior: accumulate ? yr[j + t] : 0, bias: b.map { $0[j + t] }) }
                }
                j += 4
            }
            while j < range.upperBound {
                for r in 0..<rows {
                    let yr = out + r * n
                    yr[j] = finish(dot1(w + j * k, k: k, x: x + r * k), prior: accumulate ? yr[j] : 0, bias: b.map { $0[j] })
                }
                j += 1
            }
        }
    }

    @inline(__always)
    private static func finish(_ dot: Float, prior: Float, bias: Float?) -> Float {
        var base = prior
        if let bias { base += bias }
        return base + dot
    }

    @inline(__always)
    private static func load(_ p: UnsafePointer<Float>) -> SIMD8<Float> {
        UnsafeRawPointer(p).loadUnaligned(as: SIMD8<Float>.self)
    }

    /// Fixed pairwise lane reduction.
    @inline(__always)
    private static func reduce(_ v: SIMD8<Float>) -> Float {
        let h = v.lowHalf + v.highHalf          // (0+4, 1+5, 2+6, 3+7)
        return (h[0] + h[2]) + (h[1] + h[3])
    }

    @inline(__always)
    private static func tail(_ w: UnsafePointer<Float>, k: Int, x: UnsafePointer<Float>, into s: Float) -> Float {
        var s = s
        var i = k & ~7
        while i < k {
            let p = w[i] * x[i]
            s += p
            i += 1
        }
        return s
    }

    /// One W row · x.
    @inline(__always)
    private static func dot1(_ w: UnsafePointer<Float>, k: Int, x: UnsafePointer<Float>) -> Float {
        var a = SIMD8<Float>()
        var i = 0
        while i + 8 <= k {
            let p = load(w + i) * load(x + i)
            a += p
            i += 8
        }
        return tail(w, k: k, x: x, into: reduce(a))
    }

    /// Four consecutive W rows · x (each element's arithmetic is exactly `dot1`'s).
    @inline(__always)
    private static func dot4(_ w: UnsafePointer<Float>, k: Int, x: UnsafePointer<Float>) -> SIMD4<Float> {
        var a0 = SIMD8<Float>(), a1 = SIMD8<Float>(), a2 = SIMD8<Float>(), a3 = SIMD8<Float>()
        let w1 = w + k, w2 = w + 2 * k, w3 = w + 3 * k
        var i = 0
        while i + 8 <= k {
            let xv = load(x + i)
            let p0 = load(w + i) * xv, p1 = load(w1 + i) * xv, p2 = load(w2 + i) * xv, p3 = load(w3 + i) * xv
            a0 += p0
            a1 += p1
            a2 += p2
            a3 += p3
            i += 8
        }
        return SIMD4(tail(w, k: k, x: x, into: reduce(a0)), tail(w1, k: k, x: x, into: reduce(a1)),
                     tail(w2, k: k, x: x, into: reduce(a2)), tail(w3, k: k, x: x, into: reduce(a3)))
    }
}
