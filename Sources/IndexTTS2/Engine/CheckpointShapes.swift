// Sizes the original code hard-codes rather than reads from config.yaml, recovered from the checkpoints'
// tensor shapes so that any consistent checkpoint (the release model or a reduced test model) loads:
//   CAMPPlus(feat_dim=80, embedding_size=192) with DTDNN defaults growth_rate 32, bn_size 4, init_channels 128;
//   UnifiedVoice conformer input size (1024 = w2v-BERT hidden), emotion perceiver width / emovec_layer input (1024).
import Foundation
import Neural

enum CheckpointShapes {
    /// CAMPPlus constructor sizes from campplus_cn_common.bin: init_channels (tdnn out), growth_rate (CAM layer out),
    /// bn_size (bottleneck / growth), embedding_size (dense out); feat_dim from the FCM head's frequency reduction.
    static func campplus(_ store: WeightStore, file: String) throws -> CAMPPlusConfig {
        let r = store.root
        func shape(_ key: String) throws -> [Int] {
            guard let s = r.shape(of: key), !s.isEmpty else {
                throw IndexTTS2ModelError.corrupt(file: file, reason: "no tensor '\(key)' (not a CAMPPlus state_dict?)")
            }
            return s
        }
        let initChannels = try shape("xvector.tdnn.linear.weight")[0]
        let growth = try shape("xvector.block1.tdnnd1.cam_layer.linear_local.weight")[0]
        let bottleneck = try shape("xvector.block1.tdnnd1.linear1.weight")[0]
        let embedding = try shape("xvector.dense.linear.weight")[0]
        guard growth > 0, bottleneck % growth == 0 else {
            throw IndexTTS2ModelError.corrupt(file: file, reason: "bottleneck width \(bottleneck) is not a multiple of growth rate \(growth)")
        }
        // infer_v2: CAMPPlus(feat_dim=80, ...) — the Kaldi fbank it is fed has 80 bins.
        return CAMPPlusConfig(featDim: 80, embeddingSize: embedding, growthRate: growth, bnSize: bottleneck / growth,
                              initChannels: initChannels)
    }

    /// The conditioning config of config.yaml `gpt`, with the hard-coded 1024s replaced by the checkpoint's sizes:
    /// conformer input = w2v-BERT hidden size, emotion perceiver width = emovec_layer input features.
    static func conditioning(_ config: IndexTTS2Config, gpt: WeightStore, semanticHidden: Int, file: String) throws -> GPTConditioningConfig {
        var c = try config.gptConditioning
        c.condInputDim = semanticHidden
        guard let emovec = gpt.root.shape(of: "emovec_layer.weight"), emovec.count == 2 else {
            throw IndexTTS2ModelError.corrupt(file: file, reason: "no tensor 'emovec_layer.weight' (not an IndexTTS2 UnifiedVoice state_dict?)")
        }
        c.emoPerceiverDim = emovec[1]
        return c
    }
}
