// Weight-normalisation folding, as torch.nn.utils.remove_weight_norm does it:
//   w = g · v / ‖v‖, with ‖v‖ the L2 norm of v over every dimension except 0
//   (torch's `_weight_norm(v, g, dim=0)` → `v * (g / norm_except_dim(v, 2, 0))`).
// The norm is accumulated in Double and the product rounded to Float once.
import Foundation
import Tensors

public enum WeightNorm {
    /// `g` holds one gain per slice along dim 0 (`g.count == v.shape[0]`).
    public static func fold(g: Tensor, v: Tensor, key: String, label: String = "weight") throws -> Tensor {
        guard let rows = v.shape.first, g.count == rows else {
            throw WeightError.shapeMismatch(key: key + "_g (\(label) gain)", expected: [v.shape.first ?? 0], found: g.shape)
        }
        let inner = rows == 0 ? 0 : v.count / rows
        var out = Tensor(zeros: v.shape)
        let gp = g.pointer, vp = v.pointer
        out.withUnsafeMutableBufferPointer { dst in
            for r in 0..<rows {
                var sum = 0.0
                for i in 0..<inner {
                    let x = Double(vp[r * inner + i])
                    sum += x * x
                }
                let scale = Double(gp[r]) / sum.squareRoot()
                for i in 0..<inner {
                    dst[r * inner + i] = Float(Double(vp[r * inner + i]) * scale)
                }
            }
        }
        return out
    }
}
