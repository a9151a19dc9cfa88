// Streaming memory bandwidth: a 1 GiB read (sum) and a 1 GiB → 1 GiB copy, split over
// `Tensors.threadCount` workers. Copy counts read + written bytes, like baseline.md.
import Foundation
import Tensors

extension Bench {
    static func memory(_ options: BenchOptions) -> [BenchTiming] {
        let n = streamFloats
        let src = makeStreamSource(n)
        let dst = UnsafeMutablePointer<Float>.allocate(capacity: n)
        defer { src.deallocate(); dst.deallocate() }
        Tensors.parallelFor(n, minChunk: 1 << 20) { r in (dst + r.lowerBound).update(repeating: 0, count: r.count) }
        let sum = timeStreamSum(src, n, runs: options.repetitions)
        let copy = time(runs: options.repetitions) {
            Tensors.parallelFor(n, minChunk: 1 << 20) { r in (dst + r.lowerBound).update(from: src + r.lowerBound, count: r.count) }
        }
        return [timing("stream sum", "1 GiB fp32", sum, work: Double(n * 4), unit: "GB/s"),
                timing("stream copy", "1 GiB -> 1 GiB", copy, work: Double(2 * n * 4), unit: "GB/s")]
    }

    /// Median streaming read bandwidth (GB/s) over a 1 GiB buffer: the machine-state figure that engine
    /// benchmarks report next to their bandwidth-bound decode steps.
    public static func streamReadGBps(repetitions: Int = 5) -> Double {
        let n = streamFloats
        let src = makeStreamSource(n)
        defer { src.deallocate() }
        let samples = timeStreamSum(src, n, runs: repetitions)
        return Double(n * 4) / samples.sorted()[samples.count / 2] / 1e9
    }

    /// Floats in the 1 GiB stream buffers.
    static let streamFloats = (1 << 30) / 4

    /// A buffer of `n` floats filled with a pattern (every page touched); the caller deallocates it.
    static func makeStreamSource(_ n: Int) -> UnsafeMutablePointer<Float> {
        let src = UnsafeMutablePointer<Float>.allocate(capacity: n)
        Tensors.parallelFor(n, minChunk: 1 << 20) { r in for i in r { src[i] = Float(i & 1023) * 1e-3 } }
        return src
    }

    /// Seconds of `runs` streaming sums over `src` (the checksum is logged so the sums are not optimized away).
    static func timeStreamSum(_ src: UnsafePointer<Float>, _ n: Int, runs: Int) -> [Double] {
        var sink: Float = 0
        let samples = time(runs: runs) { sink += streamSum(src, n) }
        logger.debug("stream sum checksum \(sink)")
        return samples
    }

    /// Sum with 16-lane accumulators (bandwidth-bound; reassociation is fine for a benchmark).
    static func streamSum(_ p: UnsafePointer<Float>, _ n: Int) -> Float {
        let threads = Tensors.threadCount
        var partial = [Float](repeating: 0, count: threads)
        partial.withUnsafeMutableBufferPointer { pb in
            let out = pb.baseAddress!
            DispatchQueue.concurrentPerform(iterations: threads) { t in
                let lo = n * t / threads, hi = n * (t + 1) / threads
                var a0 = SIMD16<Float>(), a1 = SIMD16<Float>()
                var i = lo
                let raw = UnsafeRawPointer(p)
                while i + 32 <= hi {
                    a0 += raw.loadUnaligned(fromByteOffset: i * 4, as: SIMD16<Float>.self)
                    a1 += raw.loadUnaligned(fromByteOffset: (i + 16) * 4, as: SIMD16<Float>.self)
                    i += 32
                }
                var s = (a0 + a1).sum()
                while i < hi { s += p[i]; i += 1 }
                out[t] = s
            }
        }
        return partial.reduce(0, +)
    }
}
