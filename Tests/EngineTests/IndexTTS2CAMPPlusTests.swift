// CAM++ speaker style encoder against indextts2/campplus_tiny, strict weight loading, config decoding.
import Foundation
import XCTest
@testable import IndexTTS2
import Neural
import Tensors
import TestSupport

final class IndexTTS2CAMPPlusTests: XCTestCase {
    let caseName = "indextts2/campplus_tiny"

    func testCAMPPlusTinyParity() throws {
        try IndexTTS2ParityHarness.assertAllPass(caseName)
    }

    func testPerturbedStyleFailsByName() throws {
        try IndexTTS2ParityHarness.assertPerturbationFails(caseName, output: "style") { a in a[7] += 5e-3 }
    }

    func testConfigAndArchitectureDecodeFromManifest() throws {
        let c = try Fixtures.load(caseName)
        let config = try c.decodeConfig(CAMPPlusConfig.self, key: "campplus")
        XCTAssertEqual(config.growthRate, 8)
        XCTAssertEqual(config.bnSize, 2)
        XCTAssertEqual(config.initChannels, 32)
        XCTAssertEqual(config.embeddingSize, 192)
        XCTAssertEqual(config.configStr, "batchnorm-relu")
        let arch = try c.decodeConfig(CAMPPlusArchitecture.self, key: "fixed_in_code")
        XCTAssertEqual(arch.denseBlocks, CAMPPlusArchitecture.original.denseBlocks)
        XCTAssertEqual(arch.fcmChannels, 32)
        XCTAssertEqual(arch.segLen, 100)
        let real = try JSONDecoder().decode(CAMPPlusConfig.self, from: Data(#"{"feat_dim": 80, "embedding_size": 192}"#.utf8))
        XCTAssertEqual(real.bottleneckChannels, 128)
    }

    func testStrictLoadingRejectsMissingAndUnusedKeys() throws {
        let c = try Fixtures.load(caseName)
        let config = try c.decodeConfig(CAMPPlusConfig.self, key: "campplus")
        let full = try WeightStore(path: c.weightsURL!.path)
        var tensors: [String: Tensor] = [:]
        for k in full.keys where !k.hasSuffix("num_batches_tracked") { tensors[k] = try full.peek(k) }
        XCTAssertNoThrow(try CAMPPlus(config: config, weights: WeightStore(tensors: tensors, source: "all")))
        var missing = tensors
        missing.removeValue(forKey: "xvector.block3.tdnnd16.cam_layer.linear2.bias")
        XCTAssertThrowsError(try CAMPPlus(config: config, weights: WeightStore(tensors: missing, source: "missing"))) { e in
            XCTAssertTrue("\(e)".contains("xvector.block3.tdnnd16.cam_layer.linear2.bias"), "\(e)")
        }
        var extra = tensors
        extra["xvector.block4.tdnnd1.linear1.weight"] = Tensor(zeros: [16, 32, 1])
        XCTAssertThrowsError(try CAMPPlus(config: config, weights: WeightStore(tensors: extra, source: "extra")))
        var wrongConfig = config
        wrongConfig.growthRate = 16
        XCTAssertThrowsError(try CAMPPlus(config: wrongConfig, weights: WeightStore(tensors: tensors, source: "all")))
        var badNonlinear = config
        badNonlinear.configStr = "batchnorm-tanh"
        XCTAssertThrowsError(try CAMPPlus(config: badNonlinear, weights: WeightStore(tensors: tensors, source: "all"))) { e in
            XCTAssertTrue("\(e)".contains("tanh"), "\(e)")
        }
    }

    func testSegmentPoolingAveragesPartialTailOverItsLength() throws {
        // CAMLayer with identity-like 1×1 convs: checks the context = mean + segment mean rule directly.
        let t = 5, segLen = 2
        let x = Tensor(shape: [1, 2, t], data: [1, 2, 3, 4, 10, 0, 0, 0, 0, 5]) // (B, Cb, T)
        let scope = WeightStore(tensors: [
            "linear_local.weight": Tensor(shape: [1, 2, 1], data: [1, 0]),
            "linear1.weight": Tensor(shape: [1, 2, 1], data: [1, 0]), "linear1.bias": Tensor(shape: [1], data: [0]),
            "linear2.weight": Tensor(shape: [1, 1, 1], data: [1]), "linear2.bias": Tensor(shape: [1], data: [-10]),
        ], source: "cam").root
        let cam = try CAMLayer(scope, bnChannels: 2, outChannels: 1, kernelSize: 1, dilation: 1, segLen: segLen)
        let y = cam(x).array
        // channel 0: mean 4, segments [1.5, 3.5, 10] → context [5.5, 5.5, 7.5, 7.5, 14]; gate sigmoid(ctx − 10)
        let ctx: [Float] = [5.5, 5.5, 7.5, 7.5, 14]
        for j in 0..<t {
            let gate = 1 / (1 + exp(-(ctx[j] - 10)))
            XCTAssertEqual(y[j], x[flat: j] * gate, accuracy: 1e-5)
        }
    }
}
