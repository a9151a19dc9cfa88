// SEANet encoder of the 12 Hz tokenizer's encoder half, mirroring transformers `MimiEncoder` and
// `MimiResnetBlock` (keys `encoder.encoder.layers.N`).
//
//   layers.0            causal conv audio_channels → num_filters, k = kernel_size
//   per ratio r in reversed(upsampling_ratios), dim = num_filters·2^i:
//     num_residual_layers × ResBlock(dim): x + conv(k1, dim/compress → dim)(ELU(conv(k = residual_kernel_size,
//                        dilation = growth^j, dim → dim/compress)(ELU(x))))   keys block.1 / block.3
//     ELU, causal conv dim → 2·dim, k = 2r, stride r
//   ELU, causal conv → hidden_size, k = last_kernel_size
// Every conv is causal with zero padding (left (k−1)·d + 1 − stride, plus the extra right pad that completes
// the last stride window); ELU has α = 1. Output rate: sampling_rate / prod(ratios) (25 Hz).
import Foundation
import Neural
import Tensors

struct CodecSEANetResBlock: Sendable {
    let conv1: CodecCausalConv1d
    let conv2: CodecCausalConv1d

    /// `scope` is `layers.N` (convs at `block.1` and `block.3`).
    init(_ scope: WeightScope, dim: Int, compress: Int, kernelSize: Int, dilation: Int) throws {
        let hidden = dim / compress
        conv1 = try CodecCausalConv1d(scope.scope("block.1"), inChannels: dim, outChannels: hidden,
                                      kernelSize: kernelSize, dilation: dilation)
        conv2 = try CodecCausalConv1d(scope.scope("block.3"), inChannels: hidden, outChannels: dim, kernelSize: 1)
    }

    /// x (B, dim, L) → (B, dim, L)
    func callAsFunction(_ x: Tensor) -> Tensor {
        let elu = Activation.elu(alpha: 1)
        let h = conv1(elu(x)) // (B, dim/compress, L)
        return conv2(elu(h), residual: x) // (B, dim, L), identity shortcut
    }
}

struct CodecSEANetEncoder: Sendable {
    enum Stage: Sendable {
        case conv(CodecCausalConv1d)
        case resBlock(CodecSEANetResBlock)
        case elu
    }

    let stages: [Stage]

    /// `scope` is `encoder.encoder` (holds `layers.N`). Layer indices follow the original's module list, ELUs
    /// included, so the keys line up with the checkpoint.
    init(_ scope: WeightScope, config c: Qwen3CodecEncoderConfig) throws {
        var stages: [Stage] = []
        func layer() -> WeightScope { scope.scope("layers.\(stages.count)") }
        stages.append(.conv(try CodecCausalConv1d(layer(), inChannels: c.audioChannels, outChannels: c.numFilters,
                                                  kernelSize: c.kernelSize)))
        var scale = 1
        for ratio in c.upsamplingRatios.reversed() {
            let dim = scale * c.numFilters
            for j in 0..<c.numResidualLayers {
                let dilation = Int(pow(Double(c.dilationGrowthRate), Double(j)))
                stages.append(.resBlock(try CodecSEANetResBlock(layer(), dim: dim, compress: c.compress,
                                                                kernelSize: c.residualKernelSize, dilation: dilation)))
            }
            stages.append(.elu)
            stages.append(.conv(try CodecCausalConv1d(layer(), inChannels: dim, outChannels: 2 * dim,
                                                      kernelSize: 2 * ratio, stride: ratio)))
            scale *= 2
        }
        stages.append(.elu)
        stages.append(.conv(try CodecCausalConv1d(layer(), inChannels: scale * c.numFilters, outChannels: c.hiddenSize,
                                                  kernelSize: c.lastKernelSize)))
        self.stages = stages
    }

    /// audio (B, 1, N) → (B, hidden_size, ⌈N / prod(ratios)⌉)
    func callAsFunction(_ x: Tensor) -> Tensor {
        var h = x
        for stage in stages {
            switch stage {
            case let .conv(conv): h = conv(h)
            case let .resBlock(block): h = block(h)
            case .elu: Activation.elu(alpha: 1).apply(&h)
            }
        }
        return h
    }
}
