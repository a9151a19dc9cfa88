import AudioDSP
import Foundation
import Neural
import Qwen3TTS
import SpeechEngine
import Tensors
import TestSupport
import XCTest

/// Voice cloning through the engine's own analyzers (speaker encoder + speech-tokenizer encoder) against e2e_tiny:
/// the clip → x-vector and reference codes → greedy codes of both clone modes.
final class Qwen3EngineCloneTests: XCTestCase {
    func testPrepareVoiceAndGenerateMatchTheCase() throws {
        let c = try Fixtures.load("qwen3tts/e2e_tiny")
        let e = try Qwen3TTSEngine(directory: Qwen3E2E.checkpoint, options: Qwen3EngineOptions(generation: try Qwen3E2E.greedy(c)))
        struct Mode: Decodable { var name: String; var text: String; var language: String; var ref_text: String? }
        let audio = try c.input("ref_audio")
        for m in try c.decodeConfig([Mode].self, key: "modes") {
            let clip = VoiceReference(path: nil, audio: AudioBuffer(samples: audio.array, sampleRate: 24_000), sha256: "e2e",
                                      transcript: m.ref_text)
            let voice = try e.prepareVoice(clip)
            XCTAssertEqual(voice.metadata["mode"], m.name == "icl" ? "icl" : "xvector")
            let spk = try ParityCompare.check(c, output: "ref_spk_embedding", got: try XCTUnwrap(voice.tensors["speaker"]))
            XCTAssertTrue(spk.passed, spk.description)
            if m.name == "icl" {
                let codes = try XCTUnwrap(voice.tensors["referenceCodes"])
                let r = try ParityCompare.check(c, output: "ref_codes", gotInts: codes.array.map { Int64($0) }, shape: codes.shape)
                XCTAssertTrue(r.passed, r.description)
            }
            let request = SegmentRequest(key: m.name, text: m.text, language: m.language, seed: 1)
            let generated = try e.generate(request, voice: voice)
            let report = try ParityCompare.check(c, output: m.name + ".codes", gotInts: generated.values.map(Int64.init),
                                                 shape: generated.shape)
            print(spk, report)
            XCTAssertTrue(report.passed, report.description)
        }
    }
}
