// Causal convolutions of the 12 Hz decoder, mirroring `Qwen3TTSTokenizerV2CausalConvNet` and
// `Qwen3TTSTokenizerV2CausalTransConvNet` (qwen_tts/core/tokenizer_12hz/modeling_qwen3_tts_tokenizer_v2.py).
//
// CausalConv: effective kernel K' = (K − 1)·d + 1, left zero pad K' − stride, plus the Mimi-style extra
// right pad that makes the last window complete: ideal = (⌈(L − K' + pad)/s + 1⌉ − 1)·s + (K' − pad), extra =
// ideal − L (0 for stride 1, so output length = input length).
// CausalTransConv: plain ConvTranspose1d (no padding), then the last K − stride samples are trimmed on the
// right only (upstream commit 5f8581d); output length L·stride.
import Foundation
import Neural
import Tensors

struct CodecCausalConv1d: Sendable {
    let conv: Conv1d
    let stride: Int
    let effectiveKernel: Int
    let padding: Int

    /// Loads `<scope>.conv.{weight, bias}` (no bias key when `bias` is false). `paddingMode` applies to both the
    /// causal left pad and the extra right pad (Mimi's encoder downsample uses `.replicate`). `convolutions` picks
    /// the backend for this layer's shape (ConvolutionPolicy).
    init(_ scope: WeightScope, inChannels: Int, outChannels: Int, kernelSize: Int, dilation: Int = 1,
         stride: Int = 1, groups: Int = 1, bias: Bool = true, paddingMode: PaddingMode = .zeros,
         convolutions: ConvolutionPolicy = .exact) throws {
        self.stride = stride
        effectiveKernel = (kernelSize - 1) * dilation + 1
        padding = effectiveKernel - stride
        conv = try Conv1d(scope.scope("conv"), inChannels: inChannels, outChannels: outChannels, kernelSize: kernelSize,
                          spec: Conv1dSpec(stride: stride, padLeft: 0, padRight: 0, dilation: dilation, groups: groups,
                                          paddingMode: paddingMode), bias: bias).using(convolutions)
    }

    /// Right padding that completes the last stride window (Mimi `_get_extra_padding_for_conv1d`).
    func extraPadding(length: Int) -> Int {
        let nFrames = Double(length - effectiveKernel + padding) / Double(stride) + 1
        let ideal = (Int(nFrames.rounded(.up)) - 1) * stride + (effectiveKernel - padding)
        return ideal - length
    }

    /// x (B, Cin, L) → (B, Cout, L') (L' = L for stride 1)
    func callAsFunction(_ x: Tensor, residual: Tensor? = nil) -> Tensor {
        var spec = conv.spec
        spec.padLeft = padding
        spec.padRight = extraPadding(length: x.shape[2])
        return conv(x, spec: spec, residual: residual)
    }
}

struct CodecCausalTransConv1d: Sendable {
    let conv: ConvTranspose1d
    let rightTrim: Int

    /// Loads `<scope>.conv.{weight (Cin, Cout, K), bias}`.
    init(_ scope: WeightScope, inChannels: Int, outChannels: Int, kernelSize: Int, stride: Int,
         convolutions: ConvolutionPolicy = .exact) throws {
        conv = try ConvTranspose1d(scope.scope("conv"), inChannels: inChannels, outChannels: outChannels,
                                   kernelSize: kernelSize, spec: ConvTranspose1dSpec(stride: stride)).using(convolutions)
        rightTrim = kernelSize - stride
    }

    /// x (B, Cin, L) → (B, Cout, L·stride)
    func callAsFunction(_ x: Tensor) -> Tensor {
        let y = conv(x) // (B, Cout, (L − 1)·s + K)
        guard rightTrim > 0 else { return y }
        return y.slice(axis: 2, start: 0, end: y.shape[2] - rightTrim) // (B, Cout, L·s)
    }
}
