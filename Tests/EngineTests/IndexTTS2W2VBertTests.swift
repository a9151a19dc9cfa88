// w2v-BERT 2.0 (Wav2Vec2BertModel) against indextts2/w2v_bert_tiny, the published-directory loader against the
// e2e_tiny checkpoint, strict loading, config checks, and hand-computed checks of the relative-key bias and the
// causal depthwise conv.
import AudioDSP
import Foundation
import XCTest
@testable import IndexTTS2
import Neural
import Tensors
import TestSupport

final class IndexTTS2W2VBertTests: XCTestCase {
    let caseName = "indextts2/w2v_bert_tiny"

    func testW2VBertTinyParity() throws {
        let start = Date()
        try IndexTTS2ParityHarness.assertAllPass(caseName)
        print("w2v_bert_tiny parity run took \(String(format: "%.3f", Date().timeIntervalSince(start))) s")
    }

    func testPerturbedOutputsFailByName() throws {
        try IndexTTS2ParityHarness.assertPerturbationFails(caseName, output: "hidden_states") { a in a[a.count - 7] += 5e-3 }
        try IndexTTS2ParityHarness.assertPerturbationFails(caseName, output: "spk_cond_emb") { a in a[a.count - 1] -= 5e-2 }
    }

    /// The e2e_tiny checkpoint directory (config.json + model.safetensors, stats .pt) reproduces that case's
    /// get_emb outputs for both the speaker and the emotion features.
    func testPublishedDirectoryMatchesEndToEndCase() throws {
        let e2e = try Fixtures.load("indextts2/e2e_tiny")
        guard let index = e2e.config["hidden_layer_index"] as? Int else { return XCTFail("e2e_tiny has no hidden_layer_index") }
        let dir = e2e.directory.appendingPathComponent("checkpoint")
        let model = try W2VBertModel.load(directory: dir.appendingPathComponent("w2v-bert-2.0"), layerCount: index)
        XCTAssertEqual(model.layerCount, index)
        let stats = try W2VBertSemanticStats.load(path: dir.appendingPathComponent("wav2vec2bert_stats.pt").path,
                                                  hidden: model.config.hiddenSize)
        for (features, mask, output) in [("input_features", "attention_mask", "spk_cond_emb"),
                                         ("emo_input_features", "emo_attention_mask", "emo_cond_emb")] {
            let x = try e2e.expected(features).floatTensor(key: features) // (1, T, 160)
            let valid = try W2VBertModel.validFrames(e2e.expected(mask).int64Array(), batch: 1, frames: x.shape[1])
            let emb = try model.semanticEmbedding(x, attentionMask: valid, stats: stats)
            let report = try ParityCompare.check(e2e, output: output, got: emb)
            XCTAssertTrue(report.passed, "\(report)")
        }
    }

    /// Front end to embedding: the Seamless extractor on the e2e 16 kHz audio, then get_emb, matches spk_cond_emb.
    func testSeamlessFeaturesToSemanticEmbedding() throws {
        let e2e = try Fixtures.load("indextts2/e2e_tiny")
        let dir = e2e.directory.appendingPathComponent("checkpoint")
        let model = try W2VBertModel.load(directory: dir.appendingPathComponent("w2v-bert-2.0"), layerCount: 2)
        let stats = try W2VBertSemanticStats.load(path: dir.appendingPathComponent("wav2vec2bert_stats.pt").path, hidden: 64)
        let audio = try e2e.expected("audio_16k").floatTensor(key: "audio_16k").array
        let features = try SeamlessFeatureExtractor(config: SeamlessFeatureExtractorConfig()).extract(audio)
        let report = try ParityCompare.check(e2e, output: "spk_cond_emb", got: model.semanticEmbedding(features, stats: stats))
        XCTAssertTrue(report.passed, "\(report)")
    }

    /// The padded last frame of the case changes the result when the mask is dropped, so the mask path is live.
    func testAttentionMaskChangesTheOutput() throws {
        let c = try Fixtures.load(caseName)
        let config = try c.decodeConfig(W2VBertConfig.self, key: "w2v_bert")
        let model = try W2VBertModel(config: config, weights: WeightStore(path: c.weightsURL!.path).root)
        let x = try c.input("input_features")
        let valid = try W2VBertModel.validFrames(c.inputInts("attention_mask"), batch: 1, frames: x.shape[1])
        XCTAssertEqual(valid[0].filter { !$0 }.count, 1)
        let masked = try model.hiddenState(3, features: x, attentionMask: valid).array
        let unmasked = try model.hiddenState(3, features: x, attentionMask: nil).array
        let diff = zip(masked, unmasked).map { abs($0 - $1) }.max() ?? 0
        XCTAssertGreaterThan(diff, 1e-3)
    }

    func testStrictLoadingNamesMissingAndUnreadKeys() throws {
        let c = try Fixtures.load(caseName)
        let config = try c.decodeConfig(W2VBertConfig.self, key: "w2v_bert")
        let full = try WeightStore(path: c.weightsURL!.path)
        var tensors: [String: Tensor] = [:]
        for k in full.keys { tensors[k] = try full.peek(k) }

        var missing = tensors
        missing.removeValue(forKey: "encoder.layers.1.self_attn.distance_embedding.weight")
        XCTAssertThrowsError(try W2VBertModel(config: config, weights: WeightStore(tensors: missing, source: "missing").root)) { e in
            XCTAssertTrue("\(e)".contains("encoder.layers.1.self_attn.distance_embedding.weight"), "\(e)")
        }

        // A 2-layer model leaves layer 2 and masked_spec_embed unread: finish() must name them unless ignored.
        let store = WeightStore(tensors: tensors, source: "tiny")
        _ = try W2VBertModel(config: config, weights: store.root, layerCount: 2)
        let layer2 = tensors.keys.filter { $0.hasPrefix("encoder.layers.2.") }
        XCTAssertEqual(layer2.count, 32)
        XCTAssertEqual(store.unusedKeys, (layer2 + ["masked_spec_embed"]).sorted())
        XCTAssertThrowsError(try store.finish()) { e in
            XCTAssertTrue("\(e)".contains("33 unused") && "\(e)".contains("encoder.layers.2."), "\(e)")
        }
        XCTAssertThrowsError(try store.finish(ignoring: ["masked_spec_embed"]))
        XCTAssertNoThrow(try store.finish(ignoring: W2VBertModel.ignoredKeys(config: config, layerCount: 2)))

        var wrongShape = tensors
        wrongShape["encoder.layers.0.conv_module.depthwise_conv.weight"] = Tensor(zeros: [64, 1, 15])
        XCTAssertThrowsError(try W2VBertModel(config: config, weights: WeightStore(tensors: wrongShape, source: "shape").root)) { e in
            XCTAssertTrue("\(e)".contains("depthwise_conv.weight"), "\(e)")
        }
    }

    func testConfigDefaultsAndRejections() throws {
        let real = try JSONDecoder().decode(W2VBertConfig.self, from: Data(#"{"model_type": "wav2vec2-bert"}"#.utf8))
        XCTAssertEqual([real.hiddenSize, real.numHiddenLayers, real.numAttentionHeads, real.intermediateSize], [1024, 24, 16, 4096])
        XCTAssertEqual([real.leftMaxPositionEmbeddings, real.rightMaxPositionEmbeddings, real.convDepthwiseKernelSize], [64, 8, 31])
        XCTAssertEqual(real.distanceEmbeddingCount, 73)
        XCTAssertEqual(real.headSize, 64)
        XCTAssertNoThrow(try real.validate())
        let ignored = W2VBertModel.ignoredKeys(config: real, layerCount: 17)
        XCTAssertEqual(ignored.filter { $0.hasPrefix("encoder.layers.") }, (17...23).map { "encoder.layers.\($0)." })
        XCTAssertTrue(ignored.contains("masked_spec_embed"))

        for json in [#"{"position_embeddings_type": "rotary"}"#, #"{"position_embeddings_type": null}"#,
                     #"{"conv_depthwise_kernel_size": 30}"#, #"{"hidden_size": 100, "num_attention_heads": 16}"#,
                     #"{"hidden_act": "nonsense"}"#] {
            let config = try JSONDecoder().decode(W2VBertConfig.self, from: Data(json.utf8))
            XCTAssertThrowsError(try config.validate(), json)
        }
    }

    /// hidden 2, 2 heads of width 1, window (−2, +1): with q = 1 and E[r] = r + 1 the bias is
    /// clamp(j − i, −2, 1) + 3, written out by hand.
    func testRelativeKeyBiasClampsDistances() throws {
        var config = W2VBertConfig()
        config.hiddenSize = 2
        config.numAttentionHeads = 2
        config.leftMaxPositionEmbeddings = 2
        config.rightMaxPositionEmbeddings = 1
        var tensors: [String: Tensor] = ["distance_embedding.weight": Tensor(shape: [4, 1], data: [1, 2, 3, 4])]
        for name in ["linear_q", "linear_k", "linear_v", "linear_out"] {
            tensors["\(name).weight"] = Tensor(zeros: [2, 2])
            tensors["\(name).bias"] = Tensor(zeros: [2])
        }
        let attention = try W2VBertRelativeKeyAttention(WeightStore(tensors: tensors, source: "hand").root, config: config)
        XCTAssertEqual(attention.linearQKV.weight.shape, [6, 2])
        // q = 1 (T = 5, d = 1): the per-head projection q·Eᵀ is E in every row.
        let (t, r) = (5, attention.leftMax + attention.rightMax + 1)
        let proj = (0..<t).flatMap { _ in attention.distanceEmbedding.array } // (T, R)
        var scores = [Float](repeating: 0, count: t * t) // (T, T)
        scores.withUnsafeMutableBufferPointer { s in
            proj.withUnsafeBufferPointer { p in
                W2VBertRelativeKeyAttention.addRelative(s.baseAddress!, proj: p.baseAddress!, t: t, r: r,
                                                        leftMax: attention.leftMax, rightMax: attention.rightMax)
            }
        }
        let expected: [Float] = [
            3, 4, 4, 4, 4,
            2, 3, 4, 4, 4,
            1, 2, 3, 4, 4,
            1, 1, 2, 3, 4,
            1, 1, 1, 2, 3,
        ]
        XCTAssertEqual(scores, expected)
    }

    /// The conv module's depthwise conv is causal: changing frames ≥ t0 leaves the outputs of frames < t0 unchanged,
    /// while the frames ≥ t0 do change.
    func testConvolutionModuleIsCausal() throws {
        let c = try Fixtures.load(caseName)
        let config = try c.decodeConfig(W2VBertConfig.self, key: "w2v_bert")
        let store = try WeightStore(path: c.weightsURL!.path)
        let module = try W2VBertConvolutionModule(store.scope("encoder.layers.0.conv_module"), config: config)
        let (t, h, t0) = (40, config.hiddenSize, 25)
        let base = (0..<(t * h)).map { Float(sin(Double($0) * 0.37)) }
        var changed = base
        for i in (t0 * h)..<(t * h) { changed[i] += 0.5 }
        let a = module(Tensor(shape: [1, t, h], data: base), valid: nil).array
        let b = module(Tensor(shape: [1, t, h], data: changed), valid: nil).array
        XCTAssertEqual(Array(a[0..<(t0 * h)]), Array(b[0..<(t0 * h)]), "frames before t0 must not see later frames")
        XCTAssertNotEqual(Array(a[(t0 * h)...]), Array(b[(t0 * h)...]))
    }

    /// The row-layout causal depthwise conv equals Conv1d(groups = H, left pad k − 1) run on (B, H, T).
    func testCausalDepthwiseMatchesGroupedConv1d() {
        let (b, t, h, k) = (2, 37, 12, 7)
        let x = Tensor(shape: [b, t, h], data: (0..<(b * t * h)).map { Float(sin(Double($0) * 0.61)) })
        let w = Tensor(shape: [h, 1, k], data: (0..<(h * k)).map { Float(cos(Double($0) * 1.3)) })
        let rows = W2VBertConvolutionModule.causalDepthwise(x, weight: w.reshaped([h, k]).transposed(0, 1)) // (B, T, H)
        let reference = x.transposed(1, 2).conv1d(weight: w, bias: nil, spec: Conv1dSpec(padLeft: k - 1, padRight: 0, groups: h))
        let diff = zip(rows.array, reference.transposed(1, 2).array).map { abs($0 - $1) }.max()!
        XCTAssertLessThanOrEqual(diff, 1e-6)
    }
}
