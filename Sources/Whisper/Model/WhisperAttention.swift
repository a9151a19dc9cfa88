// Whisper multi-head attention (transformers WhisperAttention = openai-whisper model.py MultiHeadAttention):
// q_proj and v_proj with bias, k_proj without, out_proj with bias; softmax(q·kᵀ/√d_head)·v per head
// (openai scales q and k by d_head^−¼ each, transformers q by d_head^−½: the same product). Self-attention
// runs over a row cache (causal for the newest rows); cross-attention over keys/values projected once from
// the encoder output. The per-head work is WhisperAttentionKernel.
import Neural
import Tensors

struct WhisperAttention: Sendable {
    let q: Linear
    let k: Linear
    let v: Linear
    let out: Linear
    let heads: Int

    init(_ scope: WeightScope, dim: Int, heads: Int) throws {
        q = try Linear(scope.scope("q_proj"), inFeatures: dim, outFeatures: dim)
        k = try Linear(scope.scope("k_proj"), inFeatures: dim, outFeatures: dim, bias: false)
        v = try Linear(scope.scope("v_proj"), inFeatures: dim, outFeatures: dim)
        out = try Linear(scope.scope("out_proj"), inFeatures: dim, outFeatures: dim)
        self.heads = heads
    }

    /// Unmasked self-attention of x (T, C) (the encoder).
    func callAsFunction(_ x: Tensor) -> Tensor {
        let keys = k(x), values = v(x) // (T, C)
        let (a, _) = WhisperAttentionKernel.attend(q: q(x), keys: keys.pointer, values: values.pointer, keyLength: x.shape[0],
                                                   heads: heads, causalOffset: nil)
        return withExtendedLifetime((keys, values)) { out(a) } // (T, C)
    }

    /// Causal self-attention of the newest rows x (T, C) after appending their keys/values to `cache`.
    func callAsFunction(_ x: Tensor, cache: WhisperRowCache) throws -> Tensor {
        try cache.append(keys: k(x), values: v(x))
        let (a, _) = WhisperAttentionKernel.attend(q: q(x), keys: cache.keyPointer, values: cache.valuePointer,
                                                   keyLength: cache.length, heads: heads, causalOffset: cache.length - x.shape[0])
        return out(a) // (T, C)
    }

    /// Cross-attention keys and values of the encoder output xa (S, C): (S, C) each.
    func crossKeysValues(_ xa: Tensor) -> (keys: Tensor, values: Tensor) { (k(xa), v(xa)) }

    /// Cross-attention of x (T, C) over precomputed keys/values (S, C); `scoresOf` heads get their pre-softmax
    /// scores q·kᵀ/√d_head (T, S) returned (openai's qk, the alignment heads' input).
    func cross(_ x: Tensor, keys: Tensor, values: Tensor, scoresOf: [Int] = []) -> (output: Tensor, scores: [Int: Tensor]) {
        let (a, scores) = WhisperAttentionKernel.attend(q: q(x), keys: keys.pointer, values: values.pointer, keyLength: keys.shape[0],
                                                        heads: heads, causalOffset: nil, keepScores: scoresOf)
        return (out(a), scores)
    }
}
