// torch.nn.ConvTranspose1d (weight (in, out/groups, k)); weight norm, when stored, is folded
// over every dim except 0 (the input-channel axis), as torch's weight_norm(dim=0) does.
import Tensors

public struct ConvTranspose1d: Sendable {
    public let weight: Tensor // (Cin, Cout/groups, K)
    public let bias: Tensor?  // (Cout)
    public let spec: ConvTranspose1dSpec
    /// The oneDNN primitive set running this layer, or nil for Tensors' sgemm + col2im (see `using(_:)`).
    public let oneDNN: DNNLConvolution?

    public init(weight: Tensor, bias: Tensor?, spec: ConvTranspose1dSpec, oneDNN: DNNLConvolution? = nil) {
        precondition(weight.rank == 3, "ConvTranspose1d weight must be (in, out/groups, k), got \(weight.shape)")
        self.weight = weight
        self.bias = bias
        self.spec = spec
        self.oneDNN = oneDNN
    }

    public init(_ scope: WeightScope, inChannels: Int, outChannels: Int, kernelSize: Int,
                spec: ConvTranspose1dSpec = ConvTranspose1dSpec(), bias: Bool = true) throws {
        precondition(outChannels % spec.groups == 0, "ConvTranspose1d: \(outChannels) outputs not divisible by \(spec.groups) groups")
        let w = try scope.weightNormed("weight", shape: [inChannels, outChannels / spec.groups, kernelSize], transposed: true)
        self.init(weight: w, bias: bias ? try scope.tensor("bias", shape: [outChannels]) : nil, spec: spec)
    }

    public var inChannels: Int { weight.shape[0] }
    public var outChannels: Int { weight.shape[1] * spec.groups }

    /// x (B, Cin, L) → (B, Cout, Lout)
    public func callAsFunction(_ x: Tensor) -> Tensor {
        guard let dnnl = oneDNN else { return x.convTranspose1d(weight: weight, bias: bias, spec: spec) }
        let x3 = x.rank == 3 ? x : x.reshaped([1] + x.shape) // (B, Cin, L)
        let y: Tensor // (B, Cout, Lout)
        do {
            y = try dnnl.forward(x3, padLeft: spec.padding, padRight: spec.padding - spec.outputPadding)
        } catch {
            fatalError("ConvTranspose1d \(weight.shape) on input \(x.shape): \(error)")
        }
        return x.rank == 3 ? y : y.reshaped(Array(y.shape.dropFirst()))
    }
}
