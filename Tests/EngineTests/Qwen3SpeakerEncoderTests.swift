import Foundation
import Neural
import Tensors
import TestSupport
import XCTest
@testable import Qwen3TTS

final class Qwen3SpeakerEncoderTests: XCTestCase {
    static let caseName = Qwen3SpeakerParity.speakerCase

    nonisolated(unsafe) static var cachedOutputs: [String: Tensor]?

    static func outputs(_ c: ParityCase) throws -> [String: Tensor] {
        if let o = cachedOutputs { return o }
        let o = try Qwen3SpeakerParity.speakerOutputs(c)
        cachedOutputs = o
        return o
    }

    func testSpeakerEncoderTinyParity() throws {
        let c = try Fixtures.load(Self.caseName)
        XCTAssertNotNil(Qwen3Parity.cases[Self.caseName], "case not registered")
        XCTAssertNotNil(Qwen3Parity.cases["qwen3tts/talker_tiny"], "talker case still registered")
        let reports = try Qwen3SpeakerParity.compare(c, outputs: try Self.outputs(c))
        XCTAssertEqual(Set(reports.map(\.name)), Set(c.outputNames + [Qwen3SpeakerParity.fromAudioCheck]))
        XCTAssertEqual(reports.count, 9)
        for r in reports {
            print(r)
            XCTAssertTrue(r.passed, r.description)
        }
        XCTAssertEqual(reports.first { $0.name == "mel" }?.tolerance.atol, 0.01)
        XCTAssertEqual(reports.first { $0.name == Qwen3SpeakerParity.fromAudioCheck }?.tolerance.atol, 0.001)
        XCTAssertEqual(reports.first { $0.name == "embedding" }?.tolerance.atol, 1e-4)
    }

    func testWrongReferenceOrMissingOutputFails() throws {
        let c = try Fixtures.load(Self.caseName)
        let outputs = try Self.outputs(c)
        for name in ["block2", "asp", "mfa"] {
            let ref = try c.expected(name).floatTensor(key: "out." + name)
            var want = Tensor(shape: ref.shape, data: ref.array)
            let i = want.count / 2
            want[flat: i] += 0.01 + 0.01 * abs(want[flat: i])
            let reports = try Qwen3SpeakerParity.compare(c, outputs: outputs, expected: [name: want])
            XCTAssertEqual(reports.filter { !$0.passed }.map(\.name), [name], "only the perturbed output must fail")
        }
        var partial = outputs
        partial.removeValue(forKey: Qwen3SpeakerParity.fromAudioCheck)
        let reports = try Qwen3SpeakerParity.compare(c, outputs: partial)
        XCTAssertEqual(reports.filter { !$0.passed }.map(\.name), [Qwen3SpeakerParity.fromAudioCheck])
    }

    func testStrictLoadingRejectsMissingUnusedAndMisshapenKeys() throws {
        let c = try Fixtures.load(Self.caseName)
        let config = try c.decodeConfig(Qwen3SpeakerEncoderConfig.self, key: "speaker_encoder_config")
        let full = try WeightStore(path: c.weightsURL!.path)
        var tensors: [String: Tensor] = [:]
        for k in full.keys { tensors[k] = try full.peek(k) }
        XCTAssertNoThrow(try Qwen3SpeakerEncoder.loadNetwork(config: config, store: WeightStore(tensors: tensors, source: "ok")))
        var missing = tensors
        missing.removeValue(forKey: "speaker_encoder.blocks.3.res2net_block.blocks.6.conv.weight")
        XCTAssertThrowsError(try Qwen3SpeakerEncoder.loadNetwork(config: config, store: WeightStore(tensors: missing, source: "m"))) {
            XCTAssertTrue("\($0)".contains("blocks.3.res2net_block.blocks.6.conv.weight"), "\($0)")
        }
        var extra = tensors
        extra["speaker_encoder.blocks.4.tdnn1.conv.weight"] = Tensor(zeros: [4])
        XCTAssertThrowsError(try Qwen3SpeakerEncoder.loadNetwork(config: config, store: WeightStore(tensors: extra, source: "x")))
        var foreign = tensors
        foreign["code_predictor.weight"] = Tensor(zeros: [4])
        XCTAssertThrowsError(try Qwen3SpeakerEncoder.loadNetwork(config: config, store: WeightStore(tensors: foreign, source: "f")))
        var wrongShape = tensors
        wrongShape["speaker_encoder.fc.weight"] = Tensor(zeros: [24, 192, 3])
        XCTAssertThrowsError(try Qwen3SpeakerEncoder.loadNetwork(config: config, store: WeightStore(tensors: wrongShape, source: "s")))
    }

    /// The published layout: checkpoint/config.json (speaker_encoder_config) + checkpoint/model.safetensors.
    func testPublishedDirectoryGivesReferenceEmbedding() throws {
        let e2e = try Fixtures.load("qwen3tts/e2e_tiny")
        let checkpoint = e2e.directory.appendingPathComponent("checkpoint")
        let speaker = try Qwen3SpeakerEncoder(modelDirectory: checkpoint)
        XCTAssertEqual(speaker.sampleRate, 24000)
        let audio = try e2e.input("ref_audio").array
        let mel = try speaker.melFeatures(audio24k: audio) // (1, mels, T)
        let embedding = try speaker.embedding(audio24k: audio)
        let reports = [
            try ParityCompare.check(e2e, output: "ref_mel", got: mel.reshaped([mel.shape[1], mel.shape[2]]).transposed(0, 1)),
            try ParityCompare.check(e2e, output: "ref_spk_embedding", got: Tensor(shape: [embedding.count], data: embedding)),
        ]
        for r in reports {
            print("e2e_tiny " + r.description)
            XCTAssertTrue(r.passed, r.description)
        }
    }

    /// Talker and speaker encoder share model.safetensors: through their own scopes they use every key.
    func testTalkerAndSpeakerScopesCoverTheWholeFile() throws {
        let dir = try Fixtures.load("qwen3tts/e2e_tiny").directory.appendingPathComponent("checkpoint")
        let config = try Qwen3TTSConfig.load(path: dir.appendingPathComponent("config.json").path)
        let speakerConfig = try Qwen3SpeakerEncoderConfig.load(modelConfigPath: dir.appendingPathComponent("config.json").path)
        let store = try WeightStore(path: dir.appendingPathComponent("model.safetensors").path)
        _ = try Qwen3Talker(store.scope("talker"), config: config.talkerConfig)
        _ = try Qwen3SpeakerNetwork(config: speakerConfig, weights: store.scope(Qwen3SpeakerEncoder.weightPrefix))
        XCTAssertNoThrow(try store.finish())
    }

    /// Same input, same bits: repeated calls (with other work in between) must not drift.
    func testRepeatedEmbeddingIsBitIdentical() throws {
        let c = try Fixtures.load(Self.caseName)
        let speaker = try Qwen3SpeakerParity.encoder(c)
        let audio = try c.input("audio").array
        let first = try speaker.embedding(audio24k: audio)
        _ = try speaker.embedding(audio24k: Array(audio.prefix(30000)))
        XCTAssertEqual(try speaker.embedding(audio24k: audio), first)
    }

    func testShortAudioAndBadConfigAreRejected() throws {
        let c = try Fixtures.load(Self.caseName)
        let speaker = try Qwen3SpeakerParity.encoder(c)
        // 4 mel frames are fewer than the widest reflect pad (dilation 4) allows.
        XCTAssertThrowsError(try speaker.embedding(audio24k: [Float](repeating: 0.1, count: 256 * 3))) {
            XCTAssertTrue("\($0)".contains("too short"), "\($0)")
        }
        XCTAssertEqual(try speaker.embedding(audio24k: (0..<24000).map { Float(sin(Double($0) * 0.03) * 0.2) }).count, 24)
        var bad = speaker.network.config
        bad.encChannels[4] = 100
        XCTAssertThrowsError(try bad.validate()) { XCTAssertTrue("\($0)".contains("MFA"), "\($0)") }
        let real = try c.decodeConfig(Qwen3SpeakerEncoderConfig.self, key: "real_speaker_encoder_config_0.6B")
        XCTAssertNoThrow(try real.validate())
        XCTAssertEqual(real.encDim, 1024)
        XCTAssertEqual(try c.decodeConfig(Qwen3SpeakerMelConfig.self, key: "mel_front_end"), Qwen3SpeakerMelConfig())
    }
}
