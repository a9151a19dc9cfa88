import Foundation
import Neural
import Tensors
import TestSupport
import XCTest
@testable import Qwen3TTS

final class Qwen3SpeechEncoderTests: XCTestCase {
    static let caseName = Qwen3CodecEncoderParity.encoderCase

    /// The encoder's outputs on the case audio, computed once for the tests below (debug builds are slow).
    nonisolated(unsafe) static var cachedOutputs: [String: Tensor]?

    static func outputs(_ c: ParityCase) throws -> [String: Tensor] {
        if let o = cachedOutputs { return o }
        let o = try Qwen3CodecEncoderParity.encoderOutputs(c)
        cachedOutputs = o
        return o
    }

    static func tensors(_ url: URL) throws -> [String: Tensor] {
        let store = try WeightStore(path: url.path)
        var out: [String: Tensor] = [:]
        for k in store.keys { out[k] = try store.peek(k) }
        return out
    }

    func testEncoderTinyParity() throws {
        let c = try Fixtures.load(Self.caseName)
        XCTAssertNotNil(Qwen3CodecParity.cases[Self.caseName], "case not registered")
        XCTAssertNotNil(Qwen3CodecParity.cases[Qwen3CodecParity.decoderCase], "decoder case still registered")
        let reports = try Qwen3CodecParity.compare(c, outputs: try Self.outputs(c))
        XCTAssertEqual(Set(reports.map(\.name)), Set(c.outputNames), "one report per expected output")
        XCTAssertEqual(reports.count, 8)
        for r in reports {
            print(r)
            XCTAssertTrue(r.passed, r.description)
        }
        XCTAssertTrue(reports.first { $0.name == "codes" }?.tolerance.exact ?? false)
        XCTAssertTrue(reports.first { $0.name == "all_codes" }?.tolerance.exact ?? false)
    }

    func testWrongReferenceOrMissingOutputFails() throws {
        let c = try Fixtures.load(Self.caseName)
        let outputs = try Self.outputs(c)
        for name in ["transformer", "downsample", "codes"] {
            let ref = try c.expected(name).floatTensor(key: "out." + name)
            var want = Tensor(shape: ref.shape, data: ref.array)
            let i = want.count / 2
            want[flat: i] += name == "codes" ? 1 : 0.01 + 0.01 * abs(want[flat: i])
            let reports = try Qwen3CodecParity.compare(c, outputs: outputs, expected: [name: want])
            XCTAssertEqual(reports.filter { !$0.passed }.map(\.name), [name], "only the perturbed output must fail")
        }
        var partial = outputs
        partial.removeValue(forKey: "all_codes")
        let reports = try Qwen3CodecParity.compare(c, outputs: partial)
        XCTAssertEqual(reports.filter { !$0.passed }.map(\.name), ["all_codes"])
    }

    func testStrictLoadingRejectsMissingUnusedAndMisshapenKeys() throws {
        let c = try Fixtures.load(Self.caseName)
        let settings = try c.decodeConfig(Qwen3SpeechEncoderSettings.self, key: "speech_tokenizer_config")
        let tensors = try Self.tensors(c.weightsURL!)
        XCTAssertNoThrow(try Qwen3SpeechEncoder.loadEncoder(settings: settings, store: WeightStore(tensors: tensors, source: "ok")))
        var missing = tensors
        missing.removeValue(forKey: "encoder.encoder.layers.4.block.3.conv.bias")
        XCTAssertThrowsError(try Qwen3SpeechEncoder.loadEncoder(settings: settings, store: WeightStore(tensors: missing, source: "m"))) {
            XCTAssertTrue("\($0)".contains("encoder.encoder.layers.4.block.3.conv.bias"), "\($0)")
        }
        var missingCodebook = tensors
        missingCodebook.removeValue(forKey: "encoder.quantizer.acoustic_residual_vector_quantizer.layers.30.codebook.cluster_usage")
        XCTAssertThrowsError(try Qwen3SpeechEncoder.loadEncoder(settings: settings,
                                                                store: WeightStore(tensors: missingCodebook, source: "m")))
        var extra = tensors
        extra["encoder.encoder_transformer.layers.7.mlp.fc1.weight"] = Tensor(zeros: [4])
        XCTAssertThrowsError(try Qwen3SpeechEncoder.loadEncoder(settings: settings, store: WeightStore(tensors: extra, source: "x"))) {
            XCTAssertTrue("\($0)".contains("layers.7.mlp.fc1.weight"), "\($0)")
        }
        var foreign = tensors
        foreign["vocoder.weight"] = Tensor(zeros: [4])
        XCTAssertThrowsError(try Qwen3SpeechEncoder.loadEncoder(settings: settings, store: WeightStore(tensors: foreign, source: "f")))
        var wrongShape = tensors
        wrongShape["encoder.downsample.conv.weight"] = Tensor(zeros: [32, 32, 3])
        XCTAssertThrowsError(try Qwen3SpeechEncoder.loadEncoder(settings: settings, store: WeightStore(tensors: wrongShape, source: "s")))
        // The downsample conv has no bias: a stray one is an unused key, not silently accepted.
        var bias = tensors
        bias["encoder.downsample.conv.bias"] = Tensor(zeros: [32])
        XCTAssertThrowsError(try Qwen3SpeechEncoder.loadEncoder(settings: settings, store: WeightStore(tensors: bias, source: "b")))
    }

    /// The published layout: checkpoint/speech_tokenizer/{config.json, preprocessor_config.json, model.safetensors}.
    func testPublishedDirectoryEncodesReferenceCodes() throws {
        let e2e = try Fixtures.load("qwen3tts/e2e_tiny")
        let checkpoint = e2e.directory.appendingPathComponent("checkpoint")
        let speech = try Qwen3SpeechEncoder(modelDirectory: checkpoint)
        XCTAssertEqual(speech.sampleRate, 24000)
        let audio = try e2e.input("ref_audio").array
        let codes = try speech.encode(audio24k: audio)
        let report = try ParityCompare.check(e2e, output: "ref_codes", gotInts: codes.flatMap { $0.map(Int64.init) },
                                             shape: [codes.count, codes.first?.count ?? 0])
        print("e2e_tiny " + report.description)
        XCTAssertTrue(report.passed, report.description)
        XCTAssertEqual(codes.count, (audio.count + 1919) / 1920)
        // The folder itself works too.
        XCTAssertNoThrow(try Qwen3SpeechEncoder(modelDirectory: checkpoint.appendingPathComponent("speech_tokenizer")))
    }

    /// Encoder and decoder share speech_tokenizer/model.safetensors: loaded through their own scopes, together they
    /// use every key but the encode-unused and decode-unused ones.
    func testEncoderAndDecoderScopesCoverTheWholeFile() throws {
        let dir = try Fixtures.load("qwen3tts/e2e_tiny").directory.appendingPathComponent("checkpoint/speech_tokenizer")
        let path = dir.appendingPathComponent("config.json").path
        let settings = try Qwen3SpeechEncoderSettings(path: path)
        let decoderConfig = try Qwen3SpeechTokenizerConfig(path: path).decoderConfig
        let store = try WeightStore(path: dir.appendingPathComponent("model.safetensors").path)
        _ = try Qwen3CodecEncoder(settings: settings, weights: store.scope(Qwen3CodecEncoder.weightPrefix))
        _ = try Qwen3CodecDecoder(config: decoderConfig, weights: store.scope("decoder."))
        XCTAssertNoThrow(try store.finish(ignoring: Qwen3CodecEncoder.ignoredKeys(settings: settings, store: store)
                                          + Qwen3CodecDecoder.ignoredKeys()))
        let ignored = Qwen3CodecEncoder.ignoredKeys(settings: settings, store: store)
        XCTAssertEqual(ignored.count, 2 + 32, "two output_proj weights and one 'initialized' flag per codebook")
        XCTAssertTrue(ignored.allSatisfy { store.keys.contains($0) }, "ignored keys must exist in the file")
    }

    func testFrameCountsAndValidation() throws {
        let c = try Fixtures.load(Self.caseName)
        let encoder = try Qwen3CodecEncoderParity.encoder(c)
        let speech = Qwen3SpeechEncoder(encoder: encoder, featureExtractor: Qwen3EncodecFeatureExtractor())
        let tone = (0..<3841).map { Float(sin(Double($0) * 0.05) * 0.3) }
        XCTAssertEqual(try speech.encode(audio24k: Array(tone.prefix(1000))).count, 1)
        XCTAssertEqual(try speech.encode(audio24k: Array(tone.prefix(1920))).count, 1)
        XCTAssertEqual(try speech.encode(audio24k: Array(tone.prefix(1921))).count, 2)
        let codes = try speech.encode(audio24k: tone)
        XCTAssertEqual(codes.count, 3)
        XCTAssertTrue(codes.allSatisfy { $0.count == 16 && $0.allSatisfy { $0 >= 0 && $0 < 64 } })
        XCTAssertThrowsError(try speech.encode(audio24k: []))
        XCTAssertThrowsError(try speech.featureExtractor([tone], samplingRate: 16000)) {
            XCTAssertTrue("\($0)".contains("resample"), "\($0)")
        }
        // A padded batch: every item keeps ⌈its own length / 1920⌉ frames, and the short one is padded with zeros.
        let batch = try speech.featureExtractor([tone, Array(tone.prefix(1000))], samplingRate: 24000)
        XCTAssertEqual(batch.paddingMask[1].reduce(0, +), 1000)
        XCTAssertEqual(batch.inputValues[1][2000], 0)
        let out = try encoder.encode(inputValues: batch.inputValues, paddingMask: batch.paddingMask)
        XCTAssertEqual(out.codes.map(\.count), [3, 1])
        XCTAssertEqual(out.codes[0].map { $0.map(Int32.init) }, codes, "batching must not change an item's codes")
    }

    func testRealConfigValues() throws {
        let c = try Fixtures.load(Self.caseName)
        let real = try c.decodeConfig(Qwen3SpeechEncoderSettings.self, key: "real_speech_tokenizer_config")
        XCTAssertNoThrow(try real.validate())
        let e = real.encoderConfig
        XCTAssertEqual(e.encodecFrameRate, 25)
        XCTAssertEqual(e.downsampleKernel, 4)
        XCTAssertEqual(e.headDim, 64)
        XCTAssertEqual(e.codebookDim, 256)
        XCTAssertTrue(e.hasQuantizerProjection)
        XCTAssertEqual(real.encoderValidNumQuantizers, 16)
        XCTAssertEqual(real.encodeDownsampleRate, 1920)
        var bad = e
        bad.padMode = "reflect"
        XCTAssertThrowsError(try bad.validate()) { XCTAssertTrue("\($0)".contains("pad_mode"), "\($0)") }
        bad = e
        bad.codebookDim = 128
        XCTAssertThrowsError(try bad.validate()) { XCTAssertTrue("\($0)".contains("codebook_dim"), "\($0)") }
        bad = e
        bad.useCausalConv = false
        XCTAssertThrowsError(try bad.validate())
    }
}
