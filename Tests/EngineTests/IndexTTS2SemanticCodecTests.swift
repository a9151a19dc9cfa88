// MaskGCT semantic codec (quantize + vq2emb) against indextts2/semantic_codec_tiny, strict loading, code checks.
import Foundation
import XCTest
@testable import IndexTTS2
import Neural
import Tensors
import TestSupport

final class IndexTTS2SemanticCodecTests: XCTestCase {
    let caseName = "indextts2/semantic_codec_tiny"

    func testSemanticCodecTinyParity() throws {
        try IndexTTS2ParityHarness.assertAllPass(caseName)
    }

    func testPerturbedOutputsFailByName() throws {
        try IndexTTS2ParityHarness.assertPerturbationFails(caseName, output: "codes") { a in a[3] = Float((Int(a[3]) + 1) % 128) }
        try IndexTTS2ParityHarness.assertPerturbationFails(caseName, output: "S") { a in a[100] += 2e-3 }
        try IndexTTS2ParityHarness.assertPerturbationFails(caseName, output: "z_e") { a in a[0] -= 2e-3 }
        try IndexTTS2ParityHarness.assertPerturbationFails(caseName, output: "vq2emb") { a in a[a.count - 1] += 2e-3 }
        try IndexTTS2ParityHarness.assertPerturbationFails(caseName, output: "encoder_out") { a in a[50] += 5e-3 }
        try IndexTTS2ParityHarness.assertPerturbationFails(caseName, output: "min_cos_margin") { a in a[0] += 1e-3 }
    }

    func codec() throws -> (SemanticCodec, ParityCase) {
        let c = try Fixtures.load(caseName)
        let config = try c.decodeConfig(SemanticCodecConfig.self, key: "semantic_codec")
        return (try SemanticCodec(config: config, weights: WeightStore(path: c.weightsURL!.path)), c)
    }

    func testVq2embRejectsCodesOutsideTheCodebook() throws {
        let (codec, _) = try codec()
        XCTAssertThrowsError(try codec.vq2emb([[0, 5, 128]])) { e in
            XCTAssertTrue("\(e)".contains("128"), "\(e)")
        }
        XCTAssertThrowsError(try codec.vq2emb([[0, 1], [2, 3]]), "two code rows for a one-quantizer codec")
        XCTAssertEqual(try codec.vq2emb([[0, 1, 2]]).shape, [1, 64, 3])
    }

    func testVq2embOfQuantizeCodesMatchesQuantizedEmbedding() throws {
        let (codec, c) = try codec()
        let q = try codec.quantize(try c.input("x"))
        let emb = try codec.vq2emb(q.codes).transposed(1, 2) // (B, T, H)
        let r = ParityCompare.compare(name: "S vs vq2emb", got: emb.array, want: q.embedding.array, shapeGot: emb.shape,
                                      shapeWant: q.embedding.shape, tolerance: Tolerance(atol: 1e-5, rtol: 1e-4))
        XCTAssertTrue(r.passed, "\(r)")
    }

    func testStrictLoadingAndConfig() throws {
        let c = try Fixtures.load(caseName)
        let config = try c.decodeConfig(SemanticCodecConfig.self, key: "semantic_codec")
        XCTAssertEqual(config.numQuantizers, 1)
        XCTAssertEqual(config.downsampleScale, 1)
        let full = try WeightStore(path: c.weightsURL!.path)
        var tensors: [String: Tensor] = [:]
        for k in full.keys { tensors[k] = try full.peek(k) }
        var missing = tensors
        missing.removeValue(forKey: "encoder.0.convnext.1.gamma")
        XCTAssertThrowsError(try SemanticCodec(config: config, weights: WeightStore(tensors: missing, source: "missing")))
        var extra = tensors
        extra["quantizer.quantizers.1.codebook.weight"] = Tensor(zeros: [128, 8])
        XCTAssertThrowsError(try SemanticCodec(config: config, weights: WeightStore(tensors: extra, source: "extra")))
        var down = config
        down.downsampleScale = 2
        XCTAssertThrowsError(try SemanticCodec(config: down, weights: WeightStore(tensors: tensors, source: "all")))
    }
}
