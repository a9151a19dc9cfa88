// Bench-only wall-clock profile of GPT-2 decode steps: time per part of the blocks (norms, each projection,
// the KV-cache write, attention, gelu_new), summed over the layers of the calls it is attached to
// (GPT2State.profile, GPT2StepScratch.profile). Generation never attaches one; then each part costs one
// nil check.
import Foundation

public final class GPTStepProfile {
    /// The parts of a block, in the order they run. Residual adds are part of attn.c_proj / mlp.c_proj
    /// (the projections accumulate into the residual stream).
    public enum Part: Int, CaseIterable, Sendable {
        case layerNorms, cAttn, cacheWrite, attention, attnProj, cFc, gelu, mlpProj

        public var label: String {
            switch self {
            case .layerNorms: return "ln_1 + ln_2"
            case .cAttn: return "c_attn (H → 3H)"
            case .cacheWrite: return "KV cache write"
            case .attention: return "attention (scores, softmax, P·V)"
            case .attnProj: return "attn.c_proj (H → H) + residual"
            case .cFc: return "mlp.c_fc (H → 4H)"
            case .gelu: return "gelu_new"
            case .mlpProj: return "mlp.c_proj (4H → H) + residual"
            }
        }
    }

    private var nanos = [UInt64](repeating: 0, count: Part.allCases.count)
    private var last: UInt64 = 0

    public init() {}

    @inline(__always) func start() { last = DispatchTime.now().uptimeNanoseconds }

    /// Adds the time since the previous mark to `part`.
    @inline(__always) func lap(_ part: Part) {
        let t = DispatchTime.now().uptimeNanoseconds
        nanos[part.rawValue] &+= t &- last
        last = t
    }

    /// Seconds per part since the last call (or creation), and resets.
    public func take() -> [Double] {
        defer { for i in nanos.indices { nanos[i] = 0 } }
        return nanos.map { Double($0) * 1e-9 }
    }
}
