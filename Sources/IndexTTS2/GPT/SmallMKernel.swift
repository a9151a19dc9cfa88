// y (rows, N) += x (rows, K) · W for a handful of rows (beam decoding: M = 3), written so each weight is
// read from memory once — like one GEMM, without GEMM's packing of a 3-row panel:
//   outputMajor  W stored [N, K]: each weight row is dotted with every input row while it sits in L1.
//   inputMajor   W stored [K, N] (Conv1D as checkpointed): per block of output columns, y rows stay in L1
//                while the weight rows' contiguous runs stream through (y[r] += x[r, k] · W[k, block]).
// Output columns are split over the worker threads; every output element is produced by a fixed-order
// computation that does not depend on the split, so results do not depend on the thread count.
import Foundation
import Tensors

enum SmallMKernel {
    static let maxRows = 4
    /// Above this inner size the row kernel loses to per-row sgemv on the 2-core Zen 5 VM (GPTBench: the
    /// 5120 → 1280 projection; three 20 KiB input rows no longer fit L1 beside the weight stream, while a
    /// 26 MB matrix read three times back to back mostly comes from the 32 MB L3).
    static let maxInner = 2048
    /// Output columns per block of the input-major kernel (2 KiB runs of a weight row).
    static let columnBlock = 512

    @inline(__always)
    private static func load(_ p: UnsafePointer<Float>) -> SIMD8<Float> {
        UnsafeRawPointer(p).loadUnaligned(as: SIMD8<Float>.self)
    }

    @inline(__always)
    private static func store(_ v: SIMD8<Float>, _ p: UnsafeMutablePointer<Float>) {
        UnsafeMutableRawPointer(p).storeBytes(of: v, as: SIMD8<Float>.self)
    }

    // MARK: W [N, K]

    static func outputMajor(rows: Int, n: Int, k: Int, x: UnsafePointer<Float>, w: UnsafePointer<Float>,
                            y: UnsafeMutablePointer<Float>) {
        precondition(rows >= 1 && rows <= maxRows, "small-M kernel takes 1…\(maxRows) rows, got \(rows)")
        Tensors.parallelFor(n, minChunk: 64) { cols in
            if rows == 3 && k % 16 == 0 {
                for j in cols { dot3(x, stride: k, w + j * k, k, y + j, n) }
            } else {
                for j in cols {
                    let wr = w + j * k
                    for r in 0..<rows { y[r * n + j] += dot(x + r * k, wr, k) }
                }
            }
        }
    }

    /// Several independent row groups (one cross-segment decode step: each segment's beams) in one weight pass:
    /// group g's rows get exactly what `outputMajor(rows: groups[g], …)` gives them alone (the same `dot3` / `dot`
    /// per output element), while each weight row is read once for every group. Groups of 1…`maxRows` rows.
    static func outputMajorGrouped(groups: [Int], n: Int, k: Int, x: UnsafePointer<Float>, w: UnsafePointer<Float>,
                                   y: UnsafeMutablePointer<Float>) {
        precondition(groups.allSatisfy { $0 >= 1 && $0 <= maxRows }, "small-M groups take 1…\(maxRows) rows, got \(groups)")
        var starts: [Int] = [], first = 0
        for g in groups { starts.append(first); first += g }
        starts.withUnsafeBufferPointer { sb in
            groups.withUnsafeBufferPointer { gb in
                let st = sb.baseAddress!, gr = gb.baseAddress!, count = gb.count
                Tensors.parallelFor(n, minChunk: 64) { cols in
                    for j in cols {
                        let wr = w + j * k
                        for g in 0..<count {
                            let rows = gr[g], xg = x + st[g] * k, yg = y + st[g] * n
                            if rows == 3 && k % 16 == 0 {
                                dot3(xg, stride: k, wr, k, yg + j, n)
                            } else {
                                for r in 0..<rows { yg[r * n + j] += dot(xg + r * k, wr, k) }
                            }
                        }
                    }
                }
            }
        }
    }

    /// y[0], y[n], y[2n] += x_r[0..<k] · w[0..<k] for the three rows of x (row stride `stride`; k a multiple of 16).
    @inline(__always)
    private static func dot3(_ x: UnsafePointer<Float>, stride: Int, _ w: UnsafePointer<Float>, _ k: Int,
                             _ y: UnsafeMutablePointer<Float>, _ n: Int) {
        var a0 = SIMD8<Float>(repeating: 0), b0 = a0, c0 = a0
        var a1 = a0, b1 = a0, c1 = a0
        let x1 = x + stride, x2 = x + 2 * stride
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

    // MARK: W [K, N]

    static func inputMajor(rows: Int, n: Int, k: Int, x: UnsafePointer<Float>, w: UnsafePointer<Float>,
                           y: UnsafeMutablePointer<Float>) {
        precondition(rows >= 1 && rows <= maxRows, "small-M kernel takes 1…\(maxRows) rows, got \(rows)")
        let blocks = (n + columnBlock - 1) / columnBlock
        Tensors.parallelFor(blocks) { range in
            for blk in range {
                let c0 = blk * columnBlock, width = min(columnBlock, n - c0)
                let vec = width / 8 * 8
                for kk in 0..<k {
                    let wr = w + kk * n + c0
                    if rows == 3 {
                        let s0 = SIMD8<Float>(repeating: x[kk]), s1 = SIMD8<Float>(repeating: x[k + kk])
                        let s2 = SIMD8<Float>(repeating: x[2 * k + kk])
                        let y0 = y + c0, y1 = y + n + c0, y2 = y + 2 * n + c0
                        var j = 0
                        while j < vec {
                            let wv = load(wr + j)
                            store(load(y0 + j) + s0 * wv, y0 + j)
                            store(load(y1 + j) + s1 * wv, y1 + j)
                            store(load(y2 + j) + s2 * wv, y2 + j)
                            j += 8
                        }
                        while j < width {
                            y0[j] += x[kk] * wr[j]; y1[j] += x[k + kk] * wr[j]; y2[j] += x[2 * k + kk] * wr[j]
                            j += 1
                        }
                    } else {
                        for r in 0..<rows {
                            let a = x[r * k + kk], yr = y + r * n + c0
                            for j in 0..<width { yr[j] += a * wr[j] }
                        }
                    }
                }
            }
        }
    }
}
