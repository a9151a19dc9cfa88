// WeNet `RelPositionMultiHeadedAttention` as vendored in indextts/gpt/conformer/attention.py (no rel_shift):
//   q, k, v = linear_q/k/v(x) split into h heads of d_k; p = linear_pos(pos_emb) (no bias), (h, T, d_k)
//   scores = ((q + pos_bias_u)·kᵀ + (q + pos_bias_v)·pᵀ) / √d_k       (B, h, T, T)
//   key-padding mask → −inf before the softmax, 0 after; out = linear_out(softmax · v)
// pos_emb holds absolute positions 0..T−1, so the positional term depends on the key index only.
import Neural
import Tensors

struct RelPositionAttention: Sendable {
    let heads: Int
    let linearQ: Linear
    let linearK: Linear
    let linearV: Linear
    let linearOut: Linear
    let linearPos: Linear
    let posBiasU: Tensor // (h, d_k)
    let posBiasV: Tensor // (h, d_k)

    init(_ scope: WeightScope, size: Int, heads: Int) throws {
        self.heads = heads
        let dk = size / heads
        linearQ = try Linear(scope.scope("linear_q"), inFeatures: size, outFeatures: size)
        linearK = try Linear(scope.scope("linear_k"), inFeatures: size, outFeatures: size)
        linearV = try Linear(scope.scope("linear_v"), inFeatures: size, outFeatures: size)
        linearOut = try Linear(scope.scope("linear_out"), inFeatures: size, outFeatures: size)
        linearPos = try Linear(scope.scope("linear_pos"), inFeatures: size, outFeatures: size, bias: false)
        posBiasU = try scope.tensor("pos_bias_u", shape: [heads, dk])
        posBiasV = try scope.tensor("pos_bias_v", shape: [heads, dk])
    }

    /// (B, T, h·d) → (B, h, T, d)
    func splitHeads(_ x: Tensor) -> Tensor {
        let (b, t, c) = (x.shape[0], x.shape[1], x.shape[2])
        return x.reshaped([b, t, heads, c / heads]).permuted([0, 2, 1, 3])
    }

    /// x (B, T, C), posEmb (T, C), keyValid [B][T] → (B, T, C)
    func callAsFunction(_ x: Tensor, posEmb: Tensor, keyValid: [[Bool]]) -> Tensor {
        let (b, t, c) = (x.shape[0], x.shape[1], x.shape[2])
        let dk = c / heads
        let q = linearQ(x).reshaped([b, t, heads, dk]) // (B, T, h, d)
        let k = splitHeads(linearK(x)) // (B, h, T, d)
        let v = splitHeads(linearV(x)) // (B, h, T, d)
        let p = splitHeads(linearPos(posEmb).reshaped([1, t, c])) // (1, h, T, d)
        let qu = (q + posBiasU).permuted([0, 2, 1, 3]) // (B, h, T, d)
        let qv = (q + posBiasV).permuted([0, 2, 1, 3]) // (B, h, T, d)
        // Positional term (q + v_b)·pᵀ / √d_k, added to the content scores as an additive mask.
        let scale = 1 / Float(dk).squareRoot()
        var bd = Tensor(zeros: [b, heads, t, t]) // (B, h, T, T)
        let qvp = qv.pointer, pp = p.pointer
        bd.withUnsafeMutableBufferPointer { buf in
            for bi in 0..<b {
                for h in 0..<heads {
                    BLAS.sgemm(transB: true, m: t, n: t, k: dk, alpha: scale, a: qvp + (bi * heads + h) * t * dk, lda: dk,
                               b: pp + h * t * dk, ldb: dk, c: buf.baseAddress! + (bi * heads + h) * t * t, ldc: t)
                }
            }
        }
        let att = Attention.scaledDotProduct(q: qu, k: k, v: v, mask: AttentionMask(keyValid: keyValid, additive: bd),
                                             scale: scale) // (B, h, T, d)
        return linearOut(att.permuted([0, 2, 1, 3]).reshaped([b, t, c])) // (B, T, C)
    }
}
