// UnifiedVoice conditioning path (conformers, perceivers, emovec) against indextts2/conformer_perceiver_tiny.
import Foundation
import XCTest
@testable import IndexTTS2
import Neural
import Tensors
import TestSupport

final class IndexTTS2ConditionerTests: XCTestCase {
    let caseName = "indextts2/conformer_perceiver_tiny"

    func testConformerPerceiverTinyParity() throws {
        try IndexTTS2ParityHarness.assertAllPass(caseName)
    }

    func testPerturbedOutputsFailByName() throws {
        try IndexTTS2ParityHarness.assertPerturbationFails(caseName, output: "spk_cond_latent_masked") { a in a[40] += 5e-3 }
        try IndexTTS2ParityHarness.assertPerturbationFails(caseName, output: "spk_conformer_mask") { a in a[a.count - 1] = 1 - a[a.count - 1] }
        try IndexTTS2ParityHarness.assertPerturbationFails(caseName, output: "merged_emovec_alpha0p6") { a in a[0] -= 5e-3 }
    }

    func testStrictLoadingRejectsMissingAndUnusedKeys() throws {
        let c = try Fixtures.load(caseName)
        var config = try c.decodeConfig(GPTConditioningConfig.self, key: "gpt")
        config.condInputDim = 40
        config.emoPerceiverDim = 48
        let full = try WeightStore(path: c.weightsURL!.path)
        var tensors: [String: Tensor] = [:]
        for k in full.keys { tensors[k] = try full.peek(k) }
        var missing = tensors
        missing.removeValue(forKey: "emo_perceiver_encoder.layers.1.0.to_kv.weight")
        XCTAssertThrowsError(try GPTConditioner(config: config, weights: WeightStore(tensors: missing, source: "missing").root)) { e in
            XCTAssertTrue("\(e)".contains("emo_perceiver_encoder.layers.1.0.to_kv.weight"), "\(e)")
        }
        let store = WeightStore(tensors: tensors, source: "all")
        _ = try GPTConditioner(config: config, weights: store.root)
        XCTAssertNoThrow(try store.finish(), "every conditioning key is consumed")
        var wrong = config
        wrong.conditionType = "perceiver"
        XCTAssertThrowsError(try GPTConditioner(config: wrong, weights: WeightStore(tensors: tensors, source: "all").root))
    }

    func testRealConfigDimensions() throws {
        let yaml = #"{"model_dim": 1280, "condition_type": "conformer_perceiver", "condition_module": {"output_size": 512, "linear_units": 2048, "attention_heads": 8, "num_blocks": 6, "input_layer": "conv2d2", "perceiver_mult": 2}, "emo_condition_module": {"output_size": 512, "linear_units": 1024, "attention_heads": 4, "num_blocks": 4, "input_layer": "conv2d2", "perceiver_mult": 2}}"#
        let config = try JSONDecoder().decode(GPTConditioningConfig.self, from: Data(yaml.utf8))
        XCTAssertEqual(config.condInputDim, 1024)
        XCTAssertEqual(config.emoPerceiverDim, 1024)
        XCTAssertEqual(config.conditionNumLatent, 32)
        XCTAssertEqual(Int(Double(1280 * 2) * 2.0 / 3.0), 1706, "speaker perceiver FF inner (spec table)")
        XCTAssertEqual(Int(Double(1024 * 2) * 2.0 / 3.0), 1365, "emotion perceiver FF inner (spec table)")
    }
}
