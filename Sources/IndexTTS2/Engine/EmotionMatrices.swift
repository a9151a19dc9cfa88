// infer_v2's emotion-vector path (§1.10): spk_matrix = feat1.pt (Σemo_num, style_dim) and
// emo_matrix = feat2.pt (Σemo_num, model_dim), both split into consecutive groups of `emo_num` rows.
// For each category i the row whose spk_matrix entry is most cosine-similar to the speaker style is picked
// (torch.argmax: first maximum); emovec_mat = Σ_i w_i · emo_group_i[index_i] (1, model_dim), and the final
// emovec = emovec_mat + (1 − Σ w) · emovec.
import Foundation
import Tensors

public struct EmotionMatrices: Sendable {
    /// Rows per category (config.yaml `emo_num`).
    public let groups: [Int]
    /// feat1: (Σgroups, style_dim)
    public let speaker: Tensor
    /// feat2: (Σgroups, model_dim)
    public let emotion: Tensor

    public init(speaker: Tensor, emotion: Tensor, groups: [Int], speakerFile: String = "feat1.pt", emotionFile: String = "feat2.pt") throws {
        let rows = groups.reduce(0, +)
        guard speaker.rank == 2, speaker.shape[0] == rows else {
            throw IndexTTS2ModelError.corrupt(file: speakerFile, reason: "spk_matrix has shape \(speaker.shape); expected (\(rows), style_dim) for emo_num \(groups)")
        }
        guard emotion.rank == 2, emotion.shape[0] == rows else {
            throw IndexTTS2ModelError.corrupt(file: emotionFile, reason: "emo_matrix has shape \(emotion.shape); expected (\(rows), model_dim) for emo_num \(groups)")
        }
        self.groups = groups
        self.speaker = speaker
        self.emotion = emotion
    }

    public var styleDim: Int { speaker.shape[1] }
    public var modelDim: Int { emotion.shape[1] }

    /// Per category, the row (within its group) whose spk_matrix entry is most similar to `style` (1, style_dim).
    public func nearestRows(style: Tensor) throws -> [Int] {
        guard style.count == styleDim else {
            throw IndexTTS2ModelError.badEmotion("style has \(style.count) values; spk_matrix rows have \(styleDim)")
        }
        let s = style.array, m = speaker.array, d = styleDim
        // F.cosine_similarity: x·y / (max(‖x‖, eps) · max(‖y‖, eps)), eps 1e-8.
        let eps = 1e-8
        let sNorm = max(sqrt(s.reduce(0.0) { $0 + Double($1) * Double($1) }), eps)
        var start = 0
        var picks: [Int] = []
        for n in groups {
            var best = 0
            var bestSim = -Double.infinity
            for r in 0..<n {
                let row = (start + r) * d
                var dot = 0.0, norm = 0.0
                for k in 0..<d {
                    dot += Double(s[k]) * Double(m[row + k])
                    norm += Double(m[row + k]) * Double(m[row + k])
                }
                let sim = dot / (sNorm * max(sqrt(norm), eps))
                if sim > bestSim { bestSim = sim; best = r }
            }
            picks.append(best)
            start += n
        }
        return picks
    }

    /// emovec_mat = Σ_i w_i · emo_matrix[group_i start + rows[i]] → (1, model_dim), float32 like torch.
    public func emotionMix(weights: [Float], rows: [Int]) throws -> Tensor {
        guard weights.count == groups.count, rows.count == groups.count else {
            throw IndexTTS2ModelError.badEmotion("need \(groups.count) weights and rows, got \(weights.count) and \(rows.count)")
        }
        let e = emotion.array, d = modelDim
        // torch: (w.unsqueeze(1) * M).sum(0): products in float32, then a float32 sum over the 8 rows.
        var out = [Float](repeating: 0, count: d)
        var start = 0
        var selected: [Int] = []
        for (i, n) in groups.enumerated() {
            guard rows[i] >= 0, rows[i] < n else {
                throw IndexTTS2ModelError.badEmotion("row \(rows[i]) outside group \(i) of \(n) rows")
            }
            selected.append(start + rows[i])
            start += n
        }
        for k in 0..<d {
            var acc: Float = 0
            for (i, r) in selected.enumerated() { acc += weights[i] * e[r * d + k] }
            out[k] = acc
        }
        return Tensor(shape: [1, d], data: out) // (1, model_dim)
    }

    /// emovec_mat + (1 − Σw) · emovec, for emovec (1, model_dim).
    public func apply(_ vector: EmotionVector, style: Tensor, to emovec: Tensor) throws -> Tensor {
        guard emovec.count == modelDim else {
            throw IndexTTS2ModelError.badEmotion("emovec has \(emovec.count) values; emo_matrix rows have \(modelDim)")
        }
        let mix = try emotionMix(weights: vector.weights, rows: try nearestRows(style: style)) // (1, model_dim)
        let rest = 1 - vector.sum
        return Tensor(shape: [1, modelDim], data: zip(mix.array, emovec.array).map { $0 + rest * $1 }) // (1, model_dim)
    }
}
