// Parity runner for indextts2/w2v_bert_tiny: Wav2Vec2BertModel(input_features, attention_mask,
// output_hidden_states=True) with the case config, plus get_emb's normalization with the case's stand-in stats.
//   hidden_states (L+1, B, T, H)   every hidden state, from a model with all layers
//   last_hidden_state (B, T, H)    hidden_states[L] (the case has no adapter / intermediate_ffn)
//   hidden_state_used, spk_cond_emb  from a second model that loads only layers 0..<hidden_layer_index and
//                                  ignores the later layers' keys explicitly, as the real 17-of-24 load does
import Foundation
import Neural
import Tensors

public enum IndexTTS2W2VBertParity {
    public static var cases: [String: ParityRunner] { ["indextts2/w2v_bert_tiny": runW2VBert] }

    static func runW2VBert(_ c: ParityCase) throws -> [OutputReport] {
        let config = try c.decodeConfig(W2VBertConfig.self, key: "w2v_bert")
        guard let index = c.config["hidden_layer_index"] as? Int else {
            throw ParityError.config(key: "hidden_layer_index", reason: "missing (the hidden_states index get_emb reads)")
        }
        let features = try c.input("input_features") // (B, T, F)
        guard features.rank == 3 else {
            throw ParityError.config(key: "in.input_features", reason: "expected (B, T, F), got \(features.shape)")
        }
        let valid = try W2VBertModel.validFrames(try c.inputInts("attention_mask"), batch: features.shape[0], frames: features.shape[1])
        let stats = try W2VBertSemanticStats(mean: c.input("semantic_mean"), variance: c.input("semantic_var"))

        let fullStore = try IndexTTS2Parity.weights(c)
        let full = try W2VBertModel(config: config, weights: fullStore.root)
        try fullStore.finish(ignoring: W2VBertModel.ignoredKeys(config: config, layerCount: full.layerCount))
        let states = try full.hiddenStates(features, attentionMask: valid) // L+1 × (B, T, H)

        let usedStore = try IndexTTS2Parity.weights(c)
        let used = try W2VBertModel(config: config, weights: usedStore.root, layerCount: index)
        try usedStore.finish(ignoring: W2VBertModel.ignoredKeys(config: config, layerCount: index))

        var produced: [String: IndexTTS2Parity.Produced] = [
            "hidden_states": .float(Tensor.concat(states.map { $0.reshaped([1] + $0.shape) }, axis: 0)),
            "hidden_state_used": .float(try used.hiddenState(index, features: features, attentionMask: valid)),
            "spk_cond_emb": .float(try used.semanticEmbedding(features, attentionMask: valid, stats: stats)),
        ]
        // With an adapter or intermediate_ffn, last_hidden_state would differ from the encoder output; not ported.
        if !config.addAdapter && !config.useIntermediateFFNBeforeAdapter, let last = states.last {
            produced["last_hidden_state"] = .float(last)
        }
        return try IndexTTS2Parity.reports(c, produced)
    }
}
