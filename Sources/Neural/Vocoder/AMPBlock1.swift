// BigVGAN bigvgan.py AMPBlock1: for each dilation d,
//   x = x + convs2[i](act2(convs1[i](act1(x))))
// convs1: Conv1d(C, C, k, dilation d, padding (k·d − d)/2); convs2: dilation 1, padding (k − 1)/2;
// every conv is weight-normed in the checkpoint and folded at load; activations are
// anti-aliased Activation1d(Snake/SnakeBeta), interleaved as activations[2i], activations[2i+1].
import Tensors

public struct AMPBlock1: Sendable {
    public let convs1: [Conv1d]
    public let convs2: [Conv1d]
    public let activations: [Activation1d]

    public init(_ scope: WeightScope, channels: Int, kernelSize: Int, dilations: [Int], activation: String,
                logScale: Bool, convolutions: ConvolutionPolicy = .exact) throws {
        var c1: [Conv1d] = [], c2: [Conv1d] = []
        for (i, d) in dilations.enumerated() {
            c1.append(try Conv1d(scope.scope("convs1.\(i)"), inChannels: channels, outChannels: channels, kernelSize: kernelSize,
                                 spec: Conv1dSpec(padding: (kernelSize * d - d) / 2, dilation: d)).using(convolutions))
            c2.append(try Conv1d(scope.scope("convs2.\(i)"), inChannels: channels, outChannels: channels, kernelSize: kernelSize,
                                 spec: Conv1dSpec(padding: (kernelSize - 1) / 2)).using(convolutions))
        }
        convs1 = c1
        convs2 = c2
        activations = try (0..<(2 * dilations.count)).map { n in
            try BigVGAN.activation1d(scope.scope("activations.\(n)"), channels: channels, kind: activation, logScale: logScale)
        }
    }

    /// x (B, C, T) → (B, C, T)
    public func callAsFunction(_ x: Tensor) -> Tensor {
        var x = x
        for i in 0..<convs1.count {
            var xt = activations[2 * i](x)           // (B, C, T)
            xt = convs1[i](xt)                       // (B, C, T)
            xt = activations[2 * i + 1](xt)          // (B, C, T)
            x = convs2[i].callAsFunction(xt, residual: x) // x + conv(xt), (B, C, T)
        }
        return x
    }
}

extension Conv1d {
    /// residual + conv(x) + bias, accumulated in one GEMM pass.
    public func callAsFunction(_ x: Tensor, residual: Tensor) -> Tensor {
        callAsFunction(x, spec: spec, residual: residual)
    }
}
