// torch.nn.ConvTranspose1d (weight (in, out/groups, k)); weight norm, when stored, is folded
// over every dim except 0 (the input-channel axis), as torch's weight_norm(dim=0) does.
import Tensors

public struct ConvTranspose1d: Sendable {
    public let weight: Tensor // (Cin, Cout/groups, K)
    public let bias: Tensor?  // (Cout)
    public let spec: ConvTranspose1dSpec

    public init(weight: Tensor, bias: Tensor?, spec: ConvTranspose1dSpec) {
        precondition(weight.rank == 3, "ConvTranspose1d weight must be (in, out/groups, k), got \(weight.shape)")
        self.weight = weight
        self.bias = bias
        self.spec = spec
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
    public func callAsFunction(_ x: Tensor) -> Tensor { x.convTranspose1d(weight: weight, bias: bias, spec: spec) }
}
