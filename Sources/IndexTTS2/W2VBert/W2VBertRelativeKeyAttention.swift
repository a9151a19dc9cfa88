// `Wav2Vec2BertSelfAttention` with position_embeddings_type "relative_key" (Shaw-style relative key embeddings):
//   q, k, v = linear_q/k/v(x) split into h heads of d = hidden/h                     (B, h, T, d)
//   scores[i, j] = (q_i·k_j + q_i·E[clamp(j − i, −left_max, right_max) + left_max]) / √d
//   scores += key-padding mask (HF adds float32.min to padded key columns; −inf here, same softmax
//   whenever a row has a valid key); out = linear_out(softmax(scores)·v)
// E is `distance_embedding` (left_max + right_max + 1, d), shared by all heads of a layer. The window is
// asymmetric (64 left, 8 right for w2v-bert-2.0). The positional term is computed as one GEMM per head,
// q (T, d)·Eᵀ (d, R) → (T, R), then gathered into a (T, T) additive bias by clamped distance.
import Neural
import Tensors

struct W2VBertRelativeKeyAttention: Sendable {
    let heads: Int
    let headSize: Int
    let leftMax: Int
    let rightMax: Int
    let linearQ: Linear
    let linearK: Linear
    let linearV: Linear
    let linearOut: Linear
    let distanceEmbedding: Tensor // (R, d), R = leftMax + rightMax + 1

    init(_ scope: WeightScope, config: W2VBertConfig) throws {
        let size = config.hiddenSize
        heads = config.numAttentionHeads
        headSize = config.headSize
        leftMax = config.leftMaxPositionEmbeddings
        rightMax = config.rightMaxPositionEmbeddings
        linearQ = try Linear(scope.scope("linear_q"), inFeatures: size, outFeatures: size)
        linearK = try Linear(scope.scope("linear_k"), inFeatures: size, outFeatures: size)
        linearV = try Linear(scope.scope("linear_v"), inFeatures: size, outFeatures: size)
        linearOut = try Linear(scope.scope("linear_out"), inFeatures: size, outFeatures: size)
        distanceEmbedding = try scope.scope("distance_embedding").tensor("weight", shape: [config.distanceEmbeddingCount, headSize])
    }

    /// (B, T, h·d) → (B, h, T, d)
    func splitHeads(_ x: Tensor) -> Tensor {
        let (b, t) = (x.shape[0], x.shape[1])
        return x.reshaped([b, t, heads, headSize]).permuted([0, 2, 1, 3])
    }

    /// Relative-key bias (q·E[clamped distance])·scale for every (query, key) pair: q (B, h, T, d) → (B, h, T, T).
    func relativeKeyBias(_ q: Tensor, scale: Float) -> Tensor {
        let (b, t, d) = (q.shape[0], q.shape[2], q.shape[3])
        let r = leftMax + rightMax + 1
        var bias = Tensor(zeros: [b, heads, t, t]) // (B, h, T, T)
        let qp = q.pointer, ep = distanceEmbedding.pointer
        let (lm, rm) = (leftMax, rightMax)
        bias.withUnsafeMutableBufferPointer { buf in
            let out = buf.baseAddress!
            Tensors.parallelFor(b * heads) { range in
                let proj = UnsafeMutablePointer<Float>.allocate(capacity: Swift.max(t * r, 1)) // (T, R)
                defer { proj.deallocate() }
                for bh in range {
                    // proj (T, R) = scale · q (T, d) · Eᵀ (d, R)
                    BLAS.sgemm(transB: true, m: t, n: r, k: d, alpha: scale, a: qp + bh * t * d, lda: d, b: ep, ldb: d, c: proj, ldc: r)
                    let dst = out + bh * t * t
                    for i in 0..<t {
                        let row = dst + i * t, p = proj + i * r
                        for j in 0..<t { row[j] = p[Swift.min(Swift.max(j - i, -lm), rm) + lm] }
                    }
                }
            }
        }
        return bias
    }

    /// x (B, T, H), keyValid [B][T] (nil: every frame valid) → (B, T, H)
    func callAsFunction(_ x: Tensor, keyValid: [[Bool]]?) -> Tensor {
        let (b, t, c) = (x.shape[0], x.shape[1], x.shape[2])
        let q = splitHeads(linearQ(x)) // (B, h, T, d)
        let k = splitHeads(linearK(x)) // (B, h, T, d)
        let v = splitHeads(linearV(x)) // (B, h, T, d)
        let scale = 1 / Float(headSize).squareRoot()
        let bias = relativeKeyBias(q, scale: scale) // (B, h, T, T)
        let att = Attention.scaledDotProduct(q: q, k: k, v: v, mask: AttentionMask(keyValid: keyValid, additive: bias),
                                             scale: scale) // (B, h, T, d)
        return linearOut(att.permuted([0, 2, 1, 3]).reshaped([b, t, c])) // (B, T, H)
    }
}
