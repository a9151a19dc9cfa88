// `Wav2Vec2BertSelfAttention` with position_embeddings_type "relative_key" (Shaw-style relative key embeddings):
//   q, k, v = linear_q/k/v(x) split into h heads of d = hidden/h                     (B, h, T, d)
//   scores[i, j] = (q_i·k_j + q_i·E[clamp(j − i, −left_max, right_max) + left_max]) / √d
//   scores += key-padding mask (HF adds float32.min to padded key columns; −inf here, same softmax
//   whenever a row has a valid key); out = linear_out(softmax(scores)·v)
// E is `distance_embedding` (left_max + right_max + 1, d), shared by all heads of a layer. The window is
// asymmetric (64 left, 8 right for w2v-bert-2.0).
//
// Layout: linear_q/k/v run as one fused GEMM into (B, T, 3·H) rows; every head reads its q/k/v columns in
// place through the leading dimension (no head split / permute), and writes its context into its columns of
// (B, T, H). Heads run in parallel, each through single-threaded GEMMs (results do not depend on the thread
// count). The positional term is one GEMM per head, q (T, d)·Eᵀ (d, R) → (T, R), added to the scores row by
// row by clamped distance (three contiguous runs per row), never materialized as (T, T).
import Neural
import Tensors

struct W2VBertRelativeKeyAttention: Sendable {
    let heads: Int
    let headSize: Int
    let leftMax: Int
    let rightMax: Int
    let linearQKV: Linear // (3H, H): linear_q, linear_k, linear_v stacked
    let linearOut: Linear
    let distanceEmbedding: Tensor // (R, d), R = leftMax + rightMax + 1

    init(_ scope: WeightScope, config: W2VBertConfig) throws {
        let size = config.hiddenSize
        heads = config.numAttentionHeads
        headSize = config.headSize
        leftMax = config.leftMaxPositionEmbeddings
        rightMax = config.rightMaxPositionEmbeddings
        let parts = try ["linear_q", "linear_k", "linear_v"].map { try Linear(scope.scope($0), inFeatures: size, outFeatures: size) }
        linearQKV = Linear(weight: Tensor.concat(parts.map(\.weight), axis: 0), // (3H, H)
                           bias: Tensor.concat(parts.map { $0.bias! }, axis: 0)) // (3H)
        linearOut = try Linear(scope.scope("linear_out"), inFeatures: size, outFeatures: size)
        distanceEmbedding = try scope.scope("distance_embedding").tensor("weight", shape: [config.distanceEmbeddingCount, headSize])
    }

    /// x (B, T, H), keyValid [B][T] (nil: every frame valid) → (B, T, H)
    func callAsFunction(_ x: Tensor, keyValid: [[Bool]]?) -> Tensor {
        let (b, t, c) = (x.shape[0], x.shape[1], x.shape[2])
        let qkv = linearQKV(x) // (B, T, 3H)
        var context = Tensor(zeros: [b, t, c]) // (B, T, H)
        let (d, r, lm, rm, nh) = (headSize, leftMax + rightMax + 1, leftMax, rightMax, heads)
        let scale = 1 / Float(headSize).squareRoot()
        let qp = qkv.pointer, ep = distanceEmbedding.pointer
        context.withUnsafeMutableBufferPointer { ob in
            let out = ob.baseAddress!
            Tensors.parallelFor(b * nh) { range in
                let scores = UnsafeMutablePointer<Float>.allocate(capacity: t * t) // (T, T)
                let proj = UnsafeMutablePointer<Float>.allocate(capacity: t * r)   // (T, R)
                defer { scores.deallocate(); proj.deallocate() }
                for bh in range {
                    let bi = bh / nh, hh = bh % nh
                    let q = qp + bi * t * 3 * c + hh * d, k = q + c, v = q + 2 * c // rows of stride 3H
                    // scores (T, T) = scale · q kᵀ; proj (T, R) = scale · q Eᵀ
                    BLAS.rawSgemm(false, true, t, t, d, scale, q, 3 * c, k, 3 * c, 0, scores, t)
                    BLAS.rawSgemm(false, true, t, r, d, scale, q, 3 * c, ep, d, 0, proj, r)
                    Self.addRelative(scores, proj: proj, t: t, r: r, leftMax: lm, rightMax: rm)
                    if let keyValid {
                        for j in 0..<t where !keyValid[bi][j] { for i in 0..<t { scores[i * t + j] = -.infinity } }
                    }
                    for i in 0..<t { VectorMath.softmaxRow(scores + i * t, t) }
                    // context[:, head] (T, d) = P (T, T) · v (T, d)
                    BLAS.rawSgemm(false, false, t, d, t, 1, scores, t, v, 3 * c, 0, out + bi * t * c + hh * d, c)
                }
            }
        }
        return linearOut(context) // (B, T, H)
    }

    /// scores[i, j] += proj[i, clamp(j − i, −leftMax, rightMax) + leftMax]: keys left of the window take column 0,
    /// keys right of it column R − 1, the window a contiguous slice.
    static func addRelative(_ scores: UnsafeMutablePointer<Float>, proj: UnsafePointer<Float>, t: Int, r: Int,
                            leftMax: Int, rightMax: Int) {
        for i in 0..<t {
            let row = scores + i * t, p = proj + i * r
            let lo = Swift.min(t, Swift.max(0, i - leftMax)), hi = Swift.min(t, Swift.max(0, i + rightMax + 1))
            let first = p[0], last = p[r - 1]
            for j in 0..<lo { row[j] += first }
            let window = p + (leftMax - i) // window[j] = p[j − i + leftMax]
            for j in lo..<hi { row[j] += window[j] }
            for j in hi..<t { row[j] += last }
        }
    }
}
