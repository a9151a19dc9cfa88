// torch.nn.functional.interpolate along the last axis, modes 'nearest' and
// 'linear' with align_corners=False. When a scale factor is given, torch maps
// output to input coordinates with 1/scale_factor (not in/out); we do the same.
import Foundation

public enum InterpolationMode: Sendable { case nearest, linear }

extension Tensor {
    /// Resizes the last axis to `size`, or to floor(L · scaleFactor) when `scaleFactor` is given.
    public func interpolate(size: Int? = nil, scaleFactor: Double? = nil, mode: InterpolationMode) -> Tensor {
        let lin = shape.last ?? 1
        let lout: Int
        let fs: Float // input coordinate per output step (Float, like torch's area_pixel_compute_scale)
        if let sf = scaleFactor {
            precondition(size == nil, "interpolate: give size or scaleFactor, not both")
            lout = Int((Double(lin) * sf).rounded(.down))
            fs = Float(1 / sf)
        } else if let s = size {
            lout = s
            fs = Float(lin) / Float(s)
        } else {
            preconditionFailure("interpolate needs size or scaleFactor")
        }
        precondition(lout >= 1 && lin >= 1, "interpolate: lengths must be ≥ 1 (in \(lin), out \(lout))")
        let rows = count / lin
        // Source index / weights per output position, computed in Float like torch's CPU kernel.
        var i0 = [Int](repeating: 0, count: lout), i1 = [Int](repeating: 0, count: lout)
        var w1 = [Float](repeating: 0, count: lout)
        for j in 0..<lout {
            switch mode {
            case .nearest:
                i0[j] = lout == lin ? j : (lout == 2 * lin ? j >> 1 : Swift.min(Int((Float(j) * fs).rounded(.down)), lin - 1))
            case .linear:
                let src = Swift.max((Float(j) + 0.5) * fs - 0.5, 0)
                let a = Swift.min(Int(src), lin - 1)
                i0[j] = a
                i1[j] = a < lin - 1 ? a + 1 : a
                w1[j] = src - Float(a)
            }
        }
        var out = Tensor(zeros: Array(shape.dropLast()) + [lout])
        let src = pointer
        out.withUnsafeMutableBufferPointer { ob in
            let o = ob.baseAddress!
            Tensors.parallelFor(rows, minChunk: Swift.max(1, 16384 / lout)) { r in
                for row in r {
                    let x = src + row * lin, y = o + row * lout
                    if mode == .nearest {
                        for j in 0..<lout { y[j] = x[i0[j]] }
                    } else {
                        for j in 0..<lout { y[j] = (1 - w1[j]) * x[i0[j]] + w1[j] * x[i1[j]] }
                    }
                }
            }
        }
        return out
    }
}
