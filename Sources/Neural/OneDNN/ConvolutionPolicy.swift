// Which implementation runs each Conv1d / ConvTranspose1d layer: Tensors' im2col + sgemm path (OpenBLAS) or oneDNN.
//
// exact (the default): always im2col + sgemm, so exact renders keep the bytes and cache identities they had.
// fast: oneDNN for the layer shapes where `bookvox bench --convolutions` measured it faster, the built-in path
// elsewhere (docs/precision.md, "Convolutions"). fastBF16: oneDNN with bfloat16 source and weights (float32
// accumulation) for the wide dense layers on CPUs with AVX512_BF16 — measured slower than float32 and too far from
// exact on the Qwen3-TTS codec decoder with oneDNN 2.6 here, so no render uses it (docs/precision.md). The choice is a fixed function of the layer's
// shape — never a timing taken at run time — so a render gives the same bytes run after run and a resumed
// render matches the one it continues.
import Tensors

public enum ConvolutionBackend: String, Sendable, CaseIterable {
    case im2colSgemm = "im2col+sgemm"
    case oneDNN = "onednn"
    /// oneDNN with bfloat16 source and weights, float32 accumulation and output (DNNLConvolution.DataType.bf16).
    case oneDNNBF16 = "onednn-bf16"
}

public enum ConvolutionPolicy: String, Sendable, CaseIterable {
    /// Tensors' im2col + sgemm everywhere (the default; exact renders keep their bytes and identities).
    case exact
    /// oneDNN for the shapes where it measured faster (`backend(…)`), im2col + sgemm elsewhere.
    case fast
    /// oneDNN for every convolution whatever its shape: for tests of the oneDNN path on small fixture models and
    /// for the benchmark's comparison; no render uses it.
    case oneDNNEverywhere = "onednn"
    /// Reduced precision for compute-bound convolution stacks: oneDNN bf16 (`oneDNNBF16`) for dense layers (groups 1)
    /// with ≥ 96 input and output channels on CPUs with AVX512_BF16; `fast`'s choice elsewhere and on CPUs without
    /// AVX512_BF16. Not used by renders: `bookvox bench --convolutions` measured it slower than float32 oneDNN on every
    /// codec decoder shape here (docs/precision.md, "Codec decoder in bf16: measured, not adopted").
    case fastBF16 = "fast-bf16"
    /// oneDNN bf16 for every convolution whatever its shape (tests of the bf16 path on small fixture models).
    case oneDNNBF16Everywhere = "onednn-bf16"

    /// The policy that actually runs on this CPU: fastBF16 is fast where the CPU has no AVX512_BF16.
    public var onThisCPU: ConvolutionPolicy {
        self == .fastBF16 && !DNNLConvolution.DataType.bf16.isNativelySupported ? .fast : self
    }

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
        case .oneDNNBF16Everywhere: return .oneDNNBF16
        case .fast:
            let dense = kind == .convolution && groups == 1
            let channels = 96...768
            return dense && kernelSize >= 7 && channels.contains(inChannels) && channels.contains(outChannels)
                ? .oneDNN : .im2colSgemm
        case .fastBF16:
            let wide = groups == 1 && inChannels >= 96 && outChannels >= 96
            return wide && DNNLConvolution.DataType.bf16.isNativelySupported
                ? .oneDNNBF16
                : ConvolutionPolicy.fast.backend(kind: kind, inChannels: inChannels, outChannels: outChannels,
                                                 kernelSize: kernelSize, groups: groups)
        }
    }
}

extension Conv1d {
    /// This layer run as `policy` chooses for its shape.
    public func using(_ policy: ConvolutionPolicy) -> Conv1d {
        let backend = policy.backend(kind: .convolution, inChannels: inChannels, outChannels: outChannels,
                                     kernelSize: kernelSize, groups: spec.groups)
        switch backend {
        case .im2colSgemm: return Conv1d(weight: weight, bias: bias, spec: spec)
        case .oneDNN: return usingOneDNN()
        case .oneDNNBF16: return usingOneDNN(dataType: .bf16)
        }
    }

    /// This layer run by oneDNN.
    public func usingOneDNN(dataType: DNNLConvolution.DataType = .f32) -> Conv1d {
        Conv1d(weight: weight, bias: bias, spec: spec,
               oneDNN: DNNLConvolution(kind: .convolution, weight: weight, bias: bias, groups: spec.groups,
                                       stride: spec.stride, dilation: spec.dilation, dataType: dataType))
    }
}

extension ConvTranspose1d {
    /// This layer run as `policy` chooses for its shape.
    public func using(_ policy: ConvolutionPolicy) -> ConvTranspose1d {
        let backend = policy.backend(kind: .deconvolution, inChannels: inChannels, outChannels: outChannels,
                                     kernelSize: weight.shape[2], groups: spec.groups)
        // oneDNN takes output_padding as a smaller right padding, which cannot go below zero.
        guard backend != .im2colSgemm, spec.outputPadding <= spec.padding else {
            return ConvTranspose1d(weight: weight, bias: bias, spec: spec)
        }
        return usingOneDNN(dataType: backend == .oneDNNBF16 ? .bf16 : .f32)
    }

    /// This layer run by oneDNN (needs outputPadding ≤ padding).
    public func usingOneDNN(dataType: DNNLConvolution.DataType = .f32) -> ConvTranspose1d {
        precondition(spec.outputPadding <= spec.padding, "ConvTranspose1d: oneDNN needs output_padding ≤ padding")
        return ConvTranspose1d(weight: weight, bias: bias, spec: spec,
                               oneDNN: DNNLConvolution(kind: .deconvolution, weight: weight, bias: bias, groups: spec.groups,
                                                       stride: spec.stride, dilation: spec.dilation, dataType: dataType))
    }
}
