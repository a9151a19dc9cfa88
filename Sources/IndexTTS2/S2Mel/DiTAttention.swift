// gpt_fast Attention as the DiT runs it (indextts/s2mel/modules/gpt_fast/model.py), self-attention only:
//   [q ‖ k ‖ v] = wqkv(x) (D → 3D, no bias), heads of D/H; RoPE on q and k; SDPA (scale 1/√head_dim,
//   bidirectional: the boolean mask is all true because x_lens = T); wo (D → D, no bias).
// RoPE is gpt_fast's interleaved-pair layout: (x_{2m}, x_{2m+1}) rotated by pos·base^(−2m/head_dim),
// positions 0..T−1 over prompt + generated frames (`DiTRoPE`).
// Each (batch, head)'s K and V are copied once into contiguous (T, head_dim) panels; the product then runs in
// blocks of query rows (each block's score matrix stays in cache), one single-threaded OpenBLAS sgemm per block for
// q kᵀ and one for P v, blocks in parallel. Every block is the same calls whatever the thread count, and each
// (batch, head) alone, so results depend on neither the thread count nor the batch. Keys: wqkv.weight, wo.weight.
import Foundation
import Neural
import Tensors

/// cos / sin tables of gpt_fast's `precompute_freqs_cis` for positions 0..<T (float32 angles).
struct DiTRoPE {
    let length: Int
    let half: Int
    let cos: [Float]
    let sin: [Float]

    init(length: Int, headDim: Int, base: Float) {
        let rope = RotaryEmbedding(rotaryDim: headDim, base: base, layout: .interleaved)
        (cos, sin) = rope.tables(positions: Array(0..<length))
        self.length = length
        half = headDim / 2
    }
}

struct DiTAttention: Sendable {
    let wqkv: Tensor // (3D, D)
    let wo: Tensor   // (D, D)
    let heads: Int
    let headDim: Int
    /// wqkv and wo as oneDNN matmuls: float32 (DiTF32Kernels.oneDNN, exact and fast's fp32 path) or bf16
    /// (DiTFastPath.bf16); nil: OpenBLAS sgemm (DiTF32Kernels.legacy).
    var fastQKV: DNNLMatmul?
    var fastWO: DNNLMatmul?
    /// DiTF32Kernels.legacy: the previous attention loop (nested BLAS partitions, K and V read in place), kept for the
    /// bench's old-vs-new comparison; it gives the same bytes as `attend`.
    var legacyAttention = false

    init(_ scope: WeightScope, dim: Int, heads: Int) throws {
        wqkv = try scope.scope("wqkv").tensor("weight", shape: [3 * dim, dim])
        wo = try scope.scope("wo").tensor("weight", shape: [dim, dim])
        self.heads = heads
        headDim = dim / heads
    }

    /// x (B, T, D) → (B, T, D)
    func callAsFunction(_ x: Tensor, rope: DiTRoPE) throws -> Tensor {
        let (bsz, t, d) = (x.shape[0], x.shape[1], x.shape[2])
        precondition(rope.length == t, "RoPE table for \(rope.length) positions, sequence of \(t)")
        var qkv = try fastQKV?(x) ?? x.linear(weight: wqkv) // (B, T, 3D)
        applyRoPE(&qkv, rope: rope)
        let y = legacyAttention ? attendLegacy(qkv, batch: bsz, length: t, dim: d) : attend(qkv, batch: bsz, length: t, dim: d) // (B, T, D)
        return try fastWO?(y) ?? y.linear(weight: wo) // (B, T, D)
    }

    /// Rotates the q and k parts of every (B, T) row in place.
    func applyRoPE(_ qkv: inout Tensor, rope: DiTRoPE) {
        let (rows, t) = (qkv.shape[0] * qkv.shape[1], qkv.shape[1])
        let width = qkv.shape[2], half = rope.half, hd = headDim
        let rotatedHeads = 2 * (width / 3) / hd // q and k: 2H heads of hd values
        rope.cos.withUnsafeBufferPointer { cb in
            rope.sin.withUnsafeBufferPointer { sb in
                qkv.withUnsafeMutableBufferPointer { qb in
                    let base = qb.baseAddress!
                    Tensors.parallelFor(rows, minChunk: 64) { r in
                        for row in r {
                            let c = cb.baseAddress! + (row % t) * half, s = sb.baseAddress! + (row % t) * half
                            for head in 0..<rotatedHeads {
                                let p = base + row * width + head * hd
                                for m in 0..<half {
                                    let a = p[2 * m], b = p[2 * m + 1]
                                    p[2 * m] = a * c[m] - b * s[m]
                                    p[2 * m + 1] = b * c[m] + a * s[m]
                                }
                            }
                        }
                    }
                }
            }
        }
    }

    /// softmax(q kᵀ / √hd) v for every (batch, head) of qkv (B, T, 3D), heads side by side into (B, T, D).
    func attend(_ qkv: Tensor, batch bsz: Int, length t: Int, dim d: Int) -> Tensor {
        let hd = headDim, h = heads, ld = 3 * d
        let scale = 1 / Float(hd).squareRoot()
        let blockRows = Swift.min(t, 128)
        let blocks = (t + blockRows - 1) / blockRows
        let src = qkv.pointer
        // K and V panels, (B·H, T, hd) each: copied once here instead of re-read strided by every block's sgemm.
        let panel = t * hd
        let kv = UnsafeMutablePointer<Float>.allocate(capacity: 2 * bsz * h * panel)
        defer { kv.deallocate() }
        Tensors.parallelFor(bsz * h) { items in
            for bh in items {
                let (b, head) = (bh / h, bh % h)
                let k = src + b * t * ld + d + head * hd, v = k + d
                let kp = kv + bh * panel, vp = kv + (bsz * h + bh) * panel
                for row in 0..<t {
                    (kp + row * hd).update(from: k + row * ld, count: hd)
                    (vp + row * hd).update(from: v + row * ld, count: hd)
                }
            }
        }
        var out = Tensor(zeros: [bsz, t, d]) // (B, T, D)
        out.withUnsafeMutableBufferPointer { ob in
            let o = ob.baseAddress!
            // Blocks handed out one at a time (Dispatch balances them over the threads), not in fixed halves: on a
            // shared machine a worker that loses its core would otherwise hold up the whole product.
            let items = bsz * h * blocks
            let block: (Int) -> Void = { item in
                let scores = UnsafeMutablePointer<Float>.allocate(capacity: blockRows * t)
                defer { scores.deallocate() }
                let bh = item / blocks, blk = item % blocks
                let (b, head) = (bh / h, bh % h)
                let r0 = blk * blockRows, rows = Swift.min(blockRows, t - r0)
                let q = src + (b * t + r0) * ld + head * hd
                let kp = kv + bh * panel, vp = kv + (bsz * h + bh) * panel
                // scores (rows, T) = scale · q (rows, hd) · kᵀ
                BLAS.rawSgemm(false, true, rows, t, hd, scale, q, ld, kp, hd, 0, scores, t)
                for i in 0..<rows { VectorMath.softmaxRow(scores + i * t, t) }
                // out (rows, hd) = P (rows, T) · v (T, hd)
                BLAS.rawSgemm(false, false, rows, hd, t, 1, scores, t, vp, hd, 0, o + (b * t + r0) * d + head * hd, d)
            }
            if Tensors.threadCount > 1 {
                DispatchQueue.concurrentPerform(iterations: items, execute: block)
            } else {
                for item in 0..<items { block(item) }
            }
        }
        return out
    }

    /// The previous loop (DiTF32Kernels.legacy): q, k, v read in place from qkv by partitioned `BLAS.sgemm` calls,
    /// which nest a second parallel loop inside this one. Same bytes as `attend`; kept for the bench's comparison.
    func attendLegacy(_ qkv: Tensor, batch bsz: Int, length t: Int, dim d: Int) -> Tensor {
        let hd = headDim, h = heads, ld = 3 * d
        let scale = 1 / Float(hd).squareRoot()
        // 128 query rows per block: the block's scores (128 × T) stay in L2, and the GEMMs are large enough to run
        // near BLAS's peak (a GEMM nested in this parallel loop runs on the calling worker).
        let blockRows = Swift.min(t, 128)
        let blocks = (t + blockRows - 1) / blockRows
        var out = Tensor(zeros: [bsz, t, d]) // (B, T, D)
        let src = qkv.pointer
        out.withUnsafeMutableBufferPointer { ob in
            let o = ob.baseAddress!
            Tensors.parallelFor(bsz * h * blocks) { items in
                let scores = UnsafeMutablePointer<Float>.allocate(capacity: blockRows * t)
                defer { scores.deallocate() }
                for item in items {
                    let bh = item / blocks, blk = item % blocks
                    let (b, head) = (bh / h, bh % h)
                    let r0 = blk * blockRows, rows = Swift.min(blockRows, t - r0)
                    let batchBase = src + b * t * ld
                    let q = batchBase + r0 * ld + head * hd
                    let k = batchBase + d + head * hd
                    let v = batchBase + 2 * d + head * hd
                    // scores (rows, T) = scale · q (rows, hd) · kᵀ
                    BLAS.sgemm(transB: true, m: rows, n: t, k: hd, alpha: scale, a: q, lda: ld, b: k, ldb: ld,
                               c: scores, ldc: t)
                    for i in 0..<rows { VectorMath.softmaxRow(scores + i * t, t) }
                    // out (rows, hd) = P (rows, T) · v (T, hd)
                    BLAS.sgemm(m: rows, n: hd, k: t, a: scores, lda: t, b: v, ldb: ld,
                               c: o + (b * t + r0) * d + head * hd, ldc: d)
                }
            }
        }
        return out
    }
}
