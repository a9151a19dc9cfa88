// BigVGAN alias_free_activation/torch/resample.py UpSample1d (reference semantics):
//   x = F.pad(x, (pad, pad), mode='replicate'), pad = K/ratio − 1
//   x = ratio · conv_transpose1d(x, filter, stride=ratio, groups=C)
//   x = x[..., padLeft : −padRight], padLeft = pad·ratio + (K − ratio)/2, padRight = pad·ratio + (K − ratio + 1)/2
// The filter is kaiser_sinc_filter1d(0.5/ratio, 0.6/ratio, K) with K = int(6·ratio/2)·2 by default.
import Tensors

public struct UpSample1d: Sendable {
    public let ratio: Int
    public let filter: [Float]

    public var kernelSize: Int { filter.count }
    public var pad: Int { kernelSize / ratio - 1 }
    public var padLeft: Int { pad * ratio + (kernelSize - ratio) / 2 }
    public var padRight: Int { pad * ratio + (kernelSize - ratio + 1) / 2 }

    public init(ratio: Int, filter: [Float]) {
        self.ratio = ratio
        self.filter = filter
    }

    public static func defaultKernelSize(ratio: Int) -> Int { Int(6 * ratio / 2) * 2 }

    public static func designedFilter(ratio: Int, kernelSize: Int? = nil) -> [Float] {
        KaiserSincFilter.make(cutoff: 0.5 / Double(ratio), halfWidth: 0.6 / Double(ratio),
                              kernelSize: kernelSize ?? defaultKernelSize(ratio: ratio))
    }

    /// Reads the registered `filter` buffer (1, 1, K).
    public init(_ scope: WeightScope, ratio: Int, kernelSize: Int? = nil) throws {
        let k = kernelSize ?? Self.defaultKernelSize(ratio: ratio)
        self.init(ratio: ratio, filter: try scope.tensor("filter", shape: [1, 1, k]).array)
    }

    /// x (B, C, T) → (B, C, ratio·T), computed with the generic ops (reference path).
    public func callAsFunction(_ x: Tensor) -> Tensor {
        let c = x.shape[1]
        let xp = x.padded(axis: 2, left: pad, right: pad, mode: .replicate) // (B, C, T + 2·pad)
        var w = Tensor(zeros: [c, 1, kernelSize])
        w.withUnsafeMutableBufferPointer { p in
            for ch in 0..<c { for k in 0..<kernelSize { p[ch * kernelSize + k] = filter[k] } }
        }
        var y = xp.convTranspose1d(weight: w, stride: ratio, groups: c) // (B, C, (T + 2·pad − 1)·ratio + K)
        y.scale(by: Float(ratio))
        return y.slice(axis: 2, start: padLeft, end: y.shape[2] - padRight)
    }
}
