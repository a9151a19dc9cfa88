// Whisper multi-head attention (transformers WhisperAttention = openai-whisper model.py MultiHeadAttention):
// q_proj and v_proj with bias, k_proj without, out_proj with bias; softmax(q·kᵀ/√d_head)·v per head
// (openai scales q and k by d_head^−¼ each, transformers q by d_head^−½: the same product). Self-attention
// runs over a KV cache (causal for the newest rows); cross-attention over keys/values projected once from
// the encoder output.
import Neural
import Tensors

struct WhisperAttention: Sendable {
    let q: Linear
    let k: Linear
    let v: Linear
    let out: Linear
    let heads: Int
    let headDim: Int

    init(_ scope: WeightScope, dim: Int, heads: Int) throws {
        q = try Linear(scope.scope("q_proj"), inFeatures: dim, outFeatures: dim)
        k = try Linear(scope.scope("k_proj"), inFeatures: dim, outFeatures: dim, bias: false)
        v = try Linear(scope.scope("v_proj"), inFeatures: dim, outFeatures: dim)
        out = try Linear(scope.scope("out_proj"), inFeatures: dim, outFeatures: dim)
        self.heads = heads
        headDim = dim / heads
    }

    /// (T, C) → (1, H, T, Dh)
    func splitHeads(_ x: Tensor) -> Tensor {
        let t = x.shape[0]
        return x.reshaped([t, heads, headDim]).permuted([1, 0, 2]).reshaped([1, heads, t, headDim])
    }

    /// (1, H, T, Dh) → (T, C)
    func mergeHeads(_ x: Tensor) -> Tensor {
        let t = x.shape[2]
        return x.reshaped([heads, t, headDim]).permuted([1, 0, 2]).reshaped([t, heads * headDim])
    }

    /// Unmasked self-attention of x (T, C) (the encoder).
    func callAsFunction(_ x: Tensor) -> Tensor {
        let a = Attention.scaledDotProduct(q: splitHeads(q(x)), k: splitHeads(k(x)), v: splitHeads(v(x))) // (1, H, T, Dh)
        return out(mergeHeads(a)) // (T, C)
    }

    /// Causal self-attention of the newest rows x (T, C) after appending their keys/values to `cache`.
    func callAsFunction(_ x: Tensor, cache: KVCache) throws -> Tensor {
        try cache.append(keys: splitHeads(k(x)), values: splitHeads(v(x)))
        let a = cache.attend(queries: splitHeads(q(x)), causal: true) // (1, H, T, Dh)
        return out(mergeHeads(a)) // (T, C)
    }

    /// Cross-attention keys and values of the encoder output xa (S, C): (1, H, S, Dh) each.
    func crossKeysValues(_ xa: Tensor) -> (keys: Tensor, values: Tensor) {
        (splitHeads(k(xa)), splitHeads(v(xa)))
    }

    /// Cross-attention of x (T, C) over precomputed keys/values; `scoresOf` heads get their pre-softmax
    /// scores q·kᵀ/√d_head (T, S) returned (openai's qk, the alignment heads' input).
    func cross(_ x: Tensor, keys: Tensor, values: Tensor, scoresOf: [Int] = []) -> (output: Tensor, scores: [Int: Tensor]) {
        let qh = splitHeads(q(x)) // (1, H, T, Dh)
        let a = Attention.scaledDotProduct(q: qh, k: keys, v: values) // (1, H, T, Dh)
        var scores: [Int: Tensor] = [:]
        let t = x.shape[0], s = keys.shape[2]
        let scale = 1 / Float(headDim).squareRoot()
        for h in scoresOf {
            let qr = qh.slice(axis: 1, start: h, end: h + 1).reshaped([t, headDim]) // (T, Dh)
            let kr = keys.slice(axis: 1, start: h, end: h + 1).reshaped([s, headDim]) // (S, Dh)
            var sc = qr.matmul(kr, transposeOther: true) // (T, S)
            sc.scale(by: scale)
            scores[h] = sc
        }
        return (out(mergeHeads(a)), scores)
    }
}
