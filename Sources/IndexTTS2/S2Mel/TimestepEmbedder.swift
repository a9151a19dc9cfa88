// TimestepEmbedder (indextts/s2mel/modules/diffusion_transformer.py):
//   args = (1000 · t) · freqs (float32), emb = [cos(args) ‖ sin(args)]   (cos FIRST; 128 + 128 = 256)
//   → Linear(256 → D) → SiLU → Linear(D → D).
// `freqs` = exp(−ln(10000)·i/128) is a registered buffer and is read from the checkpoint, not recomputed.
// Keys: mlp.0.{weight,bias}, mlp.2.{weight,bias}, freqs.
import Foundation
import Neural
import Tensors

struct TimestepEmbedder: Sendable {
    let freqs: [Float]
    let scale: Float
    let fc1: Linear
    let fc2: Linear

    init(_ scope: WeightScope, hidden: Int, frequencyEmbeddingSize: Int, scale: Float) throws {
        precondition(frequencyEmbeddingSize % 2 == 0, "odd frequency_embedding_size is not used by IndexTTS2")
        freqs = try scope.tensor("freqs", shape: [frequencyEmbeddingSize / 2]).array
        self.scale = scale
        fc1 = try Linear(scope.scope("mlp.0"), inFeatures: frequencyEmbeddingSize, outFeatures: hidden)
        fc2 = try Linear(scope.scope("mlp.2"), inFeatures: hidden, outFeatures: hidden)
    }

    /// The sinusoidal features of each t, (B, 256).
    func frequencies(_ t: [Float]) -> Tensor {
        let half = freqs.count
        var out = Tensor(zeros: [t.count, 2 * half]) // (B, 256)
        out.withUnsafeMutableBufferPointer { o in
            for (b, tb) in t.enumerated() {
                let st = scale * tb
                for i in 0..<half {
                    let a = st * freqs[i]
                    o[b * 2 * half + i] = cosf(a)
                    o[b * 2 * half + half + i] = sinf(a)
                }
            }
        }
        return out
    }

    /// t (B) → (B, D)
    func callAsFunction(_ t: [Float]) -> Tensor {
        var h = fc1(frequencies(t)) // (B, D)
        Activation.silu.apply(&h)
        return fc2(h) // (B, D)
    }
}
