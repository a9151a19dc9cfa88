// Dense Float32 tensor: row-major, contiguous, value semantics with copy-on-write.
// Storage may borrow memory owned by someone else (an mmap'd checkpoint); the
// borrowed region is mapped private/writable, so writes never reach the file.
import Foundation

public enum TensorError: Error, CustomStringConvertible {
    case shapeMismatch(op: String, expected: [Int], got: [Int])
    case invalidShape(op: String, detail: String)

    public var description: String {
        switch self {
        case let .shapeMismatch(op, expected, got):
            return "\(op): expected shape \(expected), got \(got)"
        case let .invalidShape(op, detail):
            return "\(op): \(detail)"
        }
    }
}

/// Reference-counted buffer of Float32 values.
public final class TensorStorage: @unchecked Sendable {
    public let pointer: UnsafeMutablePointer<Float>
    public let count: Int
    /// Keeps borrowed memory (e.g. an mmap) alive; nil when the storage owns its allocation.
    private let owner: AnyObject?

    /// Allocates `count` floats, zero-filled.
    public init(count: Int) {
        self.count = count
        // 64-byte alignment for SIMD and BLAS; large buffers are recycled (BufferPool).
        let raw = BufferPool.take(max(count, 1) * MemoryLayout<Float>.stride)
        pointer = raw.bindMemory(to: Float.self, capacity: max(count, 1))
        pointer.initialize(repeating: 0, count: max(count, 1))
        owner = nil
    }

    /// Allocates `count` floats left uninitialized: for kernels that write every element before anything reads it.
    init(uninitializedCount count: Int) {
        self.count = count
        let raw = BufferPool.take(max(count, 1) * MemoryLayout<Float>.stride)
        pointer = raw.bindMemory(to: Float.self, capacity: max(count, 1))
        owner = nil
    }

    /// Wraps memory owned by `owner` without copying.
    public init(borrowing pointer: UnsafeMutablePointer<Float>, count: Int, owner: AnyObject) {
        self.pointer = pointer
        self.count = count
        self.owner = owner
    }

    deinit {
        if owner == nil { BufferPool.give(UnsafeMutableRawPointer(pointer), bytes: max(count, 1) * MemoryLayout<Float>.stride) }
    }

    /// True when the memory belongs to someone else (e.g. an mmap'd file).
    public var isBorrowed: Bool { owner != nil }

    public func copy() -> TensorStorage {
        let s = TensorStorage(count: count)
        s.pointer.update(from: pointer, count: count)
        return s
    }
}

public struct Tensor: @unchecked Sendable {
    public private(set) var shape: [Int]
    public internal(set) var storage: TensorStorage

    public var count: Int { shape.reduce(1, *) }
    public var rank: Int { shape.count }

    /// Zero-filled tensor.
    public init(zeros shape: [Int]) {
        precondition(shape.allSatisfy { $0 >= 0 }, "negative dimension in \(shape)")
        self.shape = shape
        storage = TensorStorage(count: shape.reduce(1, *))
    }

    /// Tensor whose values are unspecified until written (module kernels that write every element).
    init(uninitialized shape: [Int]) {
        precondition(shape.allSatisfy { $0 >= 0 }, "negative dimension in \(shape)")
        self.shape = shape
        storage = TensorStorage(uninitializedCount: shape.reduce(1, *))
    }

    public init(shape: [Int], repeating value: Float) {
        self.init(zeros: shape)
        if value != 0 { storage.pointer.update(repeating: value, count: count) }
    }

    public init(shape: [Int], data: [Float]) {
        precondition(shape.reduce(1, *) == data.count, "shape \(shape) does not hold \(data.count) values")
        self.init(zeros: shape)
        data.withUnsafeBufferPointer { storage.pointer.update(from: $0.baseAddress!, count: data.count) }
    }

    public init(shape: [Int], storage: TensorStorage) {
        precondition(shape.reduce(1, *) <= storage.count, "shape \(shape) exceeds storage of \(storage.count)")
        self.shape = shape
        self.storage = storage
    }

    /// Read-only access to the contiguous values.
    public func withUnsafeBufferPointer<R>(_ body: (UnsafeBufferPointer<Float>) throws -> R) rethrows -> R {
        try body(UnsafeBufferPointer(start: storage.pointer, count: count))
    }

    /// Mutable access; copies the storage first if it is shared.
    public mutating func withUnsafeMutableBufferPointer<R>(_ body: (UnsafeMutableBufferPointer<Float>) throws -> R) rethrows -> R {
        makeUnique()
        return try body(UnsafeMutableBufferPointer(start: storage.pointer, count: count))
    }

    public mutating func makeUnique() {
        // Borrowed storage (an mmap'd checkpoint shared by every reader of the file) is never written in place.
        if !isKnownUniquelyReferenced(&storage) || storage.isBorrowed { storage = storage.copy() }
    }

    /// Raw pointer for kernels that promise not to write (read-only).
    public var pointer: UnsafePointer<Float> { UnsafePointer(storage.pointer) }

    public var array: [Float] { withUnsafeBufferPointer { Array($0) } }

    public subscript(flat i: Int) -> Float {
        get { storage.pointer[i] }
        set { makeUnique(); storage.pointer[i] = newValue }
    }

    /// Same values, new shape (one dimension may be -1).
    public func reshaped(_ newShape: [Int]) -> Tensor {
        var dims = newShape
        if let inferred = dims.firstIndex(of: -1) {
            let known = dims.enumerated().filter { $0.offset != inferred }.reduce(1) { $0 * $1.element }
            precondition(known > 0 && count % known == 0, "cannot reshape \(shape) to \(newShape)")
            dims[inferred] = count / known
        }
        precondition(dims.reduce(1, *) == count, "cannot reshape \(shape) to \(newShape)")
        return Tensor(shape: dims, storage: storage)
    }

    /// Row-major strides of `shape`.
    public static func strides(of shape: [Int]) -> [Int] {
        var s = [Int](repeating: 1, count: shape.count)
        var acc = 1
        for i in stride(from: shape.count - 1, through: 0, by: -1) {
            s[i] = acc
            acc *= shape[i]
        }
        return s
    }
}

extension Tensor: CustomStringConvertible {
    public var description: String {
        let preview = withUnsafeBufferPointer { Array($0.prefix(6)) }
        return "Tensor(shape: \(shape), first: \(preview))"
    }
}
