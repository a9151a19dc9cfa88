// CAM++ front "FCM" head (indextts/s2mel/modules/campplus/DTDNN.py `FCM`, layers.py `BasicResBlock`):
// a small 2-D ResNet over the (frequency, time) plane that halves frequency three times and keeps time.
//   x (B, F, T) → (B, 1, F, T) → conv1 3×3 pad 1 → BN2d → ReLU → layer1 → layer2 → conv2 3×3 stride (2,1) pad 1
//   → BN2d → ReLU → (B, m, F', T) → reshape channel-major to (B, m·F', T).
// BasicResBlock: conv3×3 stride (s,1) → BN → ReLU → conv3×3 → BN, + shortcut (1×1 stride (s,1) conv + BN when
// s ≠ 1 or the width changes, identity otherwise) → ReLU. All convs bias-free; BatchNorm2d eval mode, eps 1e-5.
import Neural
import Tensors

struct BasicResBlock2d: Sendable {
    let conv1: Tensor // (planes, in, 3, 3)
    let bn1: BatchNorm
    let conv2: Tensor // (planes, planes, 3, 3)
    let bn2: BatchNorm
    let shortcut: (conv: Tensor, bn: BatchNorm)? // (planes, in, 1, 1)
    let stride: Int

    init(_ scope: WeightScope, inPlanes: Int, planes: Int, stride: Int) throws {
        conv1 = try scope.scope("conv1").tensor("weight", shape: [planes, inPlanes, 3, 3])
        bn1 = try BatchNorm(scope.scope("bn1"), channels: planes, eps: 1e-5)
        conv2 = try scope.scope("conv2").tensor("weight", shape: [planes, planes, 3, 3])
        bn2 = try BatchNorm(scope.scope("bn2"), channels: planes, eps: 1e-5)
        if stride != 1 || inPlanes != planes {
            shortcut = (try scope.scope("shortcut.0").tensor("weight", shape: [planes, inPlanes, 1, 1]),
                        try BatchNorm(scope.scope("shortcut.1"), channels: planes, eps: 1e-5))
        } else {
            shortcut = nil
        }
        self.stride = stride
    }

    /// x (B, C, H, W) → (B, planes, H', W)
    func callAsFunction(_ x: Tensor) -> Tensor {
        var out = bn1(x.conv2d(weight: conv1, spec: Conv2dSpec(stride: (stride, 1), padding: (1, 1)))) // (B, P, H', W)
        Activation.relu.apply(&out)
        out = bn2(out.conv2d(weight: conv2, spec: Conv2dSpec(padding: (1, 1)))) // (B, P, H', W)
        if let sc = shortcut {
            out.add(sc.bn(x.conv2d(weight: sc.conv, spec: Conv2dSpec(stride: (stride, 1)))))
        } else {
            out.add(x)
        }
        Activation.relu.apply(&out)
        return out
    }
}

struct FCMHead: Sendable {
    let conv1: Tensor // (m, 1, 3, 3)
    let bn1: BatchNorm
    let layers: [BasicResBlock2d]
    let conv2: Tensor // (m, m, 3, 3)
    let bn2: BatchNorm
    /// Output channels m·F'.
    let outChannels: Int

    init(_ scope: WeightScope, featDim: Int, channels m: Int, blocks: [Int]) throws {
        conv1 = try scope.scope("conv1").tensor("weight", shape: [m, 1, 3, 3])
        bn1 = try BatchNorm(scope.scope("bn1"), channels: m, eps: 1e-5)
        var layers: [BasicResBlock2d] = []
        var height = featDim
        for (li, n) in blocks.enumerated() {
            for bi in 0..<n {
                let s = bi == 0 ? 2 : 1
                layers.append(try BasicResBlock2d(scope.scope("layer\(li + 1).\(bi)"), inPlanes: m, planes: m, stride: s))
                height = (height + 2 - 3) / s + 1
            }
        }
        self.layers = layers
        conv2 = try scope.scope("conv2").tensor("weight", shape: [m, m, 3, 3])
        bn2 = try BatchNorm(scope.scope("bn2"), channels: m, eps: 1e-5)
        height = (height + 2 - 3) / 2 + 1
        // The original sizes the next layer as m · (feat_dim // 8); the conv arithmetic must agree.
        guard height == featDim / 8 else {
            throw CAMPPlusError.badConfig("feat_dim \(featDim) gives \(height) frequency rows after the FCM head, "
                + "but the original sizes the TDNN input for feat_dim // 8 = \(featDim / 8); use a feat_dim divisible by 8")
        }
        outChannels = m * height
    }

    /// x (B, F, T) → (B, m·F', T)
    func callAsFunction(_ x: Tensor) -> Tensor {
        let (b, f, t) = (x.shape[0], x.shape[1], x.shape[2])
        var out = bn1(x.reshaped([b, 1, f, t]).conv2d(weight: conv1, spec: Conv2dSpec(padding: (1, 1)))) // (B, m, F, T)
        Activation.relu.apply(&out)
        for layer in layers { out = layer(out) } // (B, m, F/4, T)
        out = bn2(out.conv2d(weight: conv2, spec: Conv2dSpec(stride: (2, 1), padding: (1, 1)))) // (B, m, F/8, T)
        Activation.relu.apply(&out)
        return out.reshaped([b, out.shape[1] * out.shape[2], t]) // (B, m·F', T)
    }
}
