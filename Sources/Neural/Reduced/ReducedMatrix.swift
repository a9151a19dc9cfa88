// A weight matrix W (n, k) converted once at load to the reduced form of a ReducedKernel: int8 with one symmetric
// scale per output row (max|w[j]| / 127, nearest even) or bf16 (nearest even). `apply` is the batch-invariant
// product y (rows, n) = (accumulate ? y : 0) + bias + x (rows, k) · Wᵀ: each output element has one operation
// sequence whatever `rows` is, which rows share the call and how many threads run (the N axis is split into
// shape-only chunks; the kernels' blocking only interleaves independent accumulators).
import CKernels
import Foundation
import Tensors

public final class ReducedMatrix: @unchecked Sendable {
    public let kernel: ReducedKernel
    /// Output features (rows of W).
    public let n: Int
    /// Input features (columns of W).
    public let k: Int
    private let data: UnsafeMutableRawPointer // int8 (n, k) or bf16 (n, k)
    private let scales: UnsafeMutablePointer<Float>  // (n) int8 only
    private let sums: UnsafeMutablePointer<Int32>    // (n) int8 only: Σ q[j, :]

    /// Converts `weight` (n, k). `kernel` must be supported by this CPU (ReducedKernel.isSupported).
    public init(_ weight: Tensor, kernel: ReducedKernel) {
        precondition(weight.rank == 2, "ReducedMatrix needs a 2-D weight")
        self.kernel = kernel
        n = weight.shape[0]
        k = weight.shape[1]
        let count = n * k
        scales = .allocate(capacity: Swift.max(n, 1))
        sums = .allocate(capacity: Swift.max(n, 1))
        switch kernel.storage {
        case .int8:
            data = .allocate(byteCount: Swift.max(count, 1), alignment: 64)
            bv_quantize_weights_q8(weight.pointer, n, k, data.assumingMemoryBound(to: Int8.self), scales, sums)
        case .bf16:
            data = .allocate(byteCount: Swift.max(2 * count, 2), alignment: 64)
            scales.initialize(repeating: 1, count: Swift.max(n, 1))
            sums.initialize(repeating: 0, count: Swift.max(n, 1))
            bv_to_bf16(weight.pointer, count, data.assumingMemoryBound(to: UInt16.self))
        }
    }

    deinit {
        data.deallocate()
        scales.deallocate()
        sums.deallocate()
    }

    /// Bytes of the converted weights (what a decode step streams).
    public var byteCount: Int { kernel.storage == .int8 ? n * k + 8 * n : 2 * n * k }

    /// y (rows, n) = (accumulate ? y : 0) + bias + x (rows, k) · Wᵀ.
    public func apply(_ x: UnsafePointer<Float>, rows: Int, bias: UnsafePointer<Float>?, out: UnsafeMutablePointer<Float>,
                      accumulate: Bool = false) {
        guard rows > 0, n > 0 else { return }
        let acc: Int32 = accumulate ? 1 : 0, k = k, n = n, kernel = kernel
        let minChunk = Swift.max(64, n / 8 + 1)
        switch kernel {
        case .int8VNNI:
            // Each row's int8 form and scale depend on that row only.
            let xq = UnsafeMutablePointer<UInt8>.allocate(capacity: rows * k)
            let xs = UnsafeMutablePointer<Float>.allocate(capacity: rows)
            defer { xq.deallocate(); xs.deallocate() }
            bv_quantize_rows_q8(x, rows, k, xq, xs)
            let q = data.assumingMemoryBound(to: Int8.self)
            Tensors.parallelFor(n, minChunk: minChunk) { r in
                let j = r.lowerBound
                bv_rowdot_q8_vnni(q + j * k, scales + j, sums + j, k, r.count, xq, xs, rows, out + j, n, bias.map { $0 + j }, acc)
            }
        case .int8AVX512, .int8AVX2, .int8Portable:
            let q = data.assumingMemoryBound(to: Int8.self)
            Tensors.parallelFor(n, minChunk: minChunk) { r in
                let j = r.lowerBound, b = bias.map { $0 + j }
                switch kernel {
                case .int8AVX512: bv_rowdot_q8_avx512(q + j * k, scales + j, k, r.count, x, rows, out + j, n, b, acc)
                case .int8AVX2: bv_rowdot_q8_avx2(q + j * k, scales + j, k, r.count, x, rows, out + j, n, b, acc)
                default: bv_rowdot_q8_portable(q + j * k, scales + j, k, r.count, x, rows, out + j, n, b, acc)
                }
            }
        case .bf16DP:
            let xb = UnsafeMutablePointer<UInt16>.allocate(capacity: rows * k)
            defer { xb.deallocate() }
            bv_to_bf16(x, rows * k, xb)
            let w = data.assumingMemoryBound(to: UInt16.self)
            Tensors.parallelFor(n, minChunk: minChunk) { r in
                let j = r.lowerBound
                bv_rowdot_bf16_dp(w + j * k, k, r.count, xb, rows, out + j, n, bias.map { $0 + j }, acc)
            }
        case .bf16AVX512:
            let w = data.assumingMemoryBound(to: UInt16.self)
            Tensors.parallelFor(n, minChunk: minChunk) { r in
                let j = r.lowerBound
                bv_rowdot_bf16_dequant(w + j * k, k, r.count, x, rows, out + j, n, bias.map { $0 + j }, acc)
            }
        }
    }
}
