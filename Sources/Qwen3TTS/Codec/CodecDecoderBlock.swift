// `Qwen3TTSTokenizerV2DecoderDecoderBlock` and its residual units.
//
// Block i (in = decoder_dim / 2^i, out = in / 2, rate r = upsample_rates[i]):
//   block.0 SnakeBeta(in) → block.1 causal ConvTranspose1d(in → out, k 2r, stride r, trim r on the right)
//   → block.2/3/4 ResidualUnit(out, dilation 1, 3, 9).
// ResidualUnit: y = x + conv2(SnakeBeta(conv1(SnakeBeta(x)))), conv1 causal k7 dilated, conv2 k1.
// SnakeBeta(x) = x + sin²(x·e^α) / (e^β + 1e-9), α/β stored in log space.
import Foundation
import Neural
import Tensors

struct CodecResidualUnit: Sendable {
    static let kernelSize = 7

    let act1: SnakeBeta
    let conv1: CodecCausalConv1d
    let act2: SnakeBeta
    let conv2: CodecCausalConv1d

    init(_ scope: WeightScope, dim: Int, dilation: Int, convolutions: ConvolutionPolicy = .exact) throws {
        act1 = try SnakeBeta(scope.scope("act1"), channels: dim, logScale: true)
        conv1 = try CodecCausalConv1d(scope.scope("conv1"), inChannels: dim, outChannels: dim,
                                      kernelSize: CodecResidualUnit.kernelSize, dilation: dilation, convolutions: convolutions)
        act2 = try SnakeBeta(scope.scope("act2"), channels: dim, logScale: true)
        conv2 = try CodecCausalConv1d(scope.scope("conv2"), inChannels: dim, outChannels: dim, kernelSize: 1,
                                      convolutions: convolutions)
    }

    /// x (B, C, T) → (B, C, T): x + conv2(act2(conv1(act1(x)))). On the built-in path one time tile at a time
    /// after act1, so conv1's output never goes to memory (Tensor.causalResidualUnit); with oneDNN convolutions
    /// the two convs run as whole primitives.
    func callAsFunction(_ x: Tensor) -> Tensor {
        if conv1.conv.oneDNN != nil || conv2.conv.oneDNN != nil {
            let h = act2(conv1(act1(x))) // (B, C, T)
            return conv2(h, residual: x) // (B, C, T)
        }
        let act = act2
        return act1(x).causalResidualUnit(residual: x, weight1: conv1.conv.weight, bias1: conv1.conv.bias,
                                          dilation: conv1.conv.spec.dilation, weight2: conv2.conv.weight,
                                          bias2: conv2.conv.bias) { ch, row, n in
            VectorMath.snake(row, row, n, alpha: act.alpha[ch], invBeta: act.invBeta[ch])
        } // (B, C, T)
    }

}

struct CodecDecoderBlock: Sendable {
    static let dilations = [1, 3, 9]

    let snake: SnakeBeta
    let upsample: CodecCausalTransConv1d
    let units: [CodecResidualUnit]

    /// `scope` is `decoder.decoder.<i + 1>`.
    init(_ scope: WeightScope, inDim: Int, outDim: Int, rate: Int, convolutions: ConvolutionPolicy = .exact) throws {
        let block = scope.scope("block")
        snake = try SnakeBeta(block.scope("0"), channels: inDim, logScale: true)
        upsample = try CodecCausalTransConv1d(block.scope("1"), inChannels: inDim, outChannels: outDim,
                                              kernelSize: 2 * rate, stride: rate, convolutions: convolutions)
        // The residual units keep the fused tile-by-tile path (Tensor.causalResidualUnit) in exact and fast: measured
        // with `bookvox bench --convolutions`, running their k7 conv through oneDNN in float32 (faster alone) and the k1
        // conv apart made the whole decoder 5 % slower (docs/precision.md, "Convolutions"). The oneDNN policies
        // (onednn, fastBF16 on AVX512_BF16 CPUs, onednn-bf16) run both convs through oneDNN; fastBF16 on other CPUs
        // is fast, so the units stay fused there.
        let unitConvolutions: ConvolutionPolicy = convolutions.onThisCPU == .fast ? .exact : convolutions
        units = try CodecDecoderBlock.dilations.enumerated().map { i, d in
            try CodecResidualUnit(block.scope("\(i + 2)"), dim: outDim, dilation: d, convolutions: unitConvolutions)
        }
    }

    /// x (B, in, T) → (B, out, T·rate)
    func callAsFunction(_ x: Tensor) -> Tensor {
        var h = upsample(snake(x)) // (B, out, T·r)
        for unit in units { h = unit(h) }
        return h
    }
}
