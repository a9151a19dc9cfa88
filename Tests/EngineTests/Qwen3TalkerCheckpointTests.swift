import Foundation
import Neural
import Qwen3TTS
import Tensors
import TestSupport
import XCTest

/// The e2e_tiny checkpoint directory (0.6B layout: code-predictor width = talker width, so
/// small_to_mtp_projection is Identity) loaded like a real model directory. Its speaker embedding and
/// reference codes are reference outputs of the case, used here as inputs to the talker.
final class Qwen3TalkerCheckpointTests: XCTestCase {
    func testIdentityProjectionCheckpointGeneratesReferenceCodes() throws {
        let c = try Fixtures.load("qwen3tts/e2e_tiny")
        let dir = c.directory.appendingPathComponent("checkpoint")
        let config = try Qwen3TTSConfig.load(path: dir.appendingPathComponent("config.json").path)
        let generation = try Qwen3GenerationConfig.load(path: dir.appendingPathComponent("generation_config.json").path)
        XCTAssertEqual(config.talkerConfig.codePredictorConfig.hiddenSize, config.talkerConfig.hiddenSize)
        // Keys absent from this generation_config.json take the wrapper's hard defaults.
        XCTAssertEqual(generation.subtalkerTopK, Qwen3GenerationConfig.wrapperDefaults.subtalkerTopK)
        XCTAssertEqual(generation.maxNewTokens, 8192)

        let store = try WeightStore(path: dir.appendingPathComponent("model.safetensors").path)
        let talker = try Qwen3Talker(store.scope("talker"), config: config.talkerConfig)
        try store.finish(ignoring: ["speaker_encoder."])
        XCTAssertFalse(store.keys.contains { $0.contains("small_to_mtp_projection") })

        let tokens = Qwen3TTSTokens(config: config)
        let builder = Qwen3PromptBuilder(talker: talker, tokens: tokens)
        var g = generation.greedy
        g.maxNewTokens = 31
        let generator = Qwen3Generator(talker: talker, tokens: tokens,
                                       settings: Qwen3SamplingSettings(generation: g, talker: config.talkerConfig))
        let speaker = try c.expected("ref_spk_embedding").floatTensor(key: "ref_spk_embedding")
        let refRaw = try c.expected("ref_codes")
        let refFlat = refRaw.int64Array().map { Int($0) }
        let refCodes = (0..<refRaw.shape[0]).map { Array(refFlat[($0 * 16)..<(($0 + 1) * 16)]) }
        let modes: [(String, String, Qwen3ICLReference?)] = [
            ("icl", "english", Qwen3ICLReference(transcriptIds: try c.inputInts("icl.ref_ids").map { Int($0) }, codes: refCodes)),
            ("xvec", "auto", nil),
        ]
        for (name, language, reference) in modes {
            let request = Qwen3PromptRequest(textIds: try c.inputInts(name + ".input_ids").map { Int($0) }, language: language,
                                             speaker: .embedding(speaker), reference: reference, layout: .streaming)
            let prompt = try builder.build(request)
            var reports = [
                try ParityCompare.check(c, output: name + ".prefill_embeds", got: prompt.embeds),
                try ParityCompare.check(c, output: name + ".trailing_text_hidden", got: prompt.trailing),
            ]
            let trace = Qwen3GenerationTrace()
            let codes = try generator.generate(prompt: prompt, maxFrames: g.maxNewTokens - 1, trace: trace)
            reports += [
                try ParityCompare.check(c, output: name + ".talker_logits",
                                        got: Tensor(shape: [trace.talkerLogits.count, talker.vocab], data: trace.talkerLogits.flatMap { $0 })),
                try ParityCompare.check(c, output: name + ".first_codes", gotInts: trace.firstCodes.map(Int64.init),
                                        shape: [trace.firstCodes.count]),
                try ParityCompare.check(c, output: name + ".codes", gotInts: codes.flatMap { $0.map(Int64.init) },
                                        shape: [codes.count, talker.groups]),
            ]
            for r in reports {
                print("e2e_tiny " + r.description)
                XCTAssertTrue(r.passed, r.description)
            }
        }
    }

    func testConfigValidation() throws {
        let c = try Fixtures.load("qwen3tts/talker_tiny")
        var talker = try c.decodeConfig(Qwen3TTSConfig.self, key: "model_config").talkerConfig
        XCTAssertEqual(try Qwen3DecoderShape(talker: talker).headDim, 16)
        XCTAssertEqual(talker.spkId?["ryan"], Qwen3SpeakerId(1077))
        XCTAssertEqual(talker.spkIsDialect?["eric"], .dialect("sichuan_dialect"))
        XCTAssertEqual(talker.spkIsDialect?["ryan"], Qwen3Dialect.none)

        var bad = talker
        bad.ropeScaling?.mropeSection = [4, 2, 1]
        XCTAssertThrowsError(try Qwen3DecoderShape(talker: bad)) { XCTAssertTrue("\($0)".contains("mrope_section"), "\($0)") }
        bad = talker
        bad.useSlidingWindow = true
        XCTAssertThrowsError(try Qwen3DecoderShape(talker: bad)) { XCTAssertTrue("\($0)".contains("sliding"), "\($0)") }
        bad = talker
        bad.numKeyValueHeads = 3
        XCTAssertThrowsError(try Qwen3DecoderShape(talker: bad))

        // spk_id may be a one-element list; a longer list is an error.
        let list = try JSONDecoder().decode([String: Qwen3SpeakerId].self, from: Data(#"{"a": [3061], "b": 7}"#.utf8))
        XCTAssertEqual(list, ["a": Qwen3SpeakerId(3061), "b": Qwen3SpeakerId(7)])
        XCTAssertThrowsError(try JSONDecoder().decode([String: Qwen3SpeakerId].self, from: Data(#"{"a": [1, 2]}"#.utf8)))

        // A weight with the wrong shape is a load error naming the key.
        talker.intermediateSize += 1
        let store = try WeightStore(path: try XCTUnwrap(c.weightsURL).path)
        XCTAssertThrowsError(try Qwen3Talker(store.scope("talker"), config: talker)) {
            XCTAssertTrue("\($0)".contains("talker.model.layers.0.mlp.gate_proj.weight"), "\($0)")
        }
    }
}
