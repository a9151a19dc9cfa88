// Thread configuration shared by every kernel in this module.
//
// `Tensors.threadCount` (default: the active processor count) bounds the threads
// workers used by `parallelFor`. OpenBLAS is pinned to one thread
// (openblas_set_num_threads(1)) and BLAS calls are parallelized by `BLAS` itself over
// shape-only partitions, so one knob controls all CPU parallelism and results are
// bit-identical for any thread count (every output element is computed by one worker,
// in an order that does not depend on how many workers there are).
import CKernels
import Dispatch
import Foundation
#if canImport(Accelerate)
import Accelerate
#elseif canImport(COpenBLAS)
import COpenBLAS
#endif

public enum Tensors {
    private static let lock = NSLock()
    nonisolated(unsafe) private static var requestedThreads = Swift.max(1, ProcessInfo.processInfo.activeProcessorCount)

    /// Worker threads for Dispatch kernels (and so for BLAS calls, which `BLAS` splits itself).
    public static var threadCount: Int {
        get { lock.lock(); defer { lock.unlock() }; return requestedThreads }
        set {
            lock.lock()
            requestedThreads = Swift.max(1, newValue)
            lock.unlock()
        }
    }

    /// Pins OpenBLAS to one thread, once (Swift runs a static initializer exactly once, thread-safely);
    /// `BLAS` parallelizes over fixed partitions instead.
    private static let blasPinned: Bool = {
        #if !canImport(Accelerate) && canImport(COpenBLAS)
        openblas_set_num_threads(1)
        #endif
        return true
    }()

    @inline(__always)
    static func configureBLAS() { _ = blasPinned }

    /// Runs `body(range)` over `0..<count` split into contiguous chunks of at least `minChunk`
    /// items, on up to `threadCount` threads. Each index is handled by exactly one call, and the split depends on
    /// `count`, `minChunk` and `threadCount` only. The chunks run on CKernels' pool, whose workers spin for a moment
    /// between jobs: a Dispatch worker that went idle takes about 50 µs to start on this 2-vCPU VM, and a decode
    /// step makes hundreds of calls of 100–300 µs (measured: 10–20 % off a Qwen3 batch-1 frame). When the pool is busy
    /// (another thread's job, or a call from inside a job) the chunks go to DispatchQueue.concurrentPerform.
    public static func parallelFor(_ count: Int, minChunk: Int = 1, _ body: (Range<Int>) -> Void) {
        guard count > 0 else { return }
        let threads = threadCount
        let maxChunks = Swift.max(1, count / Swift.max(1, minChunk))
        let chunks = Swift.min(threads, maxChunks)
        if chunks <= 1 {
            body(0..<count)
            return
        }
        withoutActuallyEscaping(body) { body in
            let chunk: (Int) -> Void = { c in
                let lo = count * c / chunks
                let hi = count * (c + 1) / chunks
                if lo < hi { body(lo..<hi) }
            }
            if !runOnPool(chunks, workers: Swift.min(threads, processors) - 1, chunk) {
                DispatchQueue.concurrentPerform(iterations: chunks, execute: chunk)
            }
        }
    }

    /// The pool never has more threads than processors (spinning workers would steal time from each other); a
    /// `threadCount` above that sends the chunks to Dispatch.
    private static let processors = Swift.max(1, ProcessInfo.processInfo.activeProcessorCount)

    /// Runs `chunk(0..<chunks)` on CKernels' spinning pool (bv_pool_run); false when the pool declined the job
    /// (busy with another caller's job, a nested call, or more chunks than workers + 1).
    private static func runOnPool(_ chunks: Int, workers: Int, _ chunk: @escaping (Int) -> Void) -> Bool {
        guard workers >= 1 else { return false }
        var task = chunk
        return withUnsafeMutablePointer(to: &task) { p in
            bv_pool_run(chunks, Int32(workers), { ctx, c in
                ctx!.assumingMemoryBound(to: ((Int) -> Void).self).pointee(c)
            }, p) == 0
        }
    }
}
