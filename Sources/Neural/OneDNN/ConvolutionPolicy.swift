// Which implementation runs each Conv1d / ConvTranspose1d layer: Tensors' im2col + sgemm path (OpenBLAS) or oneDNN.
//
// exact (the default): always im2col + sgemm, so exact renders keep the bytes and cache identities they had.
// fast: oneDNN for the layer shapes where `bookvox bench` measured it faster on this project's machines, the
// built-in path elsewhere (docs/precision.md, "Convolutions"). The choice is a fixed function of the layer's
// shape — never a timing taken at run time — so a render gives the same bytes run after run and a resumed
// render matches the one it continues.
import Tensors

public enum ConvolutionBackend: String, Sendable, CaseIterable {
    case im2colSgemm = "im2col+sgemm"
    case oneDNN = "onednn"
}

public enum ConvolutionPolicy: String, Sendable, CaseIterable {
    case exact
    case fast

    /// The backend for a layer of this shape. Measured (bench --engine indextts2/qwen3-tts, "conv shapes"):
    /// oneDNN is faster for every dense or grouped convolution with more than one input channel per group and for
    /// every transposed convolution; for depthwise layers (one input channel per group) the built-in direct loop
    /// is as fast or faster and stays.
    public func backend(kind: DNNLConvolution.Kind, inChannels: Int, groups: Int) -> ConvolutionBackend {
        switch self {
        case .exact: return .im2colSgemm
        case .fast:
            if kind == .convolution && inChannels / groups == 1 { return .im2colSgemm }
            return .oneDNN
        }
    }
}

extension Conv1d {
    /// This layer run as `policy` chooses for its shape.
    public func using(_ policy: ConvolutionPolicy) -> Conv1d {
        guard policy.backend(kind: .convolution, inChannels: inChannels, groups: spec.groups) == .oneDNN else {
            return Conv1d(weight: weight, bias: bias, spec: spec)
        }
        return Conv1d(weight: weight, bias: bias, spec: spec,
                      oneDNN: DNNLConvolution(kind: .convolution, weight: weight, bias: bias, groups: spec.groups,
                                              stride: spec.stride, dilation: spec.dilation))
    }
}

extension ConvTranspose1d {
    /// This layer run as `policy` chooses for its shape.
    public func using(_ policy: ConvolutionPolicy) -> ConvTranspose1d {
        // oneDNN takes output_padding as a smaller right padding, which cannot go below zero.
        guard policy.backend(kind: .deconvolution, inChannels: inChannels, groups: spec.groups) == .oneDNN,
              spec.outputPadding <= spec.padding else {
            return ConvTranspose1d(weight: weight, bias: bias, spec: spec)
        }
        return ConvTranspose1d(weight: weight, bias: bias, spec: spec,
                               oneDNN: DNNLConvolution(kind: .deconvolution, weight: weight, bias: bias, groups: spec.groups,
                                                       stride: spec.stride, dilation: spec.dilation))
    }
}
