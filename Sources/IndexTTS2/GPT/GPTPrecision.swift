// `--precision fast` for the IndexTTS2 GPT (UnifiedVoice's GPT-2 decode loop; docs/precision.md).
//   exact: every projection in fp32 (Conv1DProjection's kernels), equal to PyTorch fp32 within the parity tolerances.
//   fast:  the memory-bound decode-step projections — every block's c_attn, attn.c_proj, mlp.c_fc, mlp.c_proj and
//          mel_head — use reduced weights (Neural.ReducedMatrix), converted once at load from the fp32 checkpoint.
//          A decode step is a forward call with one new position per sequence (all beams' rows in one weight pass).
//          Prefill, the latent pass (many positions per call), embeddings, norms, attention and sampling stay fp32.
// The reduced kernels compute each output element with one fixed operation sequence whatever the number of rows
// in the call, so a beam row (or a segment's rows in a cross-segment batch) gets the same numbers alone or batched.
import Foundation
import Neural
import Tensors

/// One GPT-2 block's decode-step projections in reduced form, each (N, K) = output-major.
struct GPT2ReducedBlock: Sendable {
    let attn: ReducedMatrix     // (3H, H)
    let attnProj: ReducedMatrix // (H, H)
    let fc: ReducedMatrix       // (inner, H)
    let mlpProj: ReducedMatrix  // (H, inner)
}

extension Conv1DProjection {
    /// The weight converted to `reducedKernel`'s form, (N, K) (the fp32 weight is [N, K] when its kernel
    /// transposed it at load, else [K, N] and transposed here).
    func reduced(_ reducedKernel: ReducedKernel) -> ReducedMatrix {
        ReducedMatrix(kernel.transposesAtLoad ? weight : Conv1DProjection.transpose(weight), kernel: reducedKernel) // (N, K)
    }
}

extension GPT2Block {
    func reduced(_ kernel: ReducedKernel) -> GPT2Block {
        var b = self
        b.reduced = GPT2ReducedBlock(attn: attn.reduced(kernel), attnProj: attnProj.reduced(kernel), fc: fc.reduced(kernel),
                                     mlpProj: mlpProj.reduced(kernel))
        return b
    }

    /// Bytes one decode step reads from this block's projection weights (reduced form when there is one).
    var projectionBytes: Int {
        if let r = reduced { return r.attn.byteCount + r.attnProj.byteCount + r.fc.byteCount + r.mlpProj.byteCount }
        return 4 * (attn.weight.count + attnProj.weight.count + fc.weight.count + mlpProj.weight.count)
    }
}

extension UnifiedVoiceHeads {
    func reduced(_ kernel: ReducedKernel) -> UnifiedVoiceHeads {
        var h = self
        h.melHeadReduced = ReducedMatrix(melHead.weight, kernel: kernel) // (V, D)
        return h
    }
}

extension UnifiedVoiceGPT {
    /// The same model whose decode steps run on `kernel`'s reduced weights (converted now, once); the fp32
    /// weights, the conditioner and the embeddings are shared with `self`.
    public func reduced(_ kernel: ReducedKernel) -> UnifiedVoiceGPT {
        precondition(kernel.isSupported, "the reduced kernel \(kernel.rawValue) needs a CPU feature this CPU lacks")
        return UnifiedVoiceGPT(config: config, conditioner: conditioner, gpt: gpt.reduced(kernel), embeddings: embeddings,
                               heads: heads.reduced(kernel))
    }

    /// The reduced kernel of the decode steps; nil in exact mode.
    public var fastKernel: ReducedKernel? { gpt.fastKernel }

    /// Projection-weight bytes one decode step streams (blocks and mel_head), whatever the number of beams.
    public var decodeWeightBytesPerStep: Int { gpt.decodeWeightBytes + heads.melHeadBytes }
}

extension GPT2Model {
    /// The same backbone with reduced decode-step projections (fp32 tensors shared).
    func reduced(_ kernel: ReducedKernel) -> GPT2Model {
        GPT2Model(shape: shape, kernel: self.kernel, blocks: blocks.map { $0.reduced(kernel) }, lnFWeight: lnFWeight,
                  lnFBias: lnFBias, fastKernel: kernel)
    }

    var decodeWeightBytes: Int { blocks.reduce(0) { $0 + $1.projectionBytes } }
}

extension UnifiedVoiceHeads {
    var melHeadBytes: Int { melHeadReduced?.byteCount ?? 4 * melHead.weight.count }
}

/// The kernel `--precision fast` uses for the GPT on this CPU (docs/precision.md): the fastest int8 kernel.
public enum IndexTTS2FastKernel {
    public static var standard: ReducedKernel { ReducedKernel.bestInt8 }
}
