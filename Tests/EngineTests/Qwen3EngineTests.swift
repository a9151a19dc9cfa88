import AudioDSP
import Foundation
import Neural
import Qwen3TTS
import SpeechEngine
import Tensors
import TestSupport
import XCTest

/// The e2e_tiny case and its checkpoint directory (a published-layout model directory).
enum Qwen3E2E {
    static var checkpoint: URL { Fixtures.root.appendingPathComponent("qwen3tts/e2e_tiny/checkpoint") }

    /// The case's call settings: greedy at both levels, max_new_tokens from `call`.
    static func greedy(_ c: ParityCase) throws -> Qwen3GenerationConfig {
        struct Call: Decodable { var max_new_tokens: Int }
        var g = try c.decodeConfig(Qwen3GenerationConfig.self, key: "generation_config_json").greedy
        g.maxNewTokens = try c.decodeConfig(Call.self, key: "call").max_new_tokens
        return g
    }

    /// Codebook 0 greedy (the random tiny talker almost never samples EOS), codebooks 1…15 sampled from the seed.
    static var tinySampling: Qwen3GenerationConfig {
        var g = Qwen3GenerationConfig.wrapperDefaults
        g.doSample = false
        return g
    }

    /// A copy of the checkpoint in a temporary directory (to damage or edit it).
    static func copy() throws -> URL {
        let dst = FileManager.default.temporaryDirectory.appendingPathComponent("qwen3-ckpt-\(UUID().uuidString)")
        try FileManager.default.copyItem(at: checkpoint, to: dst)
        return dst
    }
}

final class Qwen3EngineTests: XCTestCase {
    func testLoadsTheCheckpointDirectoryAsIs() throws {
        let e = try Qwen3TTSEngine(directory: Qwen3E2E.checkpoint)
        XCTAssertEqual(e.variant, Qwen3Variant(size: .small, kind: .base))
        XCTAssertEqual(e.variant.modelName, "qwen3-tts-0.6b-base")
        XCTAssertEqual(e.sampleRate, 24_000)
        XCTAssertTrue(e.canCloneVoice)
        XCTAssertEqual(e.name, "qwen3-tts")
        XCTAssertTrue(e.settingsDescription.contains("0.6B-Base"))
    }

    func testMissingFileNamesItAndTheFix() throws {
        let dir = try Qwen3E2E.copy()
        defer { try? FileManager.default.removeItem(at: dir) }
        let victim = dir.appendingPathComponent("speech_tokenizer/model.safetensors")
        try FileManager.default.removeItem(at: victim)
        XCTAssertThrowsError(try Qwen3TTSEngine(directory: dir)) { e in
            let m = "\(e)"
            XCTAssertTrue(m.contains(victim.path), m)
            XCTAssertTrue(m.contains("bookvox models download qwen3-tts-0.6b-base"), m)
        }
    }

    func testCorruptFilesNameThemselves() throws {
        let dir = try Qwen3E2E.copy()
        defer { try? FileManager.default.removeItem(at: dir) }
        let config = dir.appendingPathComponent("config.json")
        try Data("{\"model_type\": \"qwen3_tts\"".utf8).write(to: config)
        XCTAssertThrowsError(try Qwen3TTSEngine(directory: dir)) { e in
            XCTAssertTrue("\(e)".contains(config.path), "\(e)")
            XCTAssertTrue("\(e)".contains("bookvox models download"), "\(e)")
        }
        try FileManager.default.removeItem(at: dir)
        let dir2 = try Qwen3E2E.copy()
        defer { try? FileManager.default.removeItem(at: dir2) }
        let weights = dir2.appendingPathComponent("model.safetensors")
        try Data(repeating: 7, count: 64).write(to: weights)
        XCTAssertThrowsError(try Qwen3TTSEngine(directory: dir2)) { e in
            XCTAssertTrue("\(e)".contains(weights.path), "\(e)")
            XCTAssertTrue("\(e)".contains("bookvox models download qwen3-tts-0.6b-base"), "\(e)")
        }
    }

    func testVariantDetection() throws {
        func variant(_ size: String, _ type: String) throws -> Qwen3Variant {
            var json = try JSONSerialization.jsonObject(with: Data(contentsOf: Qwen3E2E.checkpoint.appendingPathComponent("config.json")))
                as! [String: Any]
            json["tts_model_size"] = size
            json["tts_model_type"] = type
            let config = try JSONDecoder().decode(Qwen3TTSConfig.self, from: JSONSerialization.data(withJSONObject: json))
            return try Qwen3Variant(config: config, path: "config.json")
        }
        XCTAssertEqual(try variant("1b7", "voice_design").description, "1.7B-VoiceDesign")
        XCTAssertEqual(try variant("1b7", "custom_voice").modelName, "qwen3-tts-1.7b-customvoice")
        XCTAssertEqual(try variant("0b6", "base").modelName, "qwen3-tts-0.6b-base")
        XCTAssertThrowsError(try variant("3b", "base")) { XCTAssertTrue("\($0)".contains("tts_model_size")) }
        XCTAssertThrowsError(try variant("0b6", "music")) { XCTAssertTrue("\($0)".contains("tts_model_type")) }
    }

    /// Preset speaker: generate → render gives 1920 samples per frame; generateBatch equals generate per segment
    /// (each with its own seed), and the same seed gives the same codes.
    func testPresetSpeakerGenerateRenderAndBatch() throws {
        let e = try Qwen3TTSEngine(directory: Qwen3E2E.checkpoint,
                                   options: Qwen3EngineOptions(speaker: "ryan", generation: Qwen3E2E.tinySampling))
        XCTAssertFalse(e.canCloneVoice)
        let voice = try e.prepareVoice(nil)
        XCTAssertEqual(voice.metadata["mode"], "preset")
        let requests = [
            SegmentRequest(key: "1.1", text: "Hello there, how are you today?", seed: 11),
            SegmentRequest(key: "1.2", text: "Speech synthesis converts written text into audio.", seed: 12),
            SegmentRequest(key: "1.3", text: "Yes.", seed: 13),
        ]
        let batch = e.generateBatch(requests, voice: voice)
        for (r, b) in zip(requests, batch) {
            let alone = try e.generate(r, voice: voice)
            XCTAssertEqual(try b.get(), alone, r.key)
            XCTAssertEqual(alone.shape[1], 16)
            let audio = try e.render(alone, request: r, voice: voice)
            XCTAssertEqual(audio.sampleRate, 24_000)
            XCTAssertEqual(audio.samples.count, alone.shape[0] * 1920)
            XCTAssertTrue(audio.samples.allSatisfy { $0.isFinite && abs($0) <= 1 })
        }
        XCTAssertEqual(try e.generate(requests[0], voice: voice), try e.generate(requests[0], voice: voice))
        var other = requests[0]
        other.seed = 99
        XCTAssertNotEqual(try e.generate(other, voice: voice), try e.generate(requests[0], voice: voice))
    }

    /// A take that never reaches EOS within the text-derived cap fails with a per-segment error (the scheduler
    /// retries it with the next take).
    func testRunawayTakeFailsClearly() throws {
        let options = Qwen3EngineOptions(speaker: "ryan", frameBudget: Qwen3FrameBudget(minimumFrames: 1, framesPerTextToken: 0))
        let e = try Qwen3TTSEngine(directory: Qwen3E2E.checkpoint, options: options)
        let r = SegmentRequest(key: "2.5", text: "Hello there, how are you today?", seed: 3, take: 2)
        XCTAssertThrowsError(try e.generate(r, voice: try e.prepareVoice(nil))) { error in
            guard case let SpeechEngineError.generationFailed(key, reason) = error else { return XCTFail("\(error)") }
            XCTAssertEqual(key, "2.5")
            XCTAssertTrue(reason.contains("no end of speech") && reason.contains("take 2"), reason)
        }
    }

    func testVoiceSelectionErrors() throws {
        let e = try Qwen3TTSEngine(directory: Qwen3E2E.checkpoint)
        XCTAssertThrowsError(try e.prepareVoice(nil)) { XCTAssertTrue("\($0)".contains("--voice"), "\($0)") }
        XCTAssertThrowsError(try Qwen3TTSEngine(directory: Qwen3E2E.checkpoint, options: Qwen3EngineOptions(speaker: "nobody"))) {
            XCTAssertTrue("\($0)".contains("ryan"), "\($0)")
        }
        let design = try Qwen3TTSEngine(directory: Qwen3E2E.checkpoint, options: Qwen3EngineOptions(voiceDesign: "A calm voice."))
        let clip = VoiceReference(path: nil, audio: AudioBuffer(samples: [Float](repeating: 0, count: 24_000), sampleRate: 24_000),
                                  sha256: "x")
        XCTAssertThrowsError(try design.prepareVoice(clip)) { XCTAssertTrue("\($0)".contains("--voice-design"), "\($0)") }
    }
}

/// The engine end to end against qwen3tts/e2e_tiny (greedy, as the case ran): the voice profile carries the case's
/// speaker embedding and reference codes, so this checks prompt building, generation and ICL decoding with the cut.
final class Qwen3EngineE2EParityTests: XCTestCase {
    func profile(_ c: ParityCase, icl: Bool) throws -> VoiceProfile {
        var tensors = ["speaker": try c.expected("ref_spk_embedding").floatTensor(key: "out.ref_spk_embedding")]
        var metadata = ["mode": "xvector"]
        if icl {
            let codes = try c.expected("ref_codes")
            tensors["referenceCodes"] = Tensor(shape: codes.shape, data: codes.int64Array().map { Float($0) })
            struct Mode: Decodable { var name: String; var ref_text: String? }
            let modes = try c.decodeConfig([Mode].self, key: "modes")
            metadata = ["mode": "icl", "transcript": try XCTUnwrap(modes.first { $0.name == "icl" }?.ref_text)]
        }
        return VoiceProfile(engine: "qwen3-tts", voiceHash: "e2e", tensors: tensors, metadata: metadata)
    }

    func testCloneModesMatchTheCase() throws {
        let c = try Fixtures.load("qwen3tts/e2e_tiny")
        let e = try Qwen3TTSEngine(directory: Qwen3E2E.checkpoint, options: Qwen3EngineOptions(generation: try Qwen3E2E.greedy(c)))
        struct Mode: Decodable { var name: String; var text: String; var language: String }
        for m in try c.decodeConfig([Mode].self, key: "modes") {
            let voice = try profile(c, icl: m.name == "icl")
            let request = SegmentRequest(key: m.name, text: m.text, language: m.language, seed: 1)
            let codes = try e.generate(request, voice: voice)
            let report = try ParityCompare.check(c, output: m.name + ".codes", gotInts: codes.values.map(Int64.init), shape: codes.shape)
            XCTAssertTrue(report.passed, report.description)
            let audio = try e.render(codes, request: request, voice: voice)
            let wav = try ParityCompare.check(c, output: m.name + ".wav", got: Tensor(shape: [audio.samples.count], data: audio.samples))
            print(report, wav)
            XCTAssertTrue(wav.passed, wav.description)
        }
    }
}

final class Qwen3EngineBenchTests: XCTestCase {
    /// The engine benchmark runs end to end (at the tiny checkpoint's sizes here) and reports every figure.
    func testBenchRunsAtTinySize() throws {
        let dir = Qwen3E2E.checkpoint
        var o = Qwen3EngineBenchOptions(size: .small)
        o.model = try Qwen3TTSConfig.load(path: dir.appendingPathComponent("config.json").path)
        o.speechTokenizer = try Qwen3SpeechTokenizerConfig(path: dir.appendingPathComponent("speech_tokenizer/config.json").path)
        o.frames = 4
        o.promptLength = 6
        o.batch = 3
        o.decoderFrames = 5
        o.pipelinedFrames = 4
        o.measureStream = false
        let r = try Qwen3EngineBench.run(o)
        for v in [r.talkerStepMs, r.codePredictorFrameMs, r.frameMs, r.talkerStepMsBatch, r.codePredictorFrameMsBatch,
                  r.frameMsBatch, r.prefillSeconds, r.peakMemoryMB] {
            XCTAssertGreaterThan(v, 0)
        }
        XCTAssertGreaterThan(try XCTUnwrap(r.decoderSecondsPerSecond), 0)
        XCTAssertEqual(try XCTUnwrap(r.rtfBatchAggregate), try XCTUnwrap(r.rtfBatchPerStream) / 3, accuracy: 1e-12)
        XCTAssertEqual(r.baseline["targetRtfSingle"], 2.5)
        // The loop ran again with the generic sampling chain and drew the same codes at batch 1 and batch 3.
        XCTAssertEqual(r.sampledCodesMatchGeneric, true)
        XCTAssertGreaterThan(try XCTUnwrap(r.frameMsGenericSampling), 0)
        XCTAssertGreaterThan(try XCTUnwrap(r.frameMsBatchGenericSampling), 0)
        // The overlapped run: both stages ran, and the whole took at least as long as the longer one.
        let generate = try XCTUnwrap(r.pipelinedGenerateSeconds), decode = try XCTUnwrap(r.pipelinedDecodeSeconds)
        XCTAssertGreaterThan(generate, 0)
        XCTAssertGreaterThan(decode, 0)
        XCTAssertGreaterThanOrEqual(try XCTUnwrap(r.rtfPipelinedAggregate) * 3 * 4 / 12.5, max(generate, decode) - 1e-9)
    }
}
