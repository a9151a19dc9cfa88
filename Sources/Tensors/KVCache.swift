// Preallocated key/value cache for autoregressive decoding: keys and values live in
// (B, H, capacity, D) buffers written in place; attention reads the first `length`
// rows of each head through strided views (no copies, no growth by concatenation).

public enum KVCacheError: Error, CustomStringConvertible {
    case overflow(capacity: Int, needed: Int)
    case shape(expected: [Int], got: [Int])
    case badIndex(Int, batch: Int)

    public var description: String {
        switch self {
        case let .overflow(c, n): return "KV cache holds \(c) positions, \(n) needed; allocate a larger capacity"
        case let .shape(e, g): return "KV cache append expects shape \(e), got \(g)"
        case let .badIndex(i, b): return "KV cache reorder index \(i) outside batch 0..<\(b)"
        }
    }
}

public final class KVCache {
    public let batch: Int
    public let heads: Int
    public let capacity: Int
    public let headDim: Int
    public let valueDim: Int
    public private(set) var length = 0
    private var keys: Tensor   // (B, H, capacity, D)
    private var values: Tensor // (B, H, capacity, Dv)

    public init(batch: Int, heads: Int, capacity: Int, headDim: Int, valueDim: Int? = nil) {
        self.batch = batch
        self.heads = heads
        self.capacity = capacity
        self.headDim = headDim
        self.valueDim = valueDim ?? headDim
        keys = Tensor(zeros: [batch, heads, capacity, headDim])
        values = Tensor(zeros: [batch, heads, capacity, self.valueDim])
    }

    /// Writes k (B, H, T, D) and v (B, H, T, Dv) at positions length..<length+T.
    public func append(keys k: Tensor, values v: Tensor) throws {
        let t = k.rank == 4 ? k.shape[2] : -1
        guard k.shape == [batch, heads, t, headDim] else { throw KVCacheError.shape(expected: [batch, heads, t, headDim], got: k.shape) }
        guard v.shape == [batch, heads, t, valueDim] else { throw KVCacheError.shape(expected: [batch, heads, t, valueDim], got: v.shape) }
        guard length + t <= capacity else { throw KVCacheError.overflow(capacity: capacity, needed: length + t) }
        let start = length
        Self.write(into: &keys, from: k, at: start, capacity: capacity, width: headDim)
        Self.write(into: &values, from: v, at: start, capacity: capacity, width: valueDim)
        length += t
    }

    private static func write(into dst: inout Tensor, from src: Tensor, at start: Int, capacity: Int, width: Int) {
        let bh = src.shape[0] * src.shape[1], t = src.shape[2]
        let sp = src.pointer
        dst.withUnsafeMutableBufferPointer { db in
            for i in 0..<bh {
                (db.baseAddress! + (i * capacity + start) * width).update(from: sp + i * t * width, count: t * width)
            }
        }
    }

    /// Attention of q (B, Hq, Tq, D) over the cached positions. The causal/window offset defaults
    /// to length − Tq (the queries are the newest positions, already appended).
    public func attend(queries q: Tensor, mask: AttentionMask? = nil, causal: Bool = true, scale: Float? = nil) -> Tensor {
        var m = mask ?? AttentionMask(causal: causal)
        if mask == nil { m.queryOffset = length - q.shape[2] }
        let kv = HeadsView(base: keys.pointer, batchStride: heads * capacity * headDim, headStride: capacity * headDim, rowStride: headDim)
        let vv = HeadsView(base: values.pointer, batchStride: heads * capacity * valueDim, headStride: capacity * valueDim, rowStride: valueDim)
        return Attention.attend(q: q, keys: kv, values: vv, kvHeads: heads, keyLength: length, valueDim: valueDim,
                                mask: m, scale: scale)
    }

    /// The cached keys / values as contiguous (B, H, length, ·) tensors (copies; for inspection and tests).
    public var cachedKeys: Tensor { keys.slice(axis: 2, start: 0, end: length) }
    public var cachedValues: Tensor { values.slice(axis: 2, start: 0, end: length) }

    /// Row b becomes old row indices[b] (beam-search reordering), in place.
    public func reorder(batchIndices: [Int]) throws {
        precondition(batchIndices.count == batch, "reorder needs \(batch) indices, got \(batchIndices.count)")
        for i in batchIndices where i < 0 || i >= batch { throw KVCacheError.badIndex(i, batch: batch) }
        if batchIndices == Array(0..<batch) { return }
        Self.reorder(&keys, indices: batchIndices, heads: heads, capacity: capacity, width: headDim, used: length)
        Self.reorder(&values, indices: batchIndices, heads: heads, capacity: capacity, width: valueDim, used: length)
    }

    private static func reorder(_ t: inout Tensor, indices: [Int], heads: Int, capacity: Int, width: Int, used: Int) {
        let old = t.storage.copy()
        let per = heads * capacity * width
        t.withUnsafeMutableBufferPointer { db in
            for (b, src) in indices.enumerated() {
                for h in 0..<heads {
                    let off = h * capacity * width
                    (db.baseAddress! + b * per + off).update(from: old.pointer + src * per + off, count: used * width)
                }
            }
        }
    }

    /// Drops positions ≥ newLength.
    public func truncate(to newLength: Int) {
        precondition(newLength >= 0 && newLength <= length, "truncate to \(newLength) outside 0...\(length)")
        length = newLength
    }

    public func reset() { length = 0 }
}
