import XCTest
@testable import Tensors

final class BufferPoolTests: XCTestCase {
    func testSizeClassesRoundUpByAtMostAnEighth() {
        XCTAssertEqual(BufferPool.sizeClass(1000), 1000) // below the pool's minimum: unchanged
        XCTAssertEqual(BufferPool.sizeClass(1 << 20), 1 << 20)
        XCTAssertEqual(BufferPool.sizeClass((1 << 20) + 1), (1 << 20) + (1 << 17))
        for bytes in [1 << 20, 3_000_001, 73_728_000, 999_999_999] {
            let c = BufferPool.sizeClass(bytes)
            XCTAssertGreaterThanOrEqual(c, bytes)
            XCTAssertLessThanOrEqual(Double(c), Double(bytes) * 1.125)
            XCTAssertEqual(BufferPool.sizeClass(c), c, "a class is its own class")
        }
    }

    /// A large tensor freed and allocated again reuses the buffer, and a reused buffer still reads as zeros.
    func testLargeBuffersAreReusedAndZeroed() {
        let saved = BufferPool.capacityBytes
        defer { BufferPool.capacityBytes = saved }
        BufferPool.capacityBytes = 64 << 20
        let count = 3 << 20 // 12 MiB
        var first: UnsafePointer<Float>?
        do {
            var t = Tensor(zeros: [count])
            t.withUnsafeMutableBufferPointer { $0.update(repeating: 7) }
            first = t.pointer
        }
        let again = Tensor(zeros: [count])
        XCTAssertEqual(again.pointer, first, "the freed buffer of the same class is handed out again")
        XCTAssertTrue(UnsafeBufferPointer(start: again.pointer, count: count).allSatisfy { $0 == 0 })
    }

    /// The pool never keeps more than its capacity, evicting the least recently kept buffers first.
    func testCapacityBoundsKeptBytes() {
        let saved = BufferPool.capacityBytes
        defer { BufferPool.capacityBytes = saved }
        BufferPool.capacityBytes = 0
        XCTAssertEqual(BufferPool.keptByteCount, 0)
        BufferPool.capacityBytes = 20 << 20
        do { _ = (0..<4).map { _ in Tensor(zeros: [(2 << 20) - 7]) } } // 4 × 8 MiB freed: only two fit
        XCTAssertLessThanOrEqual(BufferPool.keptByteCount, 20 << 20)
        XCTAssertEqual(BufferPool.keptByteCount, 16 << 20)
        BufferPool.capacityBytes = 10 << 20
        XCTAssertEqual(BufferPool.keptByteCount, 8 << 20)
    }
}
