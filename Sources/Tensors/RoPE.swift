// Rotary position embedding, both layouts:
//   * rotateHalf (GPT-NeoX / HF Llama, Qwen): pairs (i, i + d/2);
//   * interleaved (GPT-J / original RoFormer): pairs (2i, 2i + 1).
// inv_freq[i] = 1 / base^(2i/d) and angles are computed in Float32 as HF does.
// Only the first `rotaryDim` features of each head are rotated (partial rotary).
import Foundation

public enum RoPELayout: String, Sendable, Codable { case rotateHalf, interleaved }

public struct RotaryEmbedding: Sendable {
    public let rotaryDim: Int
    public let base: Float
    public let layout: RoPELayout
    public let invFreq: [Float]

    public init(rotaryDim: Int, base: Float = 10000, layout: RoPELayout) {
        precondition(rotaryDim > 0 && rotaryDim % 2 == 0, "rotary dim must be even and positive, got \(rotaryDim)")
        self.rotaryDim = rotaryDim
        self.base = base
        self.layout = layout
        invFreq = (0..<(rotaryDim / 2)).map { i in 1 / powf(base, Float(2 * i) / Float(rotaryDim)) }
    }

    /// cos and sin tables (T, rotaryDim/2) for the given positions.
    public func tables(positions: [Int]) -> (cos: [Float], sin: [Float]) {
        let half = rotaryDim / 2
        var c = [Float](repeating: 0, count: positions.count * half), s = c
        for (t, p) in positions.enumerated() {
            for i in 0..<half {
                let a = Float(p) * invFreq[i]
                c[t * half + i] = cosf(a)
                s[t * half + i] = sinf(a)
            }
        }
        return (c, s)
    }

    /// Rotates x (…, D) in place. `timeAxis` is the axis indexed by `positions` (e.g. 2 for
    /// (B, H, T, D), 1 for (B, T, H, D)).
    public func apply(_ x: inout Tensor, positions: [Int], timeAxis: Int) {
        let ax = x.normalizeAxis(timeAxis)
        let d = x.shape[x.rank - 1]
        precondition(ax < x.rank - 1, "time axis must precede the feature axis")
        precondition(x.shape[ax] == positions.count, "\(positions.count) positions for time axis of size \(x.shape[ax])")
        precondition(rotaryDim <= d, "rotary dim \(rotaryDim) exceeds head dim \(d)")
        let t = positions.count
        let inner = x.shape[(ax + 1)..<(x.rank - 1)].reduce(1, *) // rows per time step
        let rows = x.count / d
        let (ct, st) = tables(positions: positions)
        let half = rotaryDim / 2
        let layout = self.layout
        ct.withUnsafeBufferPointer { cb in
            st.withUnsafeBufferPointer { sb in
                x.withUnsafeMutableBufferPointer { xb in
                    let base = xb.baseAddress!
                    Tensors.parallelFor(rows, minChunk: 256) { r in
                        for row in r {
                            let ti = (row / inner) % t
                            RotaryEmbedding.rotate(base + row * d, cos: cb.baseAddress! + ti * half,
                                                   sin: sb.baseAddress! + ti * half, half: half, layout: layout)
                        }
                    }
                }
            }
        }
    }

    @inline(__always)
    static func rotate(_ p: UnsafeMutablePointer<Float>, cos c: UnsafePointer<Float>, sin s: UnsafePointer<Float>,
                       half: Int, layout: RoPELayout) {
        switch layout {
        case .rotateHalf:
            for i in 0..<half {
                let x1 = p[i], x2 = p[i + half]
                p[i] = x1 * c[i] - x2 * s[i]
                p[i + half] = x2 * c[i] + x1 * s[i]
            }
        case .interleaved:
            for i in 0..<half {
                let x1 = p[2 * i], x2 = p[2 * i + 1]
                p[2 * i] = x1 * c[i] - x2 * s[i]
                p[2 * i + 1] = x2 * c[i] + x1 * s[i]
            }
        }
    }
}
