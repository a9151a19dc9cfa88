// IndexTTS2.get_emb: SeamlessM4T features → w2v-BERT 2.0 hidden_states[layer] → (x − mean) / sqrt(var)
// with mean / var from wav2vec2bert_stats.pt (the file stores the variance; infer_v2 takes its square root).
//
// The hidden-state index is hard-coded to 17 in infer_v2 (of a 24-layer model); a checkpoint with fewer
// encoder layers (the tiny test model has 3) cannot use 17, so the index is min(17, layers − 1).
import AudioDSP
import Foundation
import Tensors

/// w2v-BERT 2.0 as get_emb runs it: the hidden state `layer` (0 = feature projection, k = output of encoder
/// layer k − 1) for one utterance's (1, T, 160) features and its (T) attention mask → (1, T, hidden).
public protocol SemanticHiddenStates: AnyObject, Sendable {
    var hiddenSize: Int { get }
    var encoderLayers: Int { get }
    func hiddenState(_ layer: Int, inputFeatures: Tensor, attentionMask: [Int64]) throws -> Tensor
}

public struct SemanticEmbedder: Sendable {
    /// infer_v2 `get_emb`: `hidden_states[17]`.
    public static let releaseHiddenStateIndex = 17

    /// The hidden state get_emb reads from a model with `layers` encoder layers: 17, or layers − 1 when fewer.
    public static func hiddenStateIndex(layers: Int) -> Int { max(0, min(releaseHiddenStateIndex, layers - 1)) }

    public let extractor: SeamlessFeatureExtractor
    public let model: SemanticHiddenStates
    public let layer: Int
    /// (hidden) mean and sqrt(var) from wav2vec2bert_stats.pt.
    let mean: [Float]
    let std: [Float]

    /// `layer` nil = the release rule `hiddenStateIndex(layers:)`; a parity case gives its index explicitly.
    public init(extractor: SeamlessFeatureExtractor, model: SemanticHiddenStates, mean: Tensor, variance: Tensor,
                statsFile: String, layer: Int? = nil) throws {
        let d = model.hiddenSize
        guard mean.count == d, variance.count == d else {
            throw IndexTTS2ModelError.corrupt(file: statsFile, reason: "mean/var have \(mean.count)/\(variance.count) values; "
                + "w2v-BERT hidden size is \(d)")
        }
        self.extractor = extractor
        self.model = model
        let index = layer ?? Self.hiddenStateIndex(layers: model.encoderLayers)
        guard index >= 0, index <= model.encoderLayers else {
            throw IndexTTS2ModelError.unsupported("w2v-BERT hidden state \(index) does not exist (the model has \(model.encoderLayers) layers)")
        }
        self.layer = index
        self.mean = mean.array
        std = variance.array.map { $0.squareRoot() }
    }

    /// Seamless features of one mono clip at the feature rate.
    public func features(_ samples: [Float]) throws -> SeamlessFeatures { try extractor.extract(samples) }

    /// get_emb on already-extracted features → (1, T, hidden)
    public func embed(_ features: SeamlessFeatures) throws -> Tensor {
        var h = try model.hiddenState(layer, inputFeatures: features.inputFeatures, attentionMask: features.attentionMask) // (1, T, D)
        let d = mean.count
        guard h.rank == 3, h.shape[2] == d else {
            throw IndexTTS2ModelError.unsupported("w2v-BERT returned \(h.shape); expected (1, T, \(d))")
        }
        h.withUnsafeMutableBufferPointer { p in
            for i in 0..<p.count { p[i] = (p[i] - mean[i % d]) / std[i % d] }
        }
        return h // (1, T, D)
    }
}
