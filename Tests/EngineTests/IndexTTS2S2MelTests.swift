// IndexTTS2 S2Mel (gpt_layer + length regulator + CFM/DiT with WaveNet head) against indextts2/s2mel_tiny,
// strict loading from both checkpoint formats, and the small rules the port must keep.
import Foundation
import XCTest
@testable import IndexTTS2
import Neural
import Tensors
import TestSupport

final class IndexTTS2S2MelTests: XCTestCase {
    let caseName = "indextts2/s2mel_tiny"

    func testS2MelTinyParity() throws {
        try IndexTTS2ParityHarness.assertAllPass(caseName)
    }

    func testPerturbedOutputsFailByName() throws {
        try IndexTTS2ParityHarness.assertPerturbationFails(caseName, output: "target_lengths") { a in a[0] += 1 }
        try IndexTTS2ParityHarness.assertPerturbationFails(caseName, output: "mel") { a in a[a.count / 2] += 5e-2 }
        try IndexTTS2ParityHarness.assertPerturbationFails(caseName, output: "cfm_step1_dphi_dt") { a in a[7] -= 5e-2 }
    }

    func model(_ c: ParityCase) throws -> (S2Mel, WeightStore) {
        let store = try WeightStore(path: c.weightsURL!.path)
        return (try S2Mel(config: try IndexTTS2S2MelParity.config(c), weights: store.root), store)
    }

    /// weights.pth nests the same tensors as s2mel.pth does ({"net": {"cfm": …, "length_regulator": …, "gpt_layer": …}});
    /// loading it strictly must give the same numbers as the flattened safetensors copy.
    func testPthCheckpointLoadsStrictlyAndMatchesSafetensors() throws {
        let c = try Fixtures.load(caseName)
        XCTAssertEqual(c.manifest["pth_root_key"] as? String, "net")
        let config = try IndexTTS2S2MelParity.config(c)
        let fromPth = try S2Mel(config: config, path: c.weightsPthURL!.path)
        let (fromSafetensors, _) = try model(c)
        let latent = try c.input("gpt_latent")
        let a = try fromPth.gptLayer(latent), b = try fromSafetensors.gptLayer(latent)
        XCTAssertEqual(a.array, b.array)
        let mu = try c.input("S_ref")
        XCTAssertEqual(try fromPth.promptCondition(semanticReference: mu, referenceFrames: 50).array,
                       try fromSafetensors.promptCondition(semanticReference: mu, referenceFrames: 50).array)
        let x = try c.input("noise"), style = try c.input("style")
        let cond = Tensor(shape: [1, x.shape[2], config.dit.contentDim], repeating: 0.25)
        let prompt = Tensor(shape: x.shape, repeating: 0.5)
        let va = try fromPth.cfm.estimator(x: x, promptX: prompt, t: [0.3], style: style, mu: cond)
        let vb = try fromSafetensors.cfm.estimator(x: x, promptX: prompt, t: [0.3], style: style, mu: cond)
        XCTAssertEqual(va.array, vb.array)
    }

    func testMissingOrExtraWeightsAreRejected() throws {
        let c = try Fixtures.load(caseName)
        let config = try IndexTTS2S2MelParity.config(c)
        let full = try WeightStore(path: c.weightsURL!.path)
        var tensors: [String: Tensor] = [:]
        for k in full.keys where !k.hasPrefix("semantic_codec.") && k != "cfm.estimator.input_pos" { tensors[k] = try full.peek(k) }
        let positions = Tensor(shape: [16384], data: (0..<16384).map(Float.init))
        tensors["cfm.estimator.input_pos"] = positions
        XCTAssertNoThrow(try S2Mel(config: config, weights: WeightStore(tensors: tensors, source: "all").root))
        var missing = tensors
        missing.removeValue(forKey: "cfm.estimator.wavenet.in_layers.1.conv.conv.weight_g")
        XCTAssertThrowsError(try S2Mel(config: config, weights: WeightStore(tensors: missing, source: "missing").root)) { e in
            XCTAssertTrue("\(e)".contains("in_layers.1.conv.conv.weight_g"), "\(e)")
        }
        var extra = tensors
        extra["cfm.estimator.transformer.layers.3.attention.wo.weight"] = Tensor(zeros: [64, 64])
        let store = WeightStore(tensors: extra, source: "extra")
        _ = try S2Mel(config: config, weights: store.root)
        XCTAssertThrowsError(try store.finish()) { e in XCTAssertTrue("\(e)".contains("layers.3"), "\(e)") }
        var shifted = tensors
        shifted["cfm.estimator.input_pos"] = Tensor(shape: [16384], data: (0..<16384).map { Float($0 + 1) })
        XCTAssertThrowsError(try S2Mel(config: config, weights: WeightStore(tensors: shifted, source: "shifted").root))
    }

    func testTargetLengthTruncatesTheFloat32Product() throws {
        let c = try Fixtures.load(caseName)
        let (m, _) = try model(c)
        XCTAssertEqual(m.targetLength(codeCount: 21), 36)   // 36.12
        XCTAssertEqual(m.targetLength(codeCount: 250), 430) // 430.0 (not 431 by rounding up)
        XCTAssertEqual(m.targetLength(codeCount: 100), 172)
        XCTAssertEqual(m.targetLength(codeCount: 1), 1)
        XCTAssertEqual(m.noiseShape(referenceFrames: 60, codeCount: 21), [1, 80, 96])
    }

    func testTimeSpanMatchesTorchLinspace() {
        let span = CFMSolver.timeSpan(steps: 25)
        XCTAssertEqual(span.count, 26)
        XCTAssertEqual(span.first, 0)
        XCTAssertEqual(span.last, 1)
        XCTAssertEqual(span[1], Float(1) / 25)
        XCTAssertEqual(span[24], 1 - Float(1) / 25) // upper half counts back from the end, as torch does
    }

    func testUnsupportedSwitchesAreRejected() throws {
        let c = try Fixtures.load(caseName)
        var config = try IndexTTS2S2MelParity.config(c)
        config.dit.timeAsToken = true
        XCTAssertThrowsError(try config.validate()) { e in XCTAssertTrue("\(e)".contains("time_as_token"), "\(e)") }
        config = try IndexTTS2S2MelParity.config(c)
        config.dit.finalLayerType = "mlp"
        XCTAssertThrowsError(try config.validate())
    }

    func testRealConfigYAMLDecodes() throws {
        let path = Fixtures.data.appendingPathComponent("indextts2/config.yaml").path
        let config = try S2MelConfig(yamlPath: path)
        XCTAssertNoThrow(try config.validate())
        XCTAssertEqual(config.gptModelDim, 1280)
        XCTAssertEqual(config.dit.depth, 13)
        XCTAssertEqual(config.dit.hiddenDim, 512)
        XCTAssertEqual(config.wavenet.numLayers, 8)
        XCTAssertEqual(config.lengthRegulator.inChannels, 1024)
        XCTAssertEqual(config.architecture.intermediateSize(dim: 512), 1536)
        XCTAssertEqual(config.styleDim, 192)
    }
}

final class IndexTTS2S2MelKernelTests: XCTestCase {
    /// The SIMD exp behind the release softmax / SwiGLU agrees with libm's expf to a few ulp over the softmax range.
    func testSIMDExpMatchesLibm() {
        var worst: Float = 0
        for i in 0..<4000 {
            let x = -88 + Float(i) * 0.024
            let e = DiTKernels.exp(x), want = expf(x)
            if want > 1e-37 { worst = max(worst, abs(e - want) / want) }
        }
        XCTAssertLessThan(worst, 4e-7)
        XCTAssertEqual(DiTKernels.exp(0), 1)
    }

    func testSIMDSoftmaxMatchesScalar() {
        var rng = SeededRNG(seed: 7)
        for n in [1, 7, 8, 9, 96, 131] {
            var a = (0..<n).map { _ in rng.nextGaussian() * 6 }
            var b = a
            a.withUnsafeMutableBufferPointer { VectorMath.softmaxRow($0.baseAddress!, n) } // the kernel DiTAttention runs
            let m = b.max()!, e = b.map { expf($0 - m) }, s = e.reduce(0, +)
            b = e.map { $0 / s }
            for (x, y) in zip(a, b) { XCTAssertEqual(x, y, accuracy: 1e-6 + 1e-5 * y, "n \(n)") }
            XCTAssertEqual(a.reduce(0, +), 1, accuracy: 1e-5)
        }
    }

    /// The release (SIMD) SwiGLU and WaveNet gate agree with the libm versions the debug build runs.
    func testSIMDGatesMatchScalar() {
        var rng = SeededRNG(seed: 11)
        let n = 45
        let a = (0..<n).map { _ in rng.nextGaussian() * 4 }, b = (0..<n).map { _ in rng.nextGaussian() * 4 }
        let ga = (0..<n).map { _ in rng.nextGaussian() }, gb = (0..<n).map { _ in rng.nextGaussian() }
        var simd = [Float](repeating: 0, count: n), scalar = simd
        DiTKernels.swiGLURow(a, b, &simd, n)
        scalar = zip(a, b).map { ($0 / (1 + expf(-$0))) * $1 }
        for (x, y) in zip(simd, scalar) { XCTAssertEqual(x, y, accuracy: 1e-6 + 1e-6 * abs(y)) }
        DiTKernels.gatedTanhSigmoidSIMD(a, ga, b, gb, &simd, n)
        DiTKernels.gatedTanhSigmoidScalar(a, ga, b, gb, &scalar, 0, n)
        for (x, y) in zip(simd, scalar) { XCTAssertEqual(x, y, accuracy: 2e-7) }
    }
}
