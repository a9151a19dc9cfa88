import XCTest
import Neural
import Tensors
import TestSupport
@testable import Qwen3TTS

final class Qwen3CodecDecoderTests: XCTestCase {
    static let caseName = Qwen3CodecParity.decoderCase

    /// The decoder's outputs on the case inputs, computed once for the tests below (debug builds are slow).
    nonisolated(unsafe) static var cachedOutputs: [String: Tensor]?

    static func outputs(_ c: ParityCase) throws -> [String: Tensor] {
        if let o = cachedOutputs { return o }
        let o = try Qwen3CodecParity.decoderOutputs(c)
        cachedOutputs = o
        return o
    }

    func testDecoderTinyParity() throws {
        let c = try Fixtures.load(Self.caseName)
        XCTAssertNotNil(Qwen3CodecParity.cases[Self.caseName], "case not registered")
        // Same as the registered runner: compare(c, outputs: decoderOutputs(c)).
        let reports = try Qwen3CodecParity.compare(c, outputs: try Self.outputs(c))
        XCTAssertEqual(Set(reports.map(\.name)), Set(c.outputNames), "one report per expected output")
        XCTAssertEqual(reports.count, 18)
        for r in reports {
            print(r)
            XCTAssertTrue(r.passed, r.description)
        }
    }

    func testPerturbedExpectedValueFailsNamingTheOutput() throws {
        let c = try Fixtures.load(Self.caseName)
        let outputs = try Self.outputs(c)
        for name in ["pre_transformer", "decoder3", "wav_batch1"] {
            let ref = try c.expected(name).floatTensor(key: "out." + name)
            var want = Tensor(shape: ref.shape, data: ref.array) // own copy: the reference maps the fixture file
            let i = want.count / 2
            want[flat: i] += 0.01 + 0.01 * abs(want[flat: i])
            let reports = try Qwen3CodecParity.compare(c, outputs: outputs, expected: [name: want])
            let failed = reports.filter { !$0.passed }.map(\.name)
            XCTAssertEqual(failed, [name], "only the perturbed output must fail")
            XCTAssertTrue(reports.first { $0.name == name }?.description.contains(name) ?? false)
        }
        // A missing computed output fails too.
        var partial = outputs
        partial.removeValue(forKey: "decoder5")
        let reports = try Qwen3CodecParity.compare(c, outputs: partial)
        XCTAssertEqual(reports.filter { !$0.passed }.map(\.name), ["decoder5"])
    }

    func testStrictLoadingRejectsMissingAndUnusedKeys() throws {
        let c = try Fixtures.load(Self.caseName)
        let st = try c.decodeConfig(Qwen3SpeechTokenizerConfig.self, key: "speech_tokenizer_config")
        let full = try WeightStore(path: c.weightsURL!.path)
        var tensors: [String: Tensor] = [:]
        for k in full.keys { tensors[k] = try full.peek(k) }
        var missing = tensors
        missing.removeValue(forKey: "decoder.decoder.2.block.3.act2.beta")
        XCTAssertThrowsError(try Qwen3CodecDecoder(config: st.decoderConfig,
                                                   store: WeightStore(tensors: missing, source: "missing")))
        var extra = tensors
        extra["decoder.pre_transformer.layers.9.mlp.up_proj.weight"] = Tensor(zeros: [4])
        XCTAssertThrowsError(try Qwen3CodecDecoder(config: st.decoderConfig,
                                                   store: WeightStore(tensors: extra, source: "extra")))
        var wrongShape = tensors
        wrongShape["decoder.quantizer.rvq_rest.vq.layers.3._codebook.embedding_sum"] = Tensor(zeros: [64, 8])
        XCTAssertThrowsError(try Qwen3CodecDecoder(config: st.decoderConfig,
                                                   store: WeightStore(tensors: wrongShape, source: "shape")))
        // Encoder keys next to the decoder's (the real file layout) are not the decoder's business.
        var withEncoder = tensors
        withEncoder["encoder.quantizer.semantic_residual_vector_quantizer.layers.0.codebook.embed_sum"] = Tensor(zeros: [2])
        XCTAssertNoThrow(try Qwen3CodecDecoder(config: st.decoderConfig,
                                               store: WeightStore(tensors: withEncoder, source: "all")))
    }

    func testCodeValidationAndLengths() throws {
        let c = try Fixtures.load(Self.caseName)
        let st = try c.decodeConfig(Qwen3SpeechTokenizerConfig.self, key: "speech_tokenizer_config")
        let decoder = try Qwen3CodecDecoder(config: st.decoderConfig, store: WeightStore(path: c.weightsURL!.path))
        let q = st.decoderConfig.numQuantizers
        let size = st.decoderConfig.codebookSize
        XCTAssertThrowsError(try decoder.decode(frames: [[Int](repeating: size, count: q)])) { error in
            XCTAssertTrue("\(error)".contains("outside [0, \(size))"), "\(error)")
        }
        XCTAssertThrowsError(try decoder.decode(frames: [[Int](repeating: 0, count: q - 1)]))
        XCTAssertThrowsError(try decoder.decodeBatch([]))
        // Code 0 is a valid code: a trailing all-zero frame still counts (upstream fix 6cafe55).
        let frames = [[Int](repeating: 3, count: q), [Int](repeating: 0, count: q)]
        XCTAssertEqual(try decoder.decode(frames: frames).count, 2 * decoder.samplesPerFrame)
        XCTAssertEqual(decoder.samplesPerFrame, 1920)
    }

    func testRealConfigValues() throws {
        let c = try Fixtures.load(Self.caseName)
        let real = try c.decodeConfig(Qwen3SpeechTokenizerConfig.self, key: "real_speech_tokenizer_config")
        let d = real.decoderConfig
        XCTAssertNoThrow(try d.validate())
        XCTAssertEqual(d.slidingWindow, 72)
        XCTAssertEqual(d.headDim, 64)
        XCTAssertEqual(d.rvqDimension, 256)
        XCTAssertEqual(d.totalUpsample, 1920)
        XCTAssertEqual(real.decodeUpsampleRate, 1920)
        XCTAssertEqual(real.outputSampleRate, 24000)
    }
}
