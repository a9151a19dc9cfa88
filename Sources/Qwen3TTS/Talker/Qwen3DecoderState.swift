// Per-sequence state of one Qwen3 decoder: a preallocated KV cache written in place, plus scratch
// buffers sized for the largest call seen so far. A decode step (1 row) allocates nothing; a prefill
// grows the scratch once. Positions are implicit: the next call starts at `length`, so resetting the
// cache (the code predictor, every frame) also restarts positions at 0.
//
// Cache layout per layer: keys and values (kvHeads, capacity, headDim), so one head's keys are one
// contiguous (length, headDim) block for the attention GEMMs.
import Foundation
import Tensors

typealias Qwen3Buffer = ScratchBuffer

public final class Qwen3DecoderState {
    public let shape: Qwen3DecoderShape
    /// Positions the cache holds.
    public let capacity: Int
    /// Positions written so far (= the position of the next row).
    public private(set) var length = 0

    let keys: [Qwen3Buffer]    // per layer (kvHeads, capacity, headDim)
    let values: [Qwen3Buffer]  // per layer (kvHeads, capacity, headDim)

    // Scratch, each `rows ×` the named width.
    private(set) var rowCapacity = 0
    let residual = Qwen3Buffer(count: 1)  // hidden
    let normed = Qwen3Buffer(count: 1)    // hidden
    let qkv = Qwen3Buffer(count: 1)       // qkvWidth
    let context = Qwen3Buffer(count: 1)   // qWidth
    let gateUp = Qwen3Buffer(count: 1)    // 2 · intermediate
    let activated = Qwen3Buffer(count: 1) // intermediate
    let scores = Qwen3Buffer(count: 1)    // capacity
    let cos = Qwen3Buffer(count: 1)       // headDim / 2
    let sin = Qwen3Buffer(count: 1)       // headDim / 2

    public init(shape: Qwen3DecoderShape, capacity: Int) {
        precondition(capacity > 0, "KV cache capacity must be positive")
        self.shape = shape
        self.capacity = capacity
        let perLayer = shape.kvHeads * capacity * shape.headDim
        keys = (0..<shape.layers).map { _ in Qwen3Buffer(count: perLayer) }
        values = (0..<shape.layers).map { _ in Qwen3Buffer(count: perLayer) }
        reserveRows(1)
    }

    /// Forgets every cached position; the next call starts at position 0.
    public func reset() { length = 0 }

    /// Drops positions ≥ `newLength`.
    public func truncate(to newLength: Int) {
        precondition(newLength >= 0 && newLength <= length, "truncate to \(newLength) outside 0...\(length)")
        length = newLength
    }

    func advance(by rows: Int) { length += rows }

    /// Sizes the scratch for calls of up to `rows` rows.
    func reserveRows(_ rows: Int) {
        guard rows > rowCapacity else { return }
        let s = shape
        residual.reserve(rows * s.hidden)
        normed.reserve(rows * s.hidden)
        qkv.reserve(rows * s.qkvWidth)
        context.reserve(rows * s.qWidth)
        gateUp.reserve(rows * 2 * s.intermediate)
        activated.reserve(rows * s.intermediate)
        scores.reserve(rows * capacity)
        cos.reserve(rows * s.headDim / 2)
        sin.reserve(rows * s.headDim / 2)
        rowCapacity = rows
    }

    /// Key block of (layer, kv head): (capacity, headDim), rows 0..<length valid.
    @inline(__always) func keyHead(_ layer: Int, _ head: Int) -> UnsafeMutablePointer<Float> {
        keys[layer].pointer + head * capacity * shape.headDim
    }

    @inline(__always) func valueHead(_ layer: Int, _ head: Int) -> UnsafeMutablePointer<Float> {
        values[layer].pointer + head * capacity * shape.headDim
    }
}
