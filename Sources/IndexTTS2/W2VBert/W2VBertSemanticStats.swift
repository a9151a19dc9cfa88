// IndexTTS2's semantic normalization statistics (`wav2vec2bert_stats.pt`, a torch.save dict {"mean", "var"},
// each (H,) float32). infer_v2 computes std = sqrt(var) once and get_emb returns (feat − mean) / std.
import Foundation
import Neural
import Tensors

public struct W2VBertSemanticStats: Sendable {
    public let mean: Tensor // (H)
    /// sqrt(var), as infer_v2 stores it (the file holds the variance).
    public let std: Tensor  // (H)

    public init(mean: Tensor, variance: Tensor) throws {
        guard mean.rank == 1, variance.shape == mean.shape else {
            throw W2VBertError.badInput(expected: "mean and var of equal shape (H)", got: mean.shape + variance.shape)
        }
        if let bad = variance.array.firstIndex(where: { !($0 > 0) }) {
            throw W2VBertError.badConfig("semantic stats var[\(bad)] = \(variance[flat: bad]) is not positive")
        }
        self.mean = mean
        std = variance.map { $0.squareRoot() }
    }

    /// Reads "mean" and "var" (both (hidden)) from a store, e.g. `WeightStore(path: ".../wav2vec2bert_stats.pt")`.
    public init(_ scope: WeightScope, hidden: Int) throws {
        try self.init(mean: scope.tensor("mean", shape: [hidden]), variance: scope.tensor("var", shape: [hidden]))
    }

    /// Loads `wav2vec2bert_stats.pt` strictly (exactly the keys "mean" and "var").
    public static func load(path: String, hidden: Int) throws -> W2VBertSemanticStats {
        let store = try WeightStore(path: path)
        let stats = try W2VBertSemanticStats(store.root, hidden: hidden)
        try store.finish()
        return stats
    }

    /// (feat − mean) / std over the last axis: (…, H) → (…, H).
    public func normalize(_ feat: Tensor) throws -> Tensor {
        guard feat.shape.last == mean.count else {
            throw W2VBertError.badInput(expected: "(…, \(mean.count)) hidden states", got: feat.shape)
        }
        return (feat - mean) / std
    }
}
