// Reuse of large tensor buffers.
//
// A convolutional decoder allocates and frees tensors of the same few large sizes over and over (the Qwen3
// codec's last block: 96 channels × 192 000 samples = 74 MB per activation, several per residual unit). glibc
// serves blocks that large with mmap and unmaps them on free, so every new activation page-faults all its pages
// back in, zero-filled by the kernel; below that threshold, 64-byte-aligned requests fragment the heap so a freed
// block is often a few bytes too small for the next request of the same size. Measured on the codec decoder
// (8 s of audio): a SnakeBeta pass over a fresh 74 MB tensor took 33 ms, over a reused one 6 ms.
//
// Buffers of at least `minimumBytes` are rounded up to a size class (8 classes per power of two, ≤ 12.5 %
// slack) and, when freed, kept for the next request of the same class, up to `capacityBytes` kept in total:
// a buffer that does not fit pushes out the least recently kept ones (back to the system), so the pool follows
// the sizes the current stage uses. Contents of a reused buffer are whatever was there: TensorStorage
// zero-fills every buffer it takes, so nothing observable depends on reuse.
import Foundation

public enum BufferPool {
    /// Smaller requests go straight to the system allocator.
    public static let minimumBytes = 1 << 20

    private static let lock = NSLock()
    /// Kept buffers, least recently kept first.
    nonisolated(unsafe) private static var kept: [(size: Int, pointer: UnsafeMutableRawPointer)] = []
    nonisolated(unsafe) private static var keptBytes = 0
    nonisolated(unsafe) private static var limit = defaultCapacity()

    /// Most bytes kept for reuse (default: a sixteenth of physical memory, at most 1 GiB). Lowering it releases
    /// kept buffers down to the new limit.
    public static var capacityBytes: Int {
        get { lock.lock(); defer { lock.unlock() }; return limit }
        set {
            lock.lock()
            limit = Swift.max(0, newValue)
            let released = evict(toFit: 0)
            lock.unlock()
            for p in released { p.deallocate() }
        }
    }

    /// Bytes currently kept for reuse.
    public static var keptByteCount: Int { lock.lock(); defer { lock.unlock() }; return keptBytes }

    /// The byte count actually allocated for a request of `bytes`.
    static func sizeClass(_ bytes: Int) -> Int {
        guard bytes >= minimumBytes else { return bytes }
        let top = Int.bitWidth - 1 - bytes.leadingZeroBitCount // floor(log2)
        let step = 1 << (top - 3)
        return (bytes + step - 1) / step * step
    }

    /// A 64-byte-aligned buffer of at least `bytes` bytes (contents unspecified).
    static func take(_ bytes: Int) -> UnsafeMutableRawPointer {
        let size = sizeClass(bytes)
        if size >= minimumBytes {
            lock.lock()
            if let i = kept.lastIndex(where: { $0.size == size }) {
                let p = kept.remove(at: i).pointer
                keptBytes -= size
                lock.unlock()
                return p
            }
            lock.unlock()
        }
        return UnsafeMutableRawPointer.allocate(byteCount: size, alignment: 64)
    }

    /// Returns a buffer from `take(bytes)` (same `bytes`).
    static func give(_ pointer: UnsafeMutableRawPointer, bytes: Int) {
        let size = sizeClass(bytes)
        if size >= minimumBytes {
            lock.lock()
            if size <= limit {
                let released = evict(toFit: size)
                kept.append((size, pointer))
                keptBytes += size
                lock.unlock()
                for p in released { p.deallocate() }
                return
            }
            lock.unlock()
        }
        pointer.deallocate()
    }

    /// Removes the least recently kept buffers until `extra` more bytes fit under the limit (lock held).
    private static func evict(toFit extra: Int) -> [UnsafeMutableRawPointer] {
        var released: [UnsafeMutableRawPointer] = []
        var n = 0
        while n < kept.count, keptBytes + extra > limit {
            released.append(kept[n].pointer)
            keptBytes -= kept[n].size
            n += 1
        }
        kept.removeFirst(n)
        return released
    }

    private static func defaultCapacity() -> Int {
        Int(Swift.min(ProcessInfo.processInfo.physicalMemory / 16, 1 << 30))
    }
}
