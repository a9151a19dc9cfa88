// torch.nn.Linear: y = x·Wᵀ + b with W stored (out, in).
import Tensors

public struct Linear: Sendable {
    public let weight: Tensor // (out, in)
    public let bias: Tensor?  // (out)

    public init(weight: Tensor, bias: Tensor?) {
        precondition(weight.rank == 2, "Linear weight must be (out, in), got \(weight.shape)")
        if let b = bias { precondition(b.count == weight.shape[0], "Linear bias \(b.shape) vs weight \(weight.shape)") }
        self.weight = weight
        self.bias = bias
    }

    /// Loads `weight` (out, in) and, when `bias`, `bias` (out) from `scope`.
    public init(_ scope: WeightScope, inFeatures: Int, outFeatures: Int, bias: Bool = true) throws {
        self.init(weight: try scope.tensor("weight", shape: [outFeatures, inFeatures]),
                  bias: bias ? try scope.tensor("bias", shape: [outFeatures]) : nil)
    }

    public var inFeatures: Int { weight.shape[1] }
    public var outFeatures: Int { weight.shape[0] }

    /// x (…, in) → (…, out)
    public func callAsFunction(_ x: Tensor) -> Tensor { x.linear(weight: weight, bias: bias) }
}
