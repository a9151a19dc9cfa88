// Thread configuration shared by every kernel in this module.
//
// `Tensors.threadCount` (default: the active processor count) bounds both the
// Dispatch workers used by `parallelFor` and OpenBLAS's own thread pool
// (openblas_set_num_threads), so one knob controls all CPU parallelism.
// Every parallel kernel splits its work over independent output elements, so
// results are bit-identical for any thread count (no cross-thread reductions).
import Dispatch
import Foundation
#if canImport(Accelerate)
import Accelerate
#elseif canImport(COpenBLAS)
import COpenBLAS
#endif

public enum Tensors {
    private static let lock = NSLock()
    nonisolated(unsafe) private static var configuredThreads = 0
    nonisolated(unsafe) private static var requestedThreads = max(1, ProcessInfo.processInfo.activeProcessorCount)

    /// Worker threads for Dispatch kernels and OpenBLAS. Setting it reconfigures OpenBLAS immediately.
    public static var threadCount: Int {
        get { lock.lock(); defer { lock.unlock() }; return requestedThreads }
        set {
            lock.lock()
            requestedThreads = max(1, newValue)
            lock.unlock()
            configureBLAS()
        }
    }

    /// Applies `threadCount` to the BLAS library if it has not seen the current value yet.
    @inline(__always)
    static func configureBLAS() {
        lock.lock()
        let want = requestedThreads
        let have = configuredThreads
        if want != have { configuredThreads = want }
        lock.unlock()
        if want != have {
            #if !canImport(Accelerate) && canImport(COpenBLAS)
            openblas_set_num_threads(Int32(want))
            #endif
        }
    }

    /// Runs `body(range)` over `0..<count` split into contiguous chunks of at least `minChunk`
    /// items, on up to `threadCount` Dispatch workers. Each index is handled by exactly one call.
    public static func parallelFor(_ count: Int, minChunk: Int = 1, _ body: (Range<Int>) -> Void) {
        guard count > 0 else { return }
        let threads = threadCount
        let maxChunks = max(1, count / max(1, minChunk))
        let chunks = min(threads, maxChunks)
        if chunks <= 1 {
            body(0..<count)
            return
        }
        withoutActuallyEscaping(body) { body in
            DispatchQueue.concurrentPerform(iterations: chunks) { c in
                let lo = count * c / chunks
                let hi = count * (c + 1) / chunks
                if lo < hi { body(lo..<hi) }
            }
        }
    }
}
