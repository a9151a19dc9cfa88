// GEMM at 1024³ and decode-shaped products against nn.Linear [N, K] weights:
// M = 1 (GEMV), 3 (beam search) and 8 (batch), each sweeping `gemvSweep` distinct
// matrices per timed call so the weights stream from DRAM (bytes = weight bytes only).
import Foundation
import Tensors

extension Bench {
    static let decodeShapes: [(k: Int, n: Int)] = [(1280, 3840), (1280, 5120), (1024, 3072), (2048, 6144)]

    static func gemm(_ options: BenchOptions) -> [BenchTiming] {
        var rng = SeededRNG(seed: options.seed)
        let n = 1024
        let a = gaussian([n, n], std: 1, rng: &rng), b = gaussian([n, n], std: 1, rng: &rng)
        var c = Tensor(zeros: [n, n])
        let samples = time(runs: options.repetitions) {
            c.withUnsafeMutableBufferPointer { cp in
                BLAS.sgemm(m: n, n: n, k: n, a: a.pointer, lda: n, b: b.pointer, ldb: n, c: cp.baseAddress!, ldc: n)
            }
        }
        return [timing("gemm", "1024x1024x1024", samples, work: 2 * Double(n * n * n), unit: "GFLOP/s")]
    }

    /// Returns the timings and, per shape and M, the faster small-M strategy.
    static func gemv(_ options: BenchOptions) -> ([BenchTiming], [String: String]) {
        var out: [BenchTiming] = []
        var choice: [String: String] = [:]
        var rng = SeededRNG(seed: options.seed &+ 1)
        for (k, n) in decodeShapes {
            let sweep = options.gemvSweep
            // One allocation holding `sweep` weight matrices (N, K) back to back.
            var weights = Tensor(zeros: [sweep, n, k])
            weights.withUnsafeMutableBufferPointer { p in for i in 0..<p.count { p[i] = rng.nextFloat() - 0.5 } }
            let bytes = Double(sweep * n * k * 4)
            for m in [1, 3, 8] {
                let x = gaussian([m, k], std: 1, rng: &rng)
                var y = Tensor(zeros: [m, n])
                var best: (SmallMStrategy, Double)?
                for strategy in SmallMStrategy.allCases {
                    if m == 1 && strategy == .gemm {
                        // M = 1 through sgemm, for the record of why Linear uses sgemv there.
                        let s = time(runs: options.repetitions) {
                            y.withUnsafeMutableBufferPointer { yp in
                                for i in 0..<sweep {
                                    BLAS.sgemm(transB: true, m: 1, n: n, k: k, a: x.pointer, lda: k, b: weights.pointer + i * n * k,
                                               ldb: k, c: yp.baseAddress!, ldc: n)
                                }
                            }
                        }
                        out.append(timing("M=1 sgemm", "K=\(k) N=\(n) x\(sweep)", s, work: bytes, unit: "GB/s"))
                        continue
                    }
                    let s = time(runs: options.repetitions) {
                        y.withUnsafeMutableBufferPointer { yp in
                            for i in 0..<sweep {
                                LinearKernel.product(m: m, n: n, k: k, x: x.pointer, w: weights.pointer + i * n * k,
                                                     y: yp.baseAddress!, accumulate: false, strategy: strategy)
                            }
                        }
                    }
                    let name = m == 1 ? "M=1 sgemv" : "M=\(m) \(strategy.rawValue)"
                    let t = timing(name, "K=\(k) N=\(n) x\(sweep)", s, work: bytes, unit: "GB/s")
                    out.append(t)
                    if m > 1, best == nil || t.medianSeconds < best!.1 { best = (strategy, t.medianSeconds) }
                }
                if let b = best { choice["K=\(k) N=\(n) M=\(m)"] = b.0.rawValue }
            }
        }
        return (out, choice)
    }
}
