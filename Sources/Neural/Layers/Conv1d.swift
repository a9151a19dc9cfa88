// torch.nn.Conv1d (weight (out, in/groups, k)), optionally weight-normed in the checkpoint,
// with torch's padding modes ('zeros', 'reflect', 'replicate').
import Tensors

public struct Conv1d: Sendable {
    public let weight: Tensor // (Cout, Cin/groups, K)
    public let bias: Tensor?  // (Cout)
    public let spec: Conv1dSpec
    /// The oneDNN primitive set running this layer, or nil for Tensors' im2col + sgemm (see `using(_:)`).
    public let oneDNN: DNNLConvolution?

    public init(weight: Tensor, bias: Tensor?, spec: Conv1dSpec, oneDNN: DNNLConvolution? = nil) {
        precondition(weight.rank == 3, "Conv1d weight must be (out, in/groups, k), got \(weight.shape)")
        self.weight = weight
        self.bias = bias
        self.spec = spec
        self.oneDNN = oneDNN
    }

    /// Loads `weight` (folding weight norm when stored as weight_g/weight_v or parametrizations) and `bias`.
    public init(_ scope: WeightScope, inChannels: Int, outChannels: Int, kernelSize: Int, spec: Conv1dSpec = Conv1dSpec(),
                bias: Bool = true) throws {
        precondition(inChannels % spec.groups == 0, "Conv1d: \(inChannels) input channels not divisible by \(spec.groups) groups")
        let w = try scope.weightNormed("weight", shape: [outChannels, inChannels / spec.groups, kernelSize])
        self.init(weight: w, bias: bias ? try scope.tensor("bias", shape: [outChannels]) : nil, spec: spec)
    }

    public var inChannels: Int { weight.shape[1] * spec.groups }
    public var outChannels: Int { weight.shape[0] }
    public var kernelSize: Int { weight.shape[2] }

    /// x (B, Cin, L) → (B, Cout, Lout)
    public func callAsFunction(_ x: Tensor) -> Tensor { callAsFunction(x, spec: spec, residual: nil) }

    /// x (B, Cin, L) or (Cin, L) → residual + conv(x) with `spec` (this layer's stride, dilation and groups; the
    /// padding may differ per call, as causal convolutions need), through oneDNN when the layer has it.
    public func callAsFunction(_ x: Tensor, spec: Conv1dSpec, residual: Tensor?) -> Tensor {
        guard let dnnl = oneDNN else { return x.conv1d(weight: weight, bias: bias, spec: spec, residual: residual) }
        precondition(spec.stride == dnnl.stride && spec.dilation == dnnl.dilation && spec.groups == dnnl.groups,
                     "Conv1d: spec \(spec) differs from the layer's oneDNN primitive")
        let x3 = x.rank == 3 ? x : x.reshaped([1] + x.shape) // (B, Cin, L)
        let zeroPadded = spec.paddingMode == .zeros
        let xin = zeroPadded ? x3 : x3.padded(axis: 2, left: spec.padLeft, right: spec.padRight, mode: spec.paddingMode)
        let res = residual.map { $0.rank == 3 ? $0 : $0.reshaped([1] + $0.shape) } // (B, Cout, Lout)
        let y: Tensor // (B, Cout, Lout)
        do {
            y = try dnnl.forward(xin, padLeft: zeroPadded ? spec.padLeft : 0, padRight: zeroPadded ? spec.padRight : 0,
                                 residual: res)
        } catch {
            fatalError("Conv1d \(weight.shape) on input \(x.shape): \(error)")
        }
        return x.rank == 3 ? y : y.reshaped(Array(y.shape.dropFirst()))
    }
}
