// WeNet Conformer block as vendored in indextts/gpt/conformer_encoder.py (`ConformerEncoderLayer`,
// `ConvolutionModule`, `PositionwiseFeedForward`), with IndexTTS2's settings: pre-norm, no macaron FFN,
// no concat_after, SiLU activations, LayerNorm eps 1e-5 everywhere.
//   x = x + MHA(norm_mha(x));  x = x + Conv(norm_conv(x));  x = x + FFN(norm_ff(x));  x = norm_final(x)
// Conv module on (B, T, C): → (B, C, T), zero padded frames → pointwise_conv1 (C → 2C, k 1, bias) → GLU over
//   channels (first half · sigmoid(second half)) → depthwise Conv1d(C, k, symmetric zero pad (k−1)/2, bias)
//   → LayerNorm over channels → SiLU → pointwise_conv2 (k 1, bias) → zero padded frames → (B, T, C).
// FFN: w_2(SiLU(w_1(x))).
import Foundation
import Neural
import Tensors

struct ConformerConvolutionModule: Sendable {
    let pointwise1: Conv1d
    let depthwise: Conv1d
    let norm: LayerNorm
    let pointwise2: Conv1d

    init(_ scope: WeightScope, channels: Int, kernelSize: Int) throws {
        pointwise1 = try Conv1d(scope.scope("pointwise_conv1"), inChannels: channels, outChannels: 2 * channels, kernelSize: 1)
        depthwise = try Conv1d(scope.scope("depthwise_conv"), inChannels: channels, outChannels: channels, kernelSize: kernelSize,
                               spec: Conv1dSpec(padding: (kernelSize - 1) / 2, groups: channels))
        norm = try LayerNorm(scope.scope("norm"), dim: channels, eps: 1e-5)
        pointwise2 = try Conv1d(scope.scope("pointwise_conv2"), inChannels: channels, outChannels: channels, kernelSize: 1)
    }

    /// Zeroes the frames whose `valid` entry is false in (B, C, T).
    static func maskFrames(_ x: inout Tensor, valid: [[Bool]]) {
        let (b, c, t) = (x.shape[0], x.shape[1], x.shape[2])
        guard valid.contains(where: { $0.contains(false) }) else { return }
        x.withUnsafeMutableBufferPointer { buf in
            for bi in 0..<b { for ch in 0..<c { for j in 0..<t where !valid[bi][j] { buf[(bi * c + ch) * t + j] = 0 } } }
        }
    }

    /// x (B, T, C) → (B, T, C)
    func callAsFunction(_ x: Tensor, valid: [[Bool]]) -> Tensor {
        var h = x.transposed(1, 2) // (B, C, T)
        ConformerConvolutionModule.maskFrames(&h, valid: valid)
        let (b, c, t) = (h.shape[0], h.shape[1], h.shape[2])
        let ab = pointwise1(h) // (B, 2C, T)
        var glu = Tensor(zeros: [b, c, t]) // (B, C, T)
        let src = ab.pointer
        glu.withUnsafeMutableBufferPointer { o in
            for bi in 0..<b {
                for i in 0..<(c * t) {
                    let a = src[bi * 2 * c * t + i], g = src[bi * 2 * c * t + c * t + i]
                    o[bi * c * t + i] = a * (1 / (1 + expf(-g)))
                }
            }
        }
        var y = norm(depthwise(glu).transposed(1, 2)) // (B, T, C)
        Activation.silu.apply(&y)
        var out = pointwise2(y.transposed(1, 2)) // (B, C, T)
        ConformerConvolutionModule.maskFrames(&out, valid: valid)
        return out.transposed(1, 2) // (B, T, C)
    }
}

struct ConformerEncoderLayer: Sendable {
    let attention: RelPositionAttention
    let convModule: ConformerConvolutionModule
    let ffn1: Linear
    let ffn2: Linear
    let normMHA: LayerNorm
    let normConv: LayerNorm
    let normFF: LayerNorm
    let normFinal: LayerNorm

    init(_ scope: WeightScope, size: Int, heads: Int, linearUnits: Int, kernelSize: Int) throws {
        attention = try RelPositionAttention(scope.scope("self_attn"), size: size, heads: heads)
        convModule = try ConformerConvolutionModule(scope.scope("conv_module"), channels: size, kernelSize: kernelSize)
        ffn1 = try Linear(scope.scope("feed_forward.w_1"), inFeatures: size, outFeatures: linearUnits)
        ffn2 = try Linear(scope.scope("feed_forward.w_2"), inFeatures: linearUnits, outFeatures: size)
        normMHA = try LayerNorm(scope.scope("norm_mha"), dim: size, eps: 1e-5)
        normConv = try LayerNorm(scope.scope("norm_conv"), dim: size, eps: 1e-5)
        normFF = try LayerNorm(scope.scope("norm_ff"), dim: size, eps: 1e-5)
        normFinal = try LayerNorm(scope.scope("norm_final"), dim: size, eps: 1e-5)
    }

    /// x (B, T, C), posEmb (T, C), valid [B][T] → (B, T, C)
    func callAsFunction(_ x: Tensor, posEmb: Tensor, valid: [[Bool]]) -> Tensor {
        var h = x
        h.add(attention(normMHA(h), posEmb: posEmb, keyValid: valid))
        h.add(convModule(normConv(h), valid: valid))
        var f = ffn1(normFF(h)) // (B, T, U)
        Activation.silu.apply(&f)
        h.add(ffn2(f))
        return normFinal(h)
    }
}
