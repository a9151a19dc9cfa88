// `Wav2Vec2BertConvolutionModule` (the conformer conv block; the layer adds the residual itself):
//   LayerNorm(x) → zero the padded frames (attention_mask 0) → pointwise_conv1 (1×1, H → 2H, no bias)
//   → GLU over channels (first half · sigmoid(second half)) → **causal** left zero-pad of k−1
//   → depthwise Conv1d(H, k, groups H, no bias) → depthwise_layer_norm over channels → hidden_act
//   → pointwise_conv2 (1×1, H → H, no bias)
// Both LayerNorms use layer_norm_eps. Everything stays in (B, T, C) rows: the 1×1 convs run as Linears (GEMM)
// and the depthwise conv runs directly on the rows with its weight stored (K, H), so no transposes or padded
// copies are made (same products and summation order as Conv1d's depthwise loop). Padded frames are not zeroed
// again at the output (they keep whatever the causal conv carries into them), exactly as in HF.
import Foundation
import Neural
import Tensors

struct W2VBertConvolutionModule: Sendable {
    let norm: LayerNorm
    let pointwise1: Linear // (2H, H)
    let depthwiseKH: Tensor // (k, H): depthwise_conv.weight (H, 1, k) transposed at load
    let depthwiseNorm: LayerNorm
    let pointwise2: Linear // (H, H)
    let activation: Activation

    init(_ scope: WeightScope, config: W2VBertConfig) throws {
        let h = config.hiddenSize, k = config.convDepthwiseKernelSize
        norm = try LayerNorm(scope.scope("layer_norm"), dim: h, eps: config.layerNormEps)
        let w1 = try scope.scope("pointwise_conv1").tensor("weight", shape: [2 * h, h, 1])
        pointwise1 = Linear(weight: w1.reshaped([2 * h, h]), bias: nil)
        depthwiseKH = try scope.scope("depthwise_conv").tensor("weight", shape: [h, 1, k]).reshaped([h, k]).transposed(0, 1)
        depthwiseNorm = try LayerNorm(scope.scope("depthwise_layer_norm"), dim: h, eps: config.layerNormEps)
        let w2 = try scope.scope("pointwise_conv2").tensor("weight", shape: [h, h, 1])
        pointwise2 = Linear(weight: w2.reshaped([h, h]), bias: nil)
        activation = try config.activation()
    }

    /// x (B, T, H), valid [B][T] (nil: every frame valid) → (B, T, H)
    func callAsFunction(_ x: Tensor, valid: [[Bool]]?) -> Tensor {
        var h = norm(x) // (B, T, H)
        if let valid { W2VBertMasking.zeroPaddedFrames(&h, valid: valid) }
        let ab = pointwise1(h) // (B, T, 2H)
        let glu = W2VBertConvolutionModule.glu(ab) // (B, T, H)
        let conv = W2VBertConvolutionModule.causalDepthwise(glu, weight: depthwiseKH) // (B, T, H)
        var y = depthwiseNorm(conv) // (B, T, H)
        W2VBertFeedForward.activate(activation, &y)
        return pointwise2(y) // (B, T, H)
    }

    /// Causal depthwise Conv1d on (B, T, H) rows: y[t, c] = Σ_j w[j, c] · x[t − (k−1) + j, c], frames before 0 being
    /// zero; weight (k, H). Rows are independent, so the parallel split never changes a result.
    static func causalDepthwise(_ x: Tensor, weight: Tensor) -> Tensor {
        let (b, t, h) = (x.shape[0], x.shape[1], x.shape[2])
        let k = weight.shape[0]
        var out = Tensor(zeros: [b, t, h]) // (B, T, H)
        let xp = x.pointer, wp = weight.pointer
        out.withUnsafeMutableBufferPointer { ob in
            let o = ob.baseAddress!
            Tensors.parallelFor(b * t, minChunk: 8) { r in
                for row in r {
                    let ti = row % t, y = o + row * h
                    for j in Swift.max(0, k - 1 - ti)..<k { // source frame ti − (k−1) + j ≥ 0
                        let src = xp + (row - (k - 1) + j) * h, w = wp + j * h
                        for c in 0..<h { y[c] += w[c] * src[c] }
                    }
                }
            }
        }
        return out
    }

    /// nn.GLU(dim=channels) on (B, T, 2H) rows: a · sigmoid(g) with a the first H channels, g the last H.
    static func glu(_ x: Tensor) -> Tensor {
        let c2 = x.shape[x.rank - 1], c = c2 / 2
        let rows = x.count / Swift.max(c2, 1)
        var out = Tensor(zeros: Array(x.shape.dropLast()) + [c]) // (…, H)
        let src = x.pointer
        out.withUnsafeMutableBufferPointer { ob in
            let o = ob.baseAddress!
            Tensors.parallelFor(rows, minChunk: Swift.max(1, 8192 / Swift.max(c, 1))) { r in
                for row in r {
                    let a = src + row * c2, g = a + c, y = o + row * c
                    for j in 0..<c { y[j] = a[j] * (1 / (1 + expf(-g[j]))) }
                }
            }
        }
        return out
    }
}

/// Key-padding helpers shared by the encoder and the conv module.
enum W2VBertMasking {
    /// Sets the frames whose `valid` entry is false to 0 in (B, T, C) (HF `masked_fill(~mask, 0.0)`).
    static func zeroPaddedFrames(_ x: inout Tensor, valid: [[Bool]]) {
        let (b, t, c) = (x.shape[0], x.shape[1], x.shape[2])
        guard valid.contains(where: { $0.contains(false) }) else { return }
        x.withUnsafeMutableBufferPointer { buf in
            for bi in 0..<b {
                for j in 0..<t where !valid[bi][j] { (buf.baseAddress! + (bi * t + j) * c).update(repeating: 0, count: c) }
            }
        }
    }
}
