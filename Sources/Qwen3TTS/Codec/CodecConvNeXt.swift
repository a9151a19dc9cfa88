// One upsampling stage of the decoder (`decoder.upsample.<i>`): a causal ConvTranspose1d with
// kernel = stride = factor (no trim), then `Qwen3TTSTokenizerV2ConvNeXtBlock`:
//   y = x + gamma ⊙ pwconv2(GELU_erf(pwconv1(LayerNorm_1e-6(dwconv(x)))))   (channels-last in the middle)
// dwconv is a causal depthwise conv, kernel 7. pwconv1 widens to 4·dim, as the original hard-codes.
import Foundation
import Neural
import Tensors

struct CodecConvNeXtBlock: Sendable {
    static let kernelSize = 7
    static let expansion = 4
    static let layerNormEps: Float = 1e-6

    let dwconv: CodecCausalConv1d
    let norm: LayerNorm
    let pwconv1: Linear
    let pwconv2: Linear
    let gamma: Tensor // (dim)

    init(_ scope: WeightScope, dim: Int, convolutions: ConvolutionPolicy = .exact) throws {
        dwconv = try CodecCausalConv1d(scope.scope("dwconv"), inChannels: dim, outChannels: dim,
                                       kernelSize: CodecConvNeXtBlock.kernelSize, groups: dim, convolutions: convolutions)
        norm = try LayerNorm(scope.scope("norm"), dim: dim, eps: CodecConvNeXtBlock.layerNormEps)
        pwconv1 = try Linear(scope.scope("pwconv1"), inFeatures: dim, outFeatures: CodecConvNeXtBlock.expansion * dim)
        pwconv2 = try Linear(scope.scope("pwconv2"), inFeatures: CodecConvNeXtBlock.expansion * dim, outFeatures: dim)
        gamma = try scope.tensor("gamma", shape: [dim])
    }

    /// x (B, C, T) → (B, C, T)
    func callAsFunction(_ x: Tensor) -> Tensor {
        let d = dwconv(x).transposed(1, 2) // (B, T, C)
        var h = pwconv1(norm(d)) // (B, T, 4C)
        Activation.gelu.apply(&h)
        let y = (pwconv2(h) * gamma).transposed(1, 2) // (B, C, T)
        var out = x
        out.add(y)
        return out
    }
}

struct CodecUpsampleStage: Sendable {
    let transConv: CodecCausalTransConv1d
    let convNeXt: CodecConvNeXtBlock

    /// `scope` is `decoder.upsample.<i>`.
    init(_ scope: WeightScope, dim: Int, factor: Int, convolutions: ConvolutionPolicy = .exact) throws {
        transConv = try CodecCausalTransConv1d(scope.scope("0"), inChannels: dim, outChannels: dim, kernelSize: factor,
                                               stride: factor, convolutions: convolutions)
        convNeXt = try CodecConvNeXtBlock(scope.scope("1"), dim: dim, convolutions: convolutions)
    }
}
