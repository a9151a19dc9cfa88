// Building blocks of the ECAPA-TDNN speaker encoder, mirroring qwen_tts `TimeDelayNetBlock`, `Res2NetBlock`,
// `SqueezeExcitationBlock` and `SqueezeExcitationRes2NetBlock` (qwen_tts/core/models/modeling_qwen3_tts.py).
//
// Every conv is nn.Conv1d(padding="same", padding_mode="reflect") with a bias: total pad d·(k − 1), left
// total / 2 (floor), right the rest, reflected. There is no BatchNorm.
//   TDNN(x)          = ReLU(conv(x))
//   Res2Net(x)       = split channels into `scale` chunks; y0 = x0, y1 = TDNN_0(x1), yi = TDNN_{i−1}(xi + y_{i−1})
//   SE(x)            = x ⊙ sigmoid(conv2(ReLU(conv1(mean_t(x)))))
//   SERes2Net(x)     = x + SE(TDNN2(Res2Net(TDNN1(x))))          tdnn1 / tdnn2 are 1×1
import Foundation
import Neural
import Tensors

/// Conv1d with "same" reflect padding.
struct SpeakerConv: Sendable {
    let conv: Conv1d

    /// Loads `<scope>.{weight, bias}`.
    init(_ scope: WeightScope, inChannels: Int, outChannels: Int, kernelSize: Int, dilation: Int = 1) throws {
        let total = dilation * (kernelSize - 1)
        conv = try Conv1d(scope, inChannels: inChannels, outChannels: outChannels, kernelSize: kernelSize,
                          spec: Conv1dSpec(padLeft: total / 2, padRight: total - total / 2, dilation: dilation,
                                           paddingMode: .reflect))
    }

    /// x (B, Cin, T) → (B, Cout, T)
    func callAsFunction(_ x: Tensor) -> Tensor { conv(x) }
}

struct SpeakerTDNN: Sendable {
    let conv: SpeakerConv

    /// Loads `<scope>.conv.{weight, bias}`.
    init(_ scope: WeightScope, inChannels: Int, outChannels: Int, kernelSize: Int, dilation: Int) throws {
        conv = try SpeakerConv(scope.scope("conv"), inChannels: inChannels, outChannels: outChannels,
                               kernelSize: kernelSize, dilation: dilation)
    }

    /// x (B, Cin, T) → (B, Cout, T)
    func callAsFunction(_ x: Tensor) -> Tensor {
        var y = conv(x)
        Activation.relu.apply(&y)
        return y
    }
}

struct SpeakerRes2Net: Sendable {
    let blocks: [SpeakerTDNN]
    let scale: Int

    /// `scope` is `res2net_block` (holds `blocks.{0…scale−2}`).
    init(_ scope: WeightScope, channels: Int, scale: Int, kernelSize: Int, dilation: Int) throws {
        self.scale = scale
        let width = channels / scale
        blocks = try (0..<(scale - 1)).map { i in
            try SpeakerTDNN(scope.scope("blocks.\(i)"), inChannels: width, outChannels: width, kernelSize: kernelSize,
                            dilation: dilation)
        }
    }

    /// x (B, C, T) → (B, C, T)
    func callAsFunction(_ x: Tensor) -> Tensor {
        let width = x.shape[1] / scale
        let parts = x.split(axis: 1, sizes: [Int](repeating: width, count: scale)) // scale × (B, C/scale, T)
        var outputs: [Tensor] = [parts[0]]
        var previous = parts[0]
        for i in 1..<scale {
            previous = i == 1 ? blocks[0](parts[1]) : blocks[i - 1](parts[i] + previous) // (B, C/scale, T)
            outputs.append(previous)
        }
        return Tensor.concat(outputs, axis: 1) // (B, C, T)
    }
}

struct SpeakerSqueezeExcitation: Sendable {
    let conv1: SpeakerConv
    let conv2: SpeakerConv

    /// `scope` is `se_block`.
    init(_ scope: WeightScope, channels: Int, seChannels: Int) throws {
        conv1 = try SpeakerConv(scope.scope("conv1"), inChannels: channels, outChannels: seChannels, kernelSize: 1)
        conv2 = try SpeakerConv(scope.scope("conv2"), inChannels: seChannels, outChannels: channels, kernelSize: 1)
    }

    /// x (B, C, T) → (B, C, T)
    func callAsFunction(_ x: Tensor) -> Tensor {
        var s = conv1(x.mean(axis: 2, keepDims: true)) // (B, S, 1)
        Activation.relu.apply(&s)
        var g = conv2(s) // (B, C, 1)
        Activation.sigmoid.apply(&g)
        return x * g // (B, C, T)
    }
}

struct SpeakerSERes2NetBlock: Sendable {
    let tdnn1: SpeakerTDNN
    let res2net: SpeakerRes2Net
    let tdnn2: SpeakerTDNN
    let se: SpeakerSqueezeExcitation

    /// `scope` is `blocks.i` (i ≥ 1).
    init(_ scope: WeightScope, inChannels: Int, outChannels: Int, scale: Int, seChannels: Int, kernelSize: Int,
         dilation: Int) throws {
        tdnn1 = try SpeakerTDNN(scope.scope("tdnn1"), inChannels: inChannels, outChannels: outChannels, kernelSize: 1, dilation: 1)
        res2net = try SpeakerRes2Net(scope.scope("res2net_block"), channels: outChannels, scale: scale,
                                     kernelSize: kernelSize, dilation: dilation)
        tdnn2 = try SpeakerTDNN(scope.scope("tdnn2"), inChannels: outChannels, outChannels: outChannels, kernelSize: 1, dilation: 1)
        se = try SpeakerSqueezeExcitation(scope.scope("se_block"), channels: outChannels, seChannels: seChannels)
    }

    /// x (B, Cin, T) → (B, Cout, T) (Cin = Cout: identity residual)
    func callAsFunction(_ x: Tensor) -> Tensor {
        let h = se(tdnn2(res2net(tdnn1(x)))) // (B, Cout, T)
        return h + x
    }
}
