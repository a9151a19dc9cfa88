// torch.nn.Conv1d (weight (out, in/groups, k)), optionally weight-normed in the checkpoint,
// with torch's padding modes ('zeros', 'reflect', 'replicate').
import Tensors

public struct Conv1d: Sendable {
    public let weight: Tensor // (Cout, Cin/groups, K)
    public let bias: Tensor?  // (Cout)
    public let spec: Conv1dSpec

    public init(weight: Tensor, bias: Tensor?, spec: Conv1dSpec) {
        precondition(weight.rank == 3, "Conv1d weight must be (out, in/groups, k), got \(weight.shape)")
        self.weight = weight
        self.bias = bias
        self.spec = spec
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
    public func callAsFunction(_ x: Tensor) -> Tensor { x.conv1d(weight: weight, bias: bias, spec: spec) }
}
