// An owned, 64-byte aligned Float buffer that only grows (contents are not kept when it grows):
// KV caches and per-step scratch of the autoregressive decoders, so a decode step allocates nothing.

public final class ScratchBuffer {
    public private(set) var pointer: UnsafeMutablePointer<Float>
    public private(set) var count: Int

    /// A zero-filled buffer of at least one float.
    public init(count: Int) {
        self.count = Swift.max(count, 1)
        pointer = Self.allocate(self.count)
    }

    deinit { UnsafeMutableRawPointer(pointer).deallocate() }

    private static func allocate(_ n: Int) -> UnsafeMutablePointer<Float> {
        let raw = UnsafeMutableRawPointer.allocate(byteCount: n * MemoryLayout<Float>.stride, alignment: 64)
        let p = raw.bindMemory(to: Float.self, capacity: n)
        p.initialize(repeating: 0, count: n)
        return p
    }

    /// Makes room for `n` floats (zero-filled when it grows; contents are not kept).
    public func reserve(_ n: Int) {
        guard n > count else { return }
        UnsafeMutableRawPointer(pointer).deallocate()
        count = n
        pointer = Self.allocate(n)
    }
}
