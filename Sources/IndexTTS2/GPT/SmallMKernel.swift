// y (rows, N) += x (rows, K) · Wᵀ for W stored [N, K] row-major and a handful of rows (beam decoding,
// M = 3): each weight row is read from memory once and dotted with every input row while it sits in L1,
// so the step streams the weights once (like one GEMM) without GEMM's packing. Output columns are split
// over the worker threads; every output element is one fixed-order dot product, so results do not
// depend on the thread count.
import Foundation
import Tensors

enum SmallMKernel {
    static let maxRows = 4

    static func product(rows: Int, n: Int, k: Int, x: UnsafePointer<Float>, w: UnsafePointer<Float>,
                        y: UnsafeMutablePointer<Float>) {
        precondition(rows >= 1 && rows <= maxRows, "small-M kernel takes 1…\(maxRows) rows, got \(rows)")
        Tensors.parallelFor(n, minChunk: 64) { cols in
            if rows == 3 && k % 16 == 0 {
                for j in cols { dot3(x, w + j * k, k, y + j, n) }
            } else {
                for j in cols {
                    let wr = w + j * k
                    for r in 0..<rows { y[r * n + j] += dot(x + r * k, wr, k) }
                }
            }
        }
    }

    @inline(__always)
    private static func load(_ p: UnsafePointer<Float>) -> SIMD8<Float> {
        UnsafeRawPointer(p).loadUnaligned(as: SIMD8<Float>.self)
    }

    /// y[0], y[n], y[2n] += x_r · w for the three rows of x (k a multiple of 16).
    @inline(__always)
    private static func dot3(_ x: UnsafePointer<Float>, _ w: UnsafePointer<Float>, _ k: Int,
                             _ y: UnsafeMutablePointer<Float>, _ n: Int) {
        var a0 = SIMD8<Float>(repeating: 0), b0 = a0, c0 = a0
        var a1 = a0, b1 = a0, c1 = a0
        let x1 = x + k, x2 = x + 2 * k
        var j = 0
        while j < k {
            let w0 = load(w + j), w1 = load(w + j + 8)
            a0 += load(x + j) * w0
            a1 += load(x + j + 8) * w1
            b0 += load(x1 + j) * w0
            b1 += load(x1 + j + 8) * w1
            c0 += load(x2 + j) * w0
            c1 += load(x2 + j + 8) * w1
            j += 16
        }
        y[0] += (a0 + a1).sum()
        y[n] += (b0 + b1).sum()
        y[2 * n] += (c0 + c1).sum()
    }

    /// x · w over k values with two SIMD8 accumulators and a scalar tail.
    @inline(__always)
    private static func dot(_ a: UnsafePointer<Float>, _ b: UnsafePointer<Float>, _ k: Int) -> Float {
        var s0 = SIMD8<Float>(repeating: 0), s1 = s0
        var j = 0
        while j + 16 <= k {
            s0 += load(a + j) * load(b + j)
            s1 += load(a + j + 8) * load(b + j + 8)
            j += 16
        }
        var s = (s0 + s1).sum()
        while j < k { s += a[j] * b[j]; j += 1 }
        return s
    }
}
