// transformers `Conv1D` (GPT-2's projections): y = x · W + b with W stored (in, out) = [K, N], the
// transpose of nn.Linear. How the product runs is a load-time choice (`Conv1DKernel`); `GPTBench`
// measures every variant, and the default is the fastest one there (see GPTBench's header).
import Foundation
import Neural
import Tensors

public enum Conv1DKernel: String, Sendable, CaseIterable, Codable {
    /// Keep [K, N]; one sgemm(NoTrans, NoTrans) for any row count.
    case inputMajorGEMM
    /// Keep [K, N]; one sgemv(Trans) per row (few rows), sgemm above `SmallMKernel.maxRows`.
    case inputMajorGEMV
    /// Keep [K, N]; `SmallMKernel.inputMajor` (row-block axpy over contiguous runs of W) for few rows.
    case inputMajorRows
    /// Transpose to [N, K] at load; one sgemm(NoTrans, Trans).
    case outputMajorGEMM
    /// Transpose to [N, K] at load; one sgemv(NoTrans) per row for few rows.
    case outputMajorGEMV
    /// Transpose to [N, K] at load; `SmallMKernel.outputMajor` (each weight row dotted with every input row)
    /// for K ≤ `SmallMKernel.maxInner`, per-row sgemv above.
    case outputMajorRows

    public var transposesAtLoad: Bool {
        switch self {
        case .inputMajorGEMM, .inputMajorGEMV, .inputMajorRows: return false
        case .outputMajorGEMM, .outputMajorGEMV, .outputMajorRows: return true
        }
    }

    /// The same product family for a weight already stored [N, K] (nn.Linear, e.g. mel_head).
    public var outputMajorEquivalent: Conv1DKernel {
        switch self {
        case .inputMajorGEMM, .outputMajorGEMM: return .outputMajorGEMM
        case .inputMajorGEMV, .outputMajorGEMV: return .outputMajorGEMV
        case .inputMajorRows, .outputMajorRows: return .outputMajorRows
        }
    }

    /// The default for decoding (fastest M = 3 variant measured by GPTBench on the 2-core Zen 5 VM).
    public static let decodeDefault: Conv1DKernel = .outputMajorRows
}

struct Conv1DProjection: @unchecked Sendable {
    let inFeatures: Int
    let outFeatures: Int
    let kernel: Conv1DKernel
    /// [K, N], or [N, K] when the kernel transposes at load.
    let weight: Tensor
    let bias: Tensor // (N)

    /// Loads `weight` (in, out) and `bias` (out) from `scope`.
    init(_ scope: WeightScope, inFeatures k: Int, outFeatures n: Int, kernel: Conv1DKernel) throws {
        inFeatures = k
        outFeatures = n
        self.kernel = kernel
        let w = try scope.tensor("weight", shape: [k, n]) // (K, N)
        weight = kernel.transposesAtLoad ? Conv1DProjection.transpose(w) : w
        bias = try scope.tensor("bias", shape: [n])
    }

    /// [K, N] → [N, K], copied into owned memory.
    static func transpose(_ w: Tensor) -> Tensor {
        let k = w.shape[0], n = w.shape[1]
        var t = Tensor(zeros: [n, k])
        let src = w.pointer
        t.withUnsafeMutableBufferPointer { dst in
            let d = dst.baseAddress!
            let tile = 64 // both sides stay cache-friendly for the 1280 × 5120 matrices
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
        startWithBias(rows: rows, out: out, accumulate: accumulate)
        Conv1DProjection.product(kernel, rows: rows, n: n, k: k, x: x, w: weight.pointer, y: out)
    }

    /// out's rows set to the bias, or the bias added to them when `accumulate` (the product is added next).
    private func startWithBias(rows: Int, out: UnsafeMutablePointer<Float>, accumulate: Bool) {
        let n = outFeatures
        if accumulate {
            for r in 0..<rows {
                let o = out + r * n
                for j in 0..<n { o[j] += bias.pointer[j] }
            }
        } else {
            for r in 0..<rows { (out + r * n).update(from: bias.pointer, count: n) }
        }
    }

    /// `apply` for a cross-segment decode step: rows in consecutive groups (one per segment, its beams), each group
    /// getting bit for bit what `apply(rows: group)` gives it alone.
    func applyGrouped(_ x: UnsafePointer<Float>, groups: [Int], out: UnsafeMutablePointer<Float>, accumulate: Bool = false) {
        let n = outFeatures
        startWithBias(rows: groups.reduce(0, +), out: out, accumulate: accumulate)
        Conv1DProjection.productGrouped(kernel, groups: groups, n: n, k: inFeatures, x: x, w: weight.pointer, y: out)
    }

    /// `product` over consecutive row groups, each group's result equal to `product(rows: group)` alone. The
    /// output-major row kernel serves every group in one weight pass; other kernels (and inner sizes where that
    /// kernel is per-row sgemv) run the groups one after another.
    static func productGrouped(_ kernel: Conv1DKernel, groups: [Int], n: Int, k: Int, x: UnsafePointer<Float>,
                               w: UnsafePointer<Float>, y: UnsafeMutablePointer<Float>) {
        if groups.count > 1, kernel == .outputMajorRows, k <= SmallMKernel.maxInner,
           groups.allSatisfy({ $0 <= SmallMKernel.maxRows }) {
            SmallMKernel.outputMajorGrouped(groups: groups, n: n, k: k, x: x, w: w, y: y)
            return
        }
        var first = 0
        for g in groups {
            product(kernel, rows: g, n: n, k: k, x: x + first * k, w: w, y: y + first * n)
            first += g
        }
    }

    /// y (rows, N) += x (rows, K) · W, W laid out for `kernel`.
    static func product(_ kernel: Conv1DKernel, rows: Int, n: Int, k: Int, x: UnsafePointer<Float>, w: UnsafePointer<Float>,
                        y: UnsafeMutablePointer<Float>) {
        let few = rows <= SmallMKernel.maxRows
        switch kernel {
        case .inputMajorGEMV where few:
            for r in 0..<rows { BLAS.sgemv(trans: true, m: k, n: n, a: w, lda: n, x: x + r * k, beta: 1, y: y + r * n) }
        case .inputMajorRows where few:
            SmallMKernel.inputMajor(rows: rows, n: n, k: k, x: x, w: w, y: y)
        case .inputMajorGEMM, .inputMajorGEMV, .inputMajorRows:
            BLAS.sgemm(m: rows, n: n, k: k, a: x, lda: k, b: w, ldb: n, beta: 1, c: y, ldc: n)
        case .outputMajorGEMV where few:
            for r in 0..<rows { BLAS.sgemv(m: n, n: k, a: w, lda: k, x: x + r * k, beta: 1, y: y + r * n) }
        case .outputMajorRows where few && k > SmallMKernel.maxInner:
            for r in 0..<rows { BLAS.sgemv(m: n, n: k, a: w, lda: k, x: x + r * k, beta: 1, y: y + r * n) }
        case .outputMajorRows where few:
            SmallMKernel.outputMajor(rows: rows, n: n, k: k, x: x, w: w, y: y)
        case .outputMajorGEMM, .outputMajorGEMV, .outputMajorRows:
            BLAS.sgemm(transB: true, m: rows, n: n, k: k, a: x, lda: k, b: w, ldb: k, beta: 1, c: y, ldc: n)
        }
    }
}
