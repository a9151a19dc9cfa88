// Normalization layers: LayerNorm / RMSNorm over the last axis, GroupNorm and
// inference-mode BatchNorm1d over channel axis 1 of (B, C, …).
import Tensors

public struct LayerNorm: Sendable {
    public let weight: Tensor?
    public let bias: Tensor?
    public let eps: Float

    public init(weight: Tensor?, bias: Tensor?, eps: Float = 1e-5) {
        self.weight = weight
        self.bias = bias
        self.eps = eps
    }

    /// `affine: false` loads nothing (elementwise_affine=False); `bias: false` loads only the weight.
    public init(_ scope: WeightScope, dim: Int, eps: Float = 1e-5, affine: Bool = true, bias: Bool = true) throws {
        self.init(weight: affine ? try scope.tensor("weight", shape: [dim]) : nil,
                  bias: affine && bias ? try scope.tensor("bias", shape: [dim]) : nil, eps: eps)
    }

    public func callAsFunction(_ x: Tensor) -> Tensor { x.layerNorm(weight: weight, bias: bias, eps: eps) }
}

public struct RMSNorm: Sendable {
    public let weight: Tensor?
    public let eps: Float
    /// Gemma-style (1 + weight) scaling.
    public let addOne: Bool

    public init(weight: Tensor?, eps: Float = 1e-6, addOne: Bool = false) {
        self.weight = weight
        self.eps = eps
        self.addOne = addOne
    }

    public init(_ scope: WeightScope, dim: Int, eps: Float = 1e-6, addOne: Bool = false) throws {
        self.init(weight: try scope.tensor("weight", shape: [dim]), eps: eps, addOne: addOne)
    }

    public func callAsFunction(_ x: Tensor) -> Tensor { x.rmsNorm(weight: weight, eps: eps, addOne: addOne) }
}

public struct GroupNorm: Sendable {
    public let groups: Int
    public let weight: Tensor?
    public let bias: Tensor?
    public let eps: Float

    public init(groups: Int, weight: Tensor?, bias: Tensor?, eps: Float = 1e-5) {
        self.groups = groups
        self.weight = weight
        self.bias = bias
        self.eps = eps
    }

    public init(_ scope: WeightScope, groups: Int, channels: Int, eps: Float = 1e-5, affine: Bool = true) throws {
        self.init(groups: groups, weight: affine ? try scope.tensor("weight", shape: [channels]) : nil,
                  bias: affine ? try scope.tensor("bias", shape: [channels]) : nil, eps: eps)
    }

    public func callAsFunction(_ x: Tensor) -> Tensor { x.groupNorm(groups: groups, weight: weight, bias: bias, eps: eps) }
}

/// BatchNorm1d/2d in eval mode (running statistics). `num_batches_tracked` is read and checked for shape.
public struct BatchNorm: Sendable {
    public let runningMean: Tensor
    public let runningVar: Tensor
    public let weight: Tensor?
    public let bias: Tensor?
    public let eps: Float

    public init(runningMean: Tensor, runningVar: Tensor, weight: Tensor?, bias: Tensor?, eps: Float = 1e-5) {
        self.runningMean = runningMean
        self.runningVar = runningVar
        self.weight = weight
        self.bias = bias
        self.eps = eps
    }

    public init(_ scope: WeightScope, channels: Int, eps: Float = 1e-5, affine: Bool = true) throws {
        self.init(runningMean: try scope.tensor("running_mean", shape: [channels]),
                  runningVar: try scope.tensor("running_var", shape: [channels]),
                  weight: affine ? try scope.tensor("weight", shape: [channels]) : nil,
                  bias: affine ? try scope.tensor("bias", shape: [channels]) : nil, eps: eps)
        if scope.has("num_batches_tracked") { _ = try scope.int64s("num_batches_tracked", shape: []) }
    }

    /// x (B, C, …)
    public func callAsFunction(_ x: Tensor) -> Tensor {
        x.batchNorm(runningMean: runningMean, runningVar: runningVar, weight: weight, bias: bias, eps: eps)
    }
}
