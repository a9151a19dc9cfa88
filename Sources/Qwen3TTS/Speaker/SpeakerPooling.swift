// Attentive statistics pooling of the ECAPA-TDNN speaker encoder, mirroring qwen_tts `AttentiveStatisticsPooling`
// for an unpadded batch (every length = T, so the mask is all ones and `mask / total` = 1/T):
//
//   μ = Σ_t x / T,  σ = √(clamp(Σ_t (x − μ)² / T, min 1e-12))                     per channel
//   a = softmax_t( conv(tanh(TDNN(cat[x, μ, σ] over channels))) )               TDNN = 1×1 conv + ReLU
//   μ_w = Σ_t a·x,  σ_w = √(clamp(Σ_t a·(x − μ_w)², min 1e-12))
//   out = cat[μ_w, σ_w]                                                        (B, 2C, 1)
import Foundation
import Neural
import Tensors

struct SpeakerAttentivePooling: Sendable {
    let tdnn: SpeakerTDNN
    let conv: SpeakerConv
    static let eps: Float = 1e-12

    /// `scope` is `asp`.
    init(_ scope: WeightScope, channels: Int, attentionChannels: Int) throws {
        tdnn = try SpeakerTDNN(scope.scope("tdnn"), inChannels: channels * 3, outChannels: attentionChannels,
                               kernelSize: 1, dilation: 1)
        conv = try SpeakerConv(scope.scope("conv"), inChannels: attentionChannels, outChannels: channels, kernelSize: 1)
    }

    /// Weighted mean and std over time of x (B, C, T) with weights w (B, C, T) → two (B, C) tensors.
    static func statistics(_ x: Tensor, weights w: Tensor) -> (mean: Tensor, std: Tensor) {
        let (bsz, c, t) = (x.shape[0], x.shape[1], x.shape[2])
        var mean = Tensor(zeros: [bsz, c]), std = Tensor(zeros: [bsz, c])
        let xp = x.pointer, wp = w.pointer
        mean.withUnsafeMutableBufferPointer { mb in
            std.withUnsafeMutableBufferPointer { sb in
                for row in 0..<(bsz * c) {
                    let xr = xp + row * t, wr = wp + row * t
                    var m: Float = 0
                    for i in 0..<t { m += wr[i] * xr[i] }
                    var v: Float = 0
                    for i in 0..<t { let d = xr[i] - m; v += wr[i] * d * d }
                    mb[row] = m
                    sb[row] = Swift.max(v, eps).squareRoot()
                }
            }
        }
        return (mean, std)
    }

    /// x (B, C, T) → (B, 2C, 1)
    func callAsFunction(_ x: Tensor) -> Tensor {
        let (bsz, c, t) = (x.shape[0], x.shape[1], x.shape[2])
        let uniform = Tensor(shape: x.shape, repeating: 1 / Float(t))
        let (mu, sigma) = Self.statistics(x, weights: uniform) // (B, C) each
        let context = Tensor.concat([x, Self.repeated(mu, t), Self.repeated(sigma, t)], axis: 1) // (B, 3C, T)
        var scores = tdnn(context) // (B, A, T)
        Activation.tanh.apply(&scores)
        var attention = conv(scores) // (B, C, T)
        attention.softmaxInPlace() // over T
        let (mean, std) = Self.statistics(x, weights: attention) // (B, C) each
        return Tensor.concat([mean.reshaped([bsz, c, 1]), std.reshaped([bsz, c, 1])], axis: 1) // (B, 2C, 1)
    }

    /// (B, C) → (B, C, T), each value repeated over time.
    static func repeated(_ v: Tensor, _ t: Int) -> Tensor {
        var out = Tensor(zeros: v.shape + [t])
        out.withUnsafeMutableBufferPointer { o in
            for i in 0..<v.count { (o.baseAddress! + i * t).update(repeating: v[flat: i], count: t) }
        }
        return out
    }
}
