// Normalizations: LayerNorm and RMSNorm over the last axis, GroupNorm and
// inference-mode BatchNorm over the channel axis 1 of (B, C, …). Statistics are
// accumulated in Double, per row, in index order.
import Foundation

extension Tensor {
    /// torch.nn.functional.layer_norm over the last axis (biased variance).
    public func layerNorm(weight: Tensor?, bias: Tensor?, eps: Float) -> Tensor {
        let n = shape.last ?? 1
        if let w = weight { precondition(w.count == n, "layer_norm weight \(w.shape) vs last dim \(n)") }
        if let b = bias { precondition(b.count == n, "layer_norm bias \(b.shape) vs last dim \(n)") }
        var out = Tensor(zeros: shape)
        let rows = count / Swift.max(n, 1)
        let src = pointer, w = weight?.pointer, b = bias?.pointer
        out.withUnsafeMutableBufferPointer { ob in
            let o = ob.baseAddress!
            Tensors.parallelFor(rows, minChunk: Swift.max(1, 8192 / Swift.max(n, 1))) { r in
                for row in r {
                    let x = src + row * n, y = o + row * n
                    let (m, rstd) = meanAndInverseStd(x, count: n, eps: eps)
                    for j in 0..<n {
                        var t = (x[j] - m) * rstd
                        if let w { t *= w[j] }
                        if let b { t += b[j] }
                        y[j] = t
                    }
                }
            }
        }
        return out
    }

    /// RMSNorm over the last axis: x / sqrt(mean(x²) + eps) · weight (weight optional).
    /// `addOne` gives the Gemma-style (1 + weight) scale.
    public func rmsNorm(weight: Tensor?, eps: Float, addOne: Bool = false) -> Tensor {
        let n = shape.last ?? 1
        if let w = weight { precondition(w.count == n, "rms_norm weight \(w.shape) vs last dim \(n)") }
        var out = Tensor(zeros: shape)
        let rows = count / Swift.max(n, 1)
        let src = pointer, w = weight?.pointer
        out.withUnsafeMutableBufferPointer { ob in
            let o = ob.baseAddress!
            Tensors.parallelFor(rows, minChunk: Swift.max(1, 8192 / Swift.max(n, 1))) { r in
                for row in r {
                    let x = src + row * n, y = o + row * n
                    var s = 0.0
                    for j in 0..<n { s += Double(x[j]) * Double(x[j]) }
                    let rstd = Float(1 / (s / Double(n) + Double(eps)).squareRoot())
                    for j in 0..<n {
                        var t = x[j] * rstd
                        if let w { t *= addOne ? (1 + w[j]) : w[j] }
                        y[j] = t
                    }
                }
            }
        }
        return out
    }

    /// torch.nn.functional.group_norm for (B, C, …): statistics over (C/groups, …) per group.
    public func groupNorm(groups: Int, weight: Tensor?, bias: Tensor?, eps: Float) -> Tensor {
        precondition(rank >= 2, "group_norm needs (B, C, …), got \(shape)")
        let bsz = shape[0], c = shape[1]
        precondition(groups > 0 && c % groups == 0, "group_norm: \(c) channels not divisible by \(groups) groups")
        let spatial = count / Swift.max(bsz * c, 1)
        let cg = c / groups
        let groupSize = cg * spatial
        var out = Tensor(zeros: shape)
        let src = pointer, w = weight?.pointer, b = bias?.pointer
        out.withUnsafeMutableBufferPointer { ob in
            let o = ob.baseAddress!
            Tensors.parallelFor(bsz * groups) { r in
                for gi in r {
                    let g = gi % groups
                    let x = src + gi * groupSize, y = o + gi * groupSize
                    let (m, rstd) = meanAndInverseStd(x, count: groupSize, eps: eps)
                    for ci in 0..<cg {
                        let ch = g * cg + ci
                        let scale = (w?[ch] ?? 1) * rstd
                        let shift = (b?[ch] ?? 0) - m * scale
                        let xs = x + ci * spatial, ys = y + ci * spatial
                        for j in 0..<spatial { ys[j] = xs[j] * scale + shift }
                    }
                }
            }
        }
        return out
    }

    /// Inference-mode BatchNorm for (B, C, …) with running statistics.
    public func batchNorm(runningMean: Tensor, runningVar: Tensor, weight: Tensor?, bias: Tensor?, eps: Float) -> Tensor {
        precondition(rank >= 2, "batch_norm needs (B, C, …), got \(shape)")
        let c = shape[1]
        precondition(runningMean.count == c && runningVar.count == c, "batch_norm statistics need \(c) channels")
        var scale = [Float](repeating: 1, count: c), shift = [Float](repeating: 0, count: c)
        for ch in 0..<c {
            let inv = 1 / (runningVar[flat: ch] + eps).squareRoot()
            let s = (weight?[flat: ch] ?? 1) * inv
            scale[ch] = s
            shift[ch] = (bias?[flat: ch] ?? 0) - runningMean[flat: ch] * s
        }
        return scaleShiftChannels(scale: scale, shift: shift)
    }

    /// y[:, c, …] = x[:, c, …] · scale[c] + shift[c].
    public func scaleShiftChannels(scale: [Float], shift: [Float]) -> Tensor {
        let c = shape[1]
        let spatial = count / Swift.max(shape[0] * c, 1)
        var out = Tensor(zeros: shape)
        let src = pointer
        out.withUnsafeMutableBufferPointer { ob in
            let o = ob.baseAddress!
            Tensors.parallelFor(shape[0] * c, minChunk: Swift.max(1, 16384 / Swift.max(spatial, 1))) { r in
                for row in r {
                    let s = scale[row % c], t = shift[row % c]
                    let x = src + row * spatial, y = o + row * spatial
                    for j in 0..<spatial { y[j] = x[j] * s + t }
                }
            }
        }
        return out
    }
}

/// Mean and 1/sqrt(biased variance + eps) of `count` values, accumulated in Double (two passes,
/// fixed order, so the result never depends on threading). Shared by LayerNorm and GroupNorm.
@inline(__always)
private func meanAndInverseStd(_ x: UnsafePointer<Float>, count n: Int, eps: Float) -> (mean: Float, rstd: Float) {
    var s = 0.0
    for j in 0..<n { s += Double(x[j]) }
    let mean = s / Double(n)
    var v = 0.0
    for j in 0..<n { let d = Double(x[j]) - mean; v += d * d }
    return (Float(mean), Float(1 / (v / Double(n) + Double(eps)).squareRoot()))
}
