import XCTest
import Tensors
import TestSupport
@testable import Neural

final class BigVGANTests: XCTestCase {
    func testBigVGANTinyParityFromSafetensorsAndPth() throws {
        let c = try Fixtures.load("indextts2/bigvgan_tiny")
        guard let run = VocoderParity.cases["indextts2/bigvgan_tiny"] else { return XCTFail("case not registered") }
        let reports = try run(c)
        XCTAssertEqual(reports.count, 4, "two outputs × two weight files")
        for r in reports {
            print(r)
            XCTAssertTrue(r.passed, r.description)
        }
    }

    func testStrictLoadingRejectsMissingAndUnusedKeys() throws {
        let c = try Fixtures.load("indextts2/bigvgan_tiny")
        let config = try c.decodeConfig(BigVGANConfig.self, key: "bigvgan")
        let full = try WeightStore(path: c.weightsURL!.path)
        var tensors: [String: Tensor] = [:]
        for k in full.keys { tensors[k] = try full.peek(k) }
        var missing = tensors
        missing.removeValue(forKey: "resblocks.4.activations.2.act.beta")
        XCTAssertThrowsError(try BigVGAN(config: config, weights: WeightStore(tensors: missing, source: "missing")))
        var extra = tensors
        extra["resblocks.99.convs1.0.bias"] = Tensor(zeros: [4])
        XCTAssertThrowsError(try BigVGAN(config: config, weights: WeightStore(tensors: extra, source: "extra")))
        XCTAssertNoThrow(try BigVGAN(config: config, weights: WeightStore(tensors: tensors, source: "all")))
    }

    func testRealConfigDecodes() throws {
        let path = Fixtures.data.appendingPathComponent("indextts2/bigvgan_config.json").path
        let config = try BigVGANConfig(path: path)
        XCTAssertEqual(config.upsampleInitialChannel, 1536)
        XCTAssertEqual(config.hopLength, 256)
        XCTAssertFalse(config.useTanhAtFinal)
        XCTAssertFalse(config.useBiasAtFinal)
    }
}
