import CKernels
import Dispatch
import XCTest
@testable import Tensors

/// `Tensors.parallelFor` on the spinning pool (CKernels bv_pool_run) and its fallbacks: every index exactly once,
/// nested calls, several callers at once.
final class ParallelForTests: XCTestCase {
    /// Counts how often each index of 0..<count was visited by `run`.
    func visits(_ count: Int, _ run: (UnsafeMutablePointer<Int>) -> Void) -> [Int] {
        let seen = UnsafeMutablePointer<Int>.allocate(capacity: count)
        defer { seen.deallocate() }
        seen.initialize(repeating: 0, count: count)
        run(seen)
        return Array(UnsafeBufferPointer(start: seen, count: count))
    }

    func testEveryIndexExactlyOnceForManyCallsAndSizes() {
        let saved = Tensors.threadCount
        defer { Tensors.threadCount = saved }
        for threads in [1, 2, 3] {
            Tensors.threadCount = threads
            for count in [1, 2, 3, 17, 1000] {
                for _ in 0..<200 {
                    let v = visits(count) { seen in
                        Tensors.parallelFor(count) { r in for i in r { seen[i] += 1 } }
                    }
                    XCTAssertEqual(v, [Int](repeating: 1, count: count), "threads \(threads), count \(count)")
                }
            }
        }
    }

    func testNestedCallsComplete() {
        let v = visits(64 * 64) { seen in
            Tensors.parallelFor(64) { outer in
                for i in outer {
                    Tensors.parallelFor(64) { inner in for j in inner { seen[i * 64 + j] += 1 } }
                }
            }
        }
        XCTAssertEqual(v, [Int](repeating: 1, count: 64 * 64))
    }

    func testConcurrentCallersEachGetTheirWorkDone() {
        // Two threads call parallelFor at the same time, over and over: one gets the pool, the other the fallback.
        let count = 4096
        let v = visits(2 * count) { seen in
            DispatchQueue.concurrentPerform(iterations: 2) { caller in
                let base = seen + caller * count
                for round in 0..<64 {
                    let lo = round * count / 64, hi = (round + 1) * count / 64
                    Tensors.parallelFor(hi - lo) { r in for i in r { base[lo + i] += 1 } }
                }
            }
        }
        XCTAssertEqual(v, [Int](repeating: 1, count: 2 * count))
    }

    func testPoolDeclinesJobsLargerThanItsWorkers() {
        var ran = 0
        let status = withUnsafeMutablePointer(to: &ran) { p in
            bv_pool_run(1 << 21, 1, { ctx, _ in ctx!.assumingMemoryBound(to: Int.self).pointee += 1 }, p)
        }
        XCTAssertEqual(status, -1, "more chunks than the chunk field holds must be declined")
        XCTAssertEqual(ran, 0, "a declined job runs nothing")
    }
}
