// A cross-segment decode step of the GPT-2 backbone: one new position for every sequence of several independent
// generations (segments, each with its own GPT2State: its prefix, cache and beams) in one pass over the weights.
// Each slot's rows come out bit for bit as a `forward(sequences: state.batch, rows: 1)` call for that slot alone
// (GPT2Block.forwardStep); the scratch for all rows lives here, each slot's attention scores in its own state.
import Foundation
import Tensors

/// Row scratch of a cross-segment step (grows, never shrinks; a step allocates nothing once sized).
public final class GPT2StepScratch {
    let normed = GPTBuffer(count: 1)  // rows · hidden
    let qkv = GPTBuffer(count: 1)     // rows · 3·hidden
    let context = GPTBuffer(count: 1) // rows · hidden
    let inner = GPTBuffer(count: 1)   // rows · inner
    /// Bench only: wall time per part of the steps it is attached to (nil in generation).
    public var profile: GPTStepProfile?

    public init() {}

    func reserve(rows: Int, shape s: GPT2Shape) {
        normed.reserve(rows * s.hidden)
        qkv.reserve(rows * 3 * s.hidden)
        context.reserve(rows * s.hidden)
        inner.reserve(rows * s.inner)
    }
}

extension GPT2Model {
    /// One decode step of every slot: `x` ((Σ slots[i].batch), hidden), slot after slot, each slot's sequences in
    /// order; on return `x` holds the last block's output (before ln_f), and every state has advanced by one position.
    public func forwardStep(_ x: UnsafeMutablePointer<Float>, slots: [GPT2State], scratch: GPT2StepScratch) throws {
        guard !slots.isEmpty else { return }
        for state in slots {
            guard state.shape == shape else { throw GPTError.badInput("a state was made for another GPT-2 shape") }
            guard state.length > 0 else { throw GPTError.badInput("a cross-segment decode step needs every slot prefilled") }
            try state.checkCapacity(1)
        }
        guard Set(slots.map { ObjectIdentifier($0) }).count == slots.count else {
            throw GPTError.badInput("a state appears twice in one cross-segment step")
        }
        let shared = slots.map { $0.writesShared(sequences: $0.batch) }
        scratch.reserve(rows: slots.reduce(0) { $0 + $1.batch }, shape: shape)
        for (state, sh) in zip(slots, shared) {
            state.reserve(rows: state.batch, keys: state.length + 1)
            if !sh { state.prepareGather(rows: 1) }
        }
        for (i, block) in blocks.enumerated() {
            block.forwardStep(x, slots: slots, shared: shared, layer: i, scratch: scratch)
        }
        for state in slots { state.commit(sequences: state.batch, rows: 1) }
    }
}
