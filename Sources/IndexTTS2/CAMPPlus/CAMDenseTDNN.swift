// CAM++ dense TDNN blocks with context-aware masking (indextts/s2mel/modules/campplus/layers.py:
// `CAMLayer`, `CAMDenseTDNNLayer`, `CAMDenseTDNNBlock`).
//
// CAMLayer on x (B, Cb, T):
//   y = linear_local(x)                     Conv1d(Cb → G, k, pad (k−1)/2·d, dilation d, no bias)
//   context = mean_t(x) + seg_pool(x)       seg_pool: avg_pool1d(kernel = stride = seg_len, ceil_mode=True);
//                                           the tail segment averages over its true length (no padding);
//                                           each segment's mean is repeated over its frames
//   m = sigmoid(linear2(relu(linear1(context))))   1×1 convs Cb → Cb/2 → G, with bias
//   out = y · m
// The context is constant within a segment and the 1×1 convs are pointwise in time, so the gate is
// computed once per segment (same arithmetic per column as the original's full-length evaluation).
// Dense layer: nonlinear1 (on the Cin input) → linear1 1×1 (Cin → Cb, no bias) → nonlinear2 → CAMLayer;
// the block concatenates each layer's G new channels onto its input.
import Neural
import Tensors

struct CAMLayer: Sendable {
    let linearLocal: Conv1d
    let linear1: Conv1d
    let linear2: Conv1d
    let segLen: Int

    init(_ scope: WeightScope, bnChannels: Int, outChannels: Int, kernelSize: Int, dilation: Int, segLen: Int,
         reduction: Int = 2) throws {
        linearLocal = try Conv1d(scope.scope("linear_local"), inChannels: bnChannels, outChannels: outChannels,
                                 kernelSize: kernelSize,
                                 spec: Conv1dSpec(padding: (kernelSize - 1) / 2 * dilation, dilation: dilation), bias: false)
        linear1 = try Conv1d(scope.scope("linear1"), inChannels: bnChannels, outChannels: bnChannels / reduction, kernelSize: 1)
        linear2 = try Conv1d(scope.scope("linear2"), inChannels: bnChannels / reduction, outChannels: outChannels, kernelSize: 1)
        self.segLen = segLen
    }

    /// x (B, Cb, T) → (B, G, T)
    func callAsFunction(_ x: Tensor) -> Tensor {
        let (b, c, t) = (x.shape[0], x.shape[1], x.shape[2])
        var y = linearLocal(x) // (B, G, T)
        let nseg = (t + segLen - 1) / segLen
        var context = Tensor(zeros: [b, c, nseg]) // (B, Cb, S)
        let src = x.pointer
        context.withUnsafeMutableBufferPointer { ctx in
            for row in 0..<(b * c) {
                let p = src + row * t
                var total = 0.0
                for j in 0..<t { total += Double(p[j]) }
                let mean = Float(total / Double(t))
                for s in 0..<nseg {
                    let lo = s * segLen, hi = Swift.min(lo + segLen, t)
                    var acc = 0.0
                    for j in lo..<hi { acc += Double(p[j]) }
                    ctx[row * nseg + s] = mean + Float(acc / Double(hi - lo))
                }
            }
        }
        var h = linear1(context) // (B, Cb/2, S)
        Activation.relu.apply(&h)
        var m = linear2(h) // (B, G, S)
        Activation.sigmoid.apply(&m)
        let g = y.shape[1]
        let mp = m.pointer
        y.withUnsafeMutableBufferPointer { yb in
            for row in 0..<(b * g) {
                for s in 0..<nseg {
                    let gate = mp[row * nseg + s]
                    for j in (s * segLen)..<Swift.min((s + 1) * segLen, t) { yb[row * t + j] *= gate }
                }
            }
        }
        return y
    }
}

struct CAMDenseTDNNLayer: Sendable {
    let nonlinear1: CAMPPlusNonlinear
    let linear1: Conv1d
    let nonlinear2: CAMPPlusNonlinear
    let cam: CAMLayer

    init(_ scope: WeightScope, inChannels: Int, outChannels: Int, bnChannels: Int, kernelSize: Int, dilation: Int,
         configString: String, segLen: Int) throws {
        guard kernelSize % 2 == 1 else {
            throw CAMPPlusError.badConfig("dense layer kernel size \(kernelSize) must be odd (equal padding on both sides)")
        }
        nonlinear1 = try CAMPPlusNonlinear(scope.scope("nonlinear1"), configString: configString, channels: inChannels)
        linear1 = try Conv1d(scope.scope("linear1"), inChannels: inChannels, outChannels: bnChannels, kernelSize: 1, bias: false)
        nonlinear2 = try CAMPPlusNonlinear(scope.scope("nonlinear2"), configString: configString, channels: bnChannels)
        cam = try CAMLayer(scope.scope("cam_layer"), bnChannels: bnChannels, outChannels: outChannels, kernelSize: kernelSize,
                           dilation: dilation, segLen: segLen)
    }

    /// x (B, Cin, T) → (B, G, T)
    func callAsFunction(_ x: Tensor) -> Tensor {
        cam(nonlinear2(linear1(nonlinear1(x))))
    }
}

struct CAMDenseTDNNBlock: Sendable {
    let layers: [CAMDenseTDNNLayer]
    let outChannels: Int

    init(_ scope: WeightScope, numLayers: Int, inChannels: Int, growthRate: Int, bnChannels: Int, kernelSize: Int,
         dilation: Int, configString: String, segLen: Int) throws {
        layers = try (0..<numLayers).map { i in
            try CAMDenseTDNNLayer(scope.scope("tdnnd\(i + 1)"), inChannels: inChannels + i * growthRate, outChannels: growthRate,
                                  bnChannels: bnChannels, kernelSize: kernelSize, dilation: dilation,
                                  configString: configString, segLen: segLen)
        }
        outChannels = inChannels + numLayers * growthRate
    }

    /// x (B, Cin, T) → (B, Cin + L·G, T)
    func callAsFunction(_ x: Tensor) -> Tensor {
        var h = x
        for layer in layers { h = Tensor.concat([h, layer(h)], axis: 1) } // (B, C + G, T)
        return h
    }
}
