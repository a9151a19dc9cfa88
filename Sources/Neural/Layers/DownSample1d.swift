// BigVGAN alias_free_activation/torch/resample.py DownSample1d = LowPassFilter1d(
// cutoff 0.5/ratio, half_width 0.6/ratio, stride ratio, kernel K) (reference semantics):
//   x = F.pad(x, (K/2 − (K even ? 1 : 0), K/2), mode='replicate'); y = conv1d(x, filter, stride=ratio, groups=C)
import Tensors

public struct DownSample1d: Sendable {
    public let ratio: Int
    public let filter: [Float]

    public var kernelSize: Int { filter.count }
    public var padLeft: Int { kernelSize / 2 - (kernelSize % 2 == 0 ? 1 : 0) }
    public var padRight: Int { kernelSize / 2 }

    public init(ratio: Int, filter: [Float]) {
        self.ratio = ratio
        self.filter = filter
    }

    /// Reads the registered `lowpass.filter` buffer (1, 1, K).
    public init(_ scope: WeightScope, ratio: Int, kernelSize: Int? = nil) throws {
        let k = kernelSize ?? UpSample1d.defaultKernelSize(ratio: ratio)
        self.init(ratio: ratio, filter: try scope.scope("lowpass").tensor("filter", shape: [1, 1, k]).array)
    }

    /// x (B, C, T) → (B, C, ⌊(T + K − 1 − K)/ratio⌋ + 1), computed with the generic ops (reference path).
    public func callAsFunction(_ x: Tensor) -> Tensor {
        let c = x.shape[1]
        var w = Tensor(zeros: [c, 1, kernelSize])
        w.withUnsafeMutableBufferPointer { p in
            for ch in 0..<c { for k in 0..<kernelSize { p[ch * kernelSize + k] = filter[k] } }
        }
        return x.conv1d(weight: w, spec: Conv1dSpec(stride: ratio, padLeft: padLeft, padRight: padRight, groups: c,
                                                    paddingMode: .replicate))
    }
}
