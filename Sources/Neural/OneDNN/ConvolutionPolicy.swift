// Which implementation runs each Conv1d / ConvTranspose1d layer: Tensors' im2col + sgemm path (OpenBLAS) or oneDNN.
//
// exact (the default): always im2col + sgemm, so exact renders keep the bytes and cache identities they had.
// fast: oneDNN for the layer shapes where `bookvox bench --convolutions` measured it faster, the built-in path
// elsewhere (docs/precision.md, "Convolutions"). The choice is a fixed function of the layer's
// shape — never a timing taken at run time — so a render gives the same bytes run after run and a resumed
// render matches the one it continues.
import Tensors

public enum ConvolutionBackend: String, Sendable, CaseIterable {
    case im2colSgemm = "im2col+sgemm"
    case oneDNN = "onednn"
}

public enum ConvolutionPolicy: String, Sendable, CaseIterable {
    /// Tensors' im2col + sgemm everywhere (the default; exact renders keep their bytes and identities).
    case exact
    /// oneDNN for the shapes where it measured faster (`backend(…)`), im2col + sgemm elsewhere.
    case fast
    /// oneDNN for every convolution whatever its shape: for tests of the oneDNN path on small fixture models and
    /// for the benchmark's comparison; no render uses it.
    case oneDNNEverywhere = "onednn"

    /// The backend for a layer of this shape. fast: oneDNN for dense convolutions (groups 1) with kernel ≥ 7 and
    /// 96–768 input and output channels — measured with `bookvox bench --convolutions` on every BigVGAN and Qwen3-TTS
    /// codec decoder shape (docs/precision.md, "Convolutions"): 1.1–1.4× faster there; im2col + OpenBLAS sgemm
    /// stays faster for kernels 1 and 3, for transposed convolutions, for 48 channels and fewer, for the codec's
    /// 1024 → 1536 k7 and for depthwise layers.
    public func backend(kind: DNNLConvolution.Kind, inChannels: Int, outChannels: Int, kernelSize: Int, groups: Int)
        -> ConvolutionBackend {
        switch self {
        case .exact: return .im2colSgemm
        case .oneDNNEverywhere: return .oneDNN
        case .fast:
            let dense = kind == .convolution && groups == 1
            let channels = 96...768
            return dense && kernelSize >= 7 && channels.contains(inChannels) && channels.contains(outChannels)
                ? .oneDNN : .im2colSgemm
        }
    }
}

extension Conv1d {
    /// This layer run as `policy` chooses for its shape.
    public func using(_ policy: ConvolutionPolicy) -> Conv1d {
        let backend = policy.backend(kind: .convolution, inChannels: inChannels, outChannels: outChannels,
                                     kernelSize: kernelSize, groups: spec.groups)
        return backend == .oneDNN ? usingOneDNN() : Conv1d(weight: weight, bias: bias, spec: spec)
    }

    /// This layer run by oneDNN.
    public func usingOneDNN() -> Conv1d {
        Conv1d(weight: weight, bias: bias, spec: spec,
               oneDNN: DNNLConvolution(kind: .convolution, weight: weight, bias: bias, groups: spec.groups,
                                       stride: spec.stride, dilation: spec.dilation))
    }
}

extension ConvTranspose1d {
    /// This layer run as `policy` chooses for its shape.
    public func using(_ policy: ConvolutionPolicy) -> ConvTranspose1d {
        let backend = policy.backend(kind: .deconvolution, inChannels: inChannels, outChannels: outChannels,
                                     kernelSize: weight.shape[2], groups: spec.groups)
        // oneDNN takes output_padding as a smaller right padding, which cannot go below zero.
        guard backend == .oneDNN, spec.outputPadding <= spec.padding else {
            return ConvTranspose1d(weight: weight, bias: bias, spec: spec)
        }
        return usingOneDNN()
    }

    /// This layer run by oneDNN (needs outputPadding ≤ padding).
    public func usingOneDNN() -> ConvTranspose1d {
        precondition(spec.outputPadding <= spec.padding, "ConvTranspose1d: oneDNN needs output_padding ≤ padding")
        return ConvTranspose1d(weight: weight, bias: bias, spec: spec,
                               oneDNN: DNNLConvolution(kind: .deconvolution, weight: weight, bias: bias, groups: spec.groups,
                                                       stride: spec.stride, dilation: spec.dilation))
    }
}
