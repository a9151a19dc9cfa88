// BigVGAN v2 generator (index-tts indextts/s2mel/modules/bigvgan/bigvgan.py, mirroring
// NVIDIA's bigvgan.py) for inference with weight norm removed:
//   conv_pre: Conv1d(num_mels, C0, 7, padding 3)
//   stage i: ConvTranspose1d(C_i, C_i/2, k_i, stride u_i, padding (k_i − u_i)/2), then the mean of
//            the stage's AMPBlock1s (sum / num_kernels, as the original divides)
//   activation_post: Activation1d(SnakeBeta/Snake), conv_post: Conv1d(C_last, 1, 7, padding 3, bias per config)
//   tanh (use_tanh_at_final) or clamp to [−1, 1].
// Weights: the generator state_dict (keys conv_pre.*, ups.i.0.*, resblocks.n.*, activation_post.*,
// conv_post.*), with weight_g/weight_v folded at load; every key must be consumed.
import Foundation
import Logging
import Tensors

public final class BigVGAN: @unchecked Sendable {
    public let config: BigVGANConfig
    let convPre: Conv1d
    let ups: [ConvTranspose1d]
    let resblocks: [AMPBlock1]
    let activationPost: Activation1d
    let convPost: Conv1d
    private static let logger = Logger(label: "bookvox.neural.bigvgan")

    /// Builds the generator from `config`, reading every weight from `weights` (strict: unused keys throw).
    /// `convolutions` picks the convolution backend per layer shape (exact: Tensors' im2col + sgemm everywhere).
    public init(config: BigVGANConfig, weights: WeightStore, convolutions: ConvolutionPolicy = .exact) throws {
        try config.validate()
        self.config = config
        let root = weights.root
        let c0 = config.upsampleInitialChannel
        convPre = try Conv1d(root.scope("conv_pre"), inChannels: config.numMels, outChannels: c0, kernelSize: 7,
                             spec: Conv1dSpec(padding: 3)).using(convolutions)
        var ups: [ConvTranspose1d] = []
        var blocks: [AMPBlock1] = []
        for (i, (u, k)) in zip(config.upsampleRates, config.upsampleKernelSizes).enumerated() {
            let cin = c0 >> i, cout = c0 >> (i + 1)
            ups.append(try ConvTranspose1d(root.scope("ups.\(i).0"), inChannels: cin, outChannels: cout, kernelSize: k,
                                           spec: ConvTranspose1dSpec(stride: u, padding: (k - u) / 2)).using(convolutions))
            for (j, (rk, dil)) in zip(config.resblockKernelSizes, config.resblockDilationSizes).enumerated() {
                let n = i * config.resblockKernelSizes.count + j
                blocks.append(try AMPBlock1(root.scope("resblocks.\(n)"), channels: cout, kernelSize: rk, dilations: dil,
                                            activation: config.activation, logScale: config.snakeLogscale,
                                            convolutions: convolutions))
            }
        }
        self.ups = ups
        resblocks = blocks
        let last = c0 >> config.upsampleRates.count
        activationPost = try BigVGAN.activation1d(root.scope("activation_post"), channels: last, kind: config.activation,
                                                  logScale: config.snakeLogscale)
        convPost = try Conv1d(root.scope("conv_post"), inChannels: last, outChannels: 1, kernelSize: 7,
                              spec: Conv1dSpec(padding: 3), bias: config.useBiasAtFinal).using(convolutions)
        try weights.finish()
        BigVGAN.logger.debug("BigVGAN built: \(config.upsampleRates.count) stages, \(blocks.count) AMP blocks, C0 \(c0)")
    }

    /// A generator from built parts (`using(_:)`: the same weights with other convolution backends).
    init(config: BigVGANConfig, convPre: Conv1d, ups: [ConvTranspose1d], resblocks: [AMPBlock1], activationPost: Activation1d,
         convPost: Conv1d) {
        self.config = config
        self.convPre = convPre
        self.ups = ups
        self.resblocks = resblocks
        self.activationPost = activationPost
        self.convPost = convPost
    }

    /// Activation1d around Snake ("snake": alpha only) or SnakeBeta ("snakebeta": alpha, beta).
    static func activation1d(_ scope: WeightScope, channels: Int, kind: String, logScale: Bool) throws -> Activation1d {
        let act: SnakeBeta
        switch kind {
        case "snakebeta": act = try SnakeBeta(scope.scope("act"), channels: channels, logScale: logScale)
        case "snake": act = try SnakeBeta.snake(scope.scope("act"), channels: channels, logScale: logScale)
        default: throw BigVGANError.unsupported(key: "activation", value: kind, expected: "snake or snakebeta")
        }
        return Activation1d(up: try UpSample1d(scope.scope("upsample"), ratio: 2),
                            down: try DownSample1d(scope.scope("downsample"), ratio: 2), act: act)
    }

    /// mel (B, num_mels, T) → waveform (B, 1, T · hop).
    public func callAsFunction(_ mel: Tensor) throws -> Tensor {
        guard mel.rank == 3, mel.shape[1] == config.numMels else {
            throw BigVGANError.badInput(expected: "(B, \(config.numMels), T)", got: mel.shape)
        }
        var x = convPre(mel) // (B, C0, T)
        let nk = config.resblockKernelSizes.count
        for i in 0..<ups.count {
            x = ups[i](x) // (B, C_i/2, T·u_0…u_i)
            var xs = resblocks[i * nk](x)
            for j in 1..<nk { xs.add(resblocks[i * nk + j](x)) }
            let inv = Float(nk)
            xs.apply { $0 / inv }
            x = xs
        }
        x = activationPost(x)
        x = convPost(x) // (B, 1, T·hop)
        if config.useTanhAtFinal {
            x.apply { tanhf($0) }
        } else {
            x.apply { Swift.min(Swift.max($0, -1), 1) }
        }
        return x
    }
}
