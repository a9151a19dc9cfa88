// `--precision exact|fast` for the Qwen3-TTS decode loop.
//   exact: every projection in fp32 (Qwen3RowKernel / BLAS), equal to PyTorch fp32 within the parity tolerances.
//   fast:  the memory-bound decode-step projections of the talker (q|k|v, o, gate|up, down, codec_head) and of the
//          code predictor (the same per layer, its lm_heads and small_to_mtp_projection) use reduced weights
//          (Neural.ReducedMatrix), converted once at load from the fp32 checkpoint. Prefill (many rows per call),
//          embeddings, norms, attention and the codec decoder stay fp32.
// The kernel per stage is chosen from the CPU's features by measurement (docs/precision.md): int8 with VNNI
// where the CPU has it, else int8 dequantized in AVX-512 / AVX2 registers, else the portable int8 loop.
import Foundation
import Neural

public enum Qwen3Precision: String, CaseIterable, Sendable, Codable {
    case exact, fast
}

/// The reduced kernels of one fast-mode model: one per stage.
public struct Qwen3FastPlan: Sendable, Equatable, CustomStringConvertible {
    public var talker: ReducedKernel
    public var codePredictor: ReducedKernel

    public init(talker: ReducedKernel, codePredictor: ReducedKernel) {
        precondition(talker.isSupported && codePredictor.isSupported, "the reduced kernel needs a CPU feature this CPU lacks")
        self.talker = talker
        self.codePredictor = codePredictor
    }

    /// The measured choice for this CPU (docs/precision.md, "Kernel choice").
    public static var standard: Qwen3FastPlan {
        let k = ReducedKernel.bestInt8
        return Qwen3FastPlan(talker: k, codePredictor: k)
    }

    public var description: String { "talker \(talker.rawValue), code predictor \(codePredictor.rawValue)" }
}

/// A decoder layer's decode-step projections in reduced form (Qwen3DecoderLayer.reduced).
struct Qwen3ReducedLayer: Sendable {
    let qkv: ReducedMatrix    // (qWidth + 2·kvWidth, hidden)
    let o: ReducedMatrix      // (hidden, qWidth)
    let gateUp: ReducedMatrix // (2·intermediate, hidden)
    let down: ReducedMatrix   // (hidden, intermediate)
}

extension Qwen3DecoderLayer {
    /// Bytes one decode step reads from this layer's projection weights (reduced form when there is one).
    var projectionBytes: Int {
        if let f = fastWeights { return f.qkv.byteCount + f.o.byteCount + f.gateUp.byteCount + f.down.byteCount }
        return 4 * (qkvWeight.count + oWeight.count + gateUpWeight.count + downWeight.count)
    }
}

extension Qwen3Talker {
    /// Projection-weight bytes one batch-1 frame streams: a talker step and codec_head, then the code predictor's
    /// groups − 1 steps (each through every layer, its projection and one lm_head).
    public var decodeWeightBytesPerFrame: Int {
        let talkerStep = decoder.layers.reduce(0) { $0 + $1.projectionBytes }
            + (codecHeadReduced?.byteCount ?? 4 * codecHead.count)
        let p = codePredictor
        let predictorStep = p.decoder.layers.reduce(0) { $0 + $1.projectionBytes }
            + (p.projectionReduced?.byteCount ?? 4 * (p.projection?.weight.count ?? 0))
        let heads = p.headsReduced.isEmpty ? p.heads.reduce(0) { $0 + 4 * $1.count } : p.headsReduced.reduce(0) { $0 + $1.byteCount }
        return talkerStep + (p.groups - 1) * predictorStep + heads
    }
}
