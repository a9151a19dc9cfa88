// Per-generation state of the GPT-2 backbone: a KV cache preallocated for `capacity` positions of
// `batch` sequences (beams), written in place, plus scratch buffers that only grow. A decode step
// allocates nothing.
//
// Cache layout per layer: keys and values are (heads, physicalRows, headDim) blocks: head h of physical row r
// at (h·physicalRows + r)·headDim, so attention reads each head's keys and values as one contiguous run
// (a head's 64 floats of consecutive rows are adjacent; a row-major (rows, hidden) cache would make every
// head read 256 bytes per 5 KiB row, which the prefetchers do not follow). Positions written while every
// sequence is identical (the prefix, run once) are *shared*: position p lives in row p. After that, each sequence writes its own
// rows (row = shared + step·batch + b) and keeps a row table (position → row). Beam reordering — HF's
// `_reorder_cache`, an index_select of every layer's cache — then only copies row tables, never keys or
// values. With batch 1 every position is shared, so each head's cache is one contiguous (length, headDim) block.
import Foundation
import Tensors

typealias GPTBuffer = ScratchBuffer

public final class GPT2State {
    public let shape: GPT2Shape
    /// Sequences (beams) held.
    public let batch: Int
    /// Positions each sequence can hold.
    public let capacity: Int
    /// Positions written so far (the same for every sequence).
    public private(set) var length = 0
    /// Positions 0..<sharedLength are common to every sequence (rows 0..<sharedLength).
    public private(set) var sharedLength = 0

    let keys: [GPTBuffer]   // per layer (heads, physicalRows, headDim)
    let values: [GPTBuffer] // per layer (heads, physicalRows, headDim)
    /// Rows each layer's cache holds per head (capacity · batch).
    let physicalRows: Int
    /// Per sequence: physical row of position sharedLength + i, for i < length − sharedLength.
    private var rowTables: [[Int32]]

    /// (sequence, position) → physical row for the call in progress (per-sequence attention).
    private(set) var gatherTable: [Int] = []

    private(set) var rowCapacity = 0
    let normed = GPTBuffer(count: 1)  // rows · hidden
    let qkv = GPTBuffer(count: 1)     // rows · 3·hidden
    let context = GPTBuffer(count: 1) // rows · hidden
    let inner = GPTBuffer(count: 1)   // rows · inner
    let scores = GPTBuffer(count: 1)  // heads · rows · capacity (shared path) or batch · heads · capacity
    /// Bench only: wall time per part of the calls it is attached to (nil in generation).
    public var profile: GPTStepProfile?

    public init(shape: GPT2Shape, batch: Int, capacity: Int) {
        precondition(batch > 0 && capacity > 0, "GPT-2 state needs a positive batch and capacity")
        self.shape = shape
        self.batch = batch
        self.capacity = capacity
        physicalRows = capacity * batch
        let perLayer = physicalRows * shape.hidden
        keys = (0..<shape.layers).map { _ in GPTBuffer(count: perLayer) }
        values = (0..<shape.layers).map { _ in GPTBuffer(count: perLayer) }
        rowTables = Array(repeating: [], count: batch)
        for b in 0..<batch { rowTables[b].reserveCapacity(capacity) }
    }

    public func reset() {
        length = 0
        sharedLength = 0
        for b in 0..<batch { rowTables[b].removeAll(keepingCapacity: true) }
    }

    /// Whether a call for `sequences` sequences writes shared rows (one sequence while none has diverged).
    func writesShared(sequences: Int) -> Bool { batch == 1 || (sequences == 1 && length == sharedLength) }

    /// Physical row of position `p` of sequence `b`.
    @inline(__always) func row(_ b: Int, _ p: Int) -> Int {
        p < sharedLength ? p : Int(rowTables[b][p - sharedLength])
    }

    /// Physical rows for `count` new positions of each of `sequences` sequences; records them and advances.
    /// Returns the first row when shared (rows are consecutive), else row = shared + step·batch + b.
    func commit(sequences: Int, rows count: Int) {
        if writesShared(sequences: sequences) {
            sharedLength += count
        } else {
            precondition(sequences == batch, "after the shared prefix every call must carry all \(batch) sequences, got \(sequences)")
            for i in 0..<count {
                let step = length + i - sharedLength
                for b in 0..<batch { rowTables[b].append(Int32(sharedLength + step * batch + b)) }
            }
        }
        length += count
    }

    /// The physical row a not-yet-committed position `p` of sequence `b` will get.
    @inline(__always) func newRow(_ b: Int, _ p: Int, shared: Bool) -> Int {
        shared ? p : sharedLength + (p - sharedLength) * batch + b
    }

    /// Fills `gatherTable` for a per-sequence call adding `rows` positions to each sequence.
    func prepareGather(rows: Int) {
        let keys = length + rows
        gatherTable.removeAll(keepingCapacity: true)
        for b in 0..<batch {
            for p in 0..<keys { gatherTable.append(p < length ? row(b, p) : newRow(b, p, shared: false)) }
        }
    }

    /// Makes sure `length + rows` positions fit.
    func checkCapacity(_ rows: Int) throws {
        guard length + rows <= capacity else {
            throw GPTError.tooLong(what: "the KV cache", needed: length + rows, limit: capacity)
        }
    }

    /// Sizes the scratch for `rows` rows in one call whose attention spans up to `keys` positions.
    func reserve(rows: Int, keys: Int) {
        let s = shape
        if rows > rowCapacity {
            normed.reserve(rows * s.hidden)
            qkv.reserve(rows * 3 * s.hidden)
            context.reserve(rows * s.hidden)
            inner.reserve(rows * s.inner)
            rowCapacity = rows
        }
        scores.reserve(s.heads * rows * keys)
    }

    /// Sequence b continues old sequence `sources[b]` (beam reordering; HF `_reorder_cache`).
    public func reorder(_ sources: [Int]) {
        precondition(sources.count == batch && sources.allSatisfy { $0 >= 0 && $0 < batch },
                     "reorder needs \(batch) sequence indices in 0..<\(batch), got \(sources)")
        if sources == Array(0..<batch) { return }
        let old = rowTables
        for b in 0..<batch { rowTables[b] = old[sources[b]] }
    }

    /// A new state holding a copy of this one's positions (the bench's slots start from one prefill).
    func duplicate() -> GPT2State {
        let c = GPT2State(shape: shape, batch: batch, capacity: capacity)
        let count = capacity * batch * shape.hidden
        for l in 0..<shape.layers {
            c.keys[l].pointer.update(from: keys[l].pointer, count: count)
            c.values[l].pointer.update(from: values[l].pointer, count: count)
        }
        c.length = length
        c.sharedLength = sharedLength
        c.rowTables = rowTables
        return c
    }

    /// Keys of head `h` in `layer`: (physicalRows, headDim), physical row r at r·headDim.
    @inline(__always) func keyHead(_ layer: Int, _ h: Int) -> UnsafeMutablePointer<Float> {
        keys[layer].pointer + h * physicalRows * shape.headDim
    }
    /// Values of head `h` in `layer`: (physicalRows, headDim).
    @inline(__always) func valueHead(_ layer: Int, _ h: Int) -> UnsafeMutablePointer<Float> {
        values[layer].pointer + h * physicalRows * shape.headDim
    }

    /// Stores one position's key and value (hidden values each, head h at h·headDim) in physical row `r` of `layer`.
    @inline(__always) func store(layer: Int, row r: Int, key: UnsafePointer<Float>, value: UnsafePointer<Float>) {
        let d = shape.headDim, k = keys[layer].pointer + r * d, v = values[layer].pointer + r * d, stride = physicalRows * d
        for h in 0..<shape.heads {
            (k + h * stride).update(from: key + h * d, count: d)
            (v + h * stride).update(from: value + h * d, count: d)
        }
    }
}
