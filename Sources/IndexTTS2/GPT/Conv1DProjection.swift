// transformers `Conv1D` (GPT-2's projections): y = x · W + b with W stored (in, out) = [K, N], the
// transpose of nn.Linear. The layout used at run time is a load-time choice (see GPTBench for the
// measurements behind the default):
//   .inputMajor   keep [K, N]: sgemm(NoTrans, NoTrans); one row → sgemv(Trans) over [K, N]
//   .outputMajor  transpose once to [N, K] at load: sgemm(NoTrans, Trans) / sgemv(NoTrans) via LinearKernel
//   .outputMajorRows  [N, K] with the small-M row kernel (`SmallMKernel`) for ≤ 4 rows, sgemm above
import Foundation
import Neural
import Tensors

public enum Conv1DLayout: String, Sendable, CaseIterable, Codable {
    case inputMajor, outputMajor, outputMajorRows
}

struct Conv1DProjection: @unchecked Sendable {
    let inFeatures: Int
    let outFeatures: Int
    let layout: Conv1DLayout
    /// [K, N] for .inputMajor, [N, K] otherwise.
    let weight: Tensor
    let bias: Tensor // (N)

    /// Loads `weight` (in, out) and `bias` (out) from `scope`.
    init(_ scope: WeightScope, inFeatures k: Int, outFeatures n: Int, layout: Conv1DLayout) throws {
        inFeatures = k
        outFeatures = n
        self.layout = layout
        let w = try scope.tensor("weight", shape: [k, n]) // (K, N)
        weight = layout == .inputMajor ? w : Conv1DProjection.transpose(w)
        bias = try scope.tensor("bias", shape: [n])
    }

    /// [K, N] → [N, K], copied into owned memory.
    static func transpose(_ w: Tensor) -> Tensor {
        let k = w.shape[0], n = w.shape[1]
        var t = Tensor(zeros: [n, k])
        let src = w.pointer
        t.withUnsafeMutableBufferPointer { dst in
            let d = dst.baseAddress!
            // Tiles keep both sides cache-friendly for the 1280 × 5120 matrices.
            let tile = 64
            for k0 in stride(from: 0, to: k, by: tile) {
                for n0 in stride(from: 0, to: n, by: tile) {
                    for kk in k0..<min(k0 + tile, k) {
                        for nn in n0..<min(n0 + tile, n) { d[nn * k + kk] = src[kk * n + nn] }
                    }
                }
            }
        }
        return t
    }

    /// out (rows, N) = x (rows, K) · W + b, or out += x · W + b when `accumulate`.
    func apply(_ x: UnsafePointer<Float>, rows: Int, out: UnsafeMutablePointer<Float>, accumulate: Bool = false) {
        let n = outFeatures, k = inFeatures
        if accumulate {
            for r in 0..<rows {
                let o = out + r * n
                for j in 0..<n { o[j] += bias.pointer[j] }
            }
        } else {
            for r in 0..<rows { (out + r * n).update(from: bias.pointer, count: n) }
        }
        let w = weight.pointer
        switch layout {
        case .inputMajor:
            if rows == 1 {
                BLAS.sgemv(trans: true, m: k, n: n, a: w, lda: n, x: x, beta: 1, y: out)
            } else {
                BLAS.sgemm(m: rows, n: n, k: k, a: x, lda: k, b: w, ldb: n, beta: 1, c: out, ldc: n)
            }
        case .outputMajor:
            LinearKernel.product(m: rows, n: n, k: k, x: x, w: w, y: out, accumulate: true, strategy: .gemm)
        case .outputMajorRows:
            if rows <= SmallMKernel.maxRows {
                SmallMKernel.product(rows: rows, n: n, k: k, x: x, w: w, y: out)
            } else {
                LinearKernel.product(m: rows, n: n, k: k, x: x, w: w, y: out, accumulate: true, strategy: .gemm)
            }
        }
    }
}
