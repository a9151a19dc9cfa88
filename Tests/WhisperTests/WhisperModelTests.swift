// Loading the published layout strictly (missing files, unused or missing weights, inconsistent configs), the log-mel
// shortcut over the 30 s padding, seeded sampling at temperature > 0, and transcription from another sample rate.
@testable import Whisper
import AudioDSP
import Foundation
import Neural
import Tensors
import TestSupport
import XCTest

final class WhisperModelTests: XCTestCase {
    static let source = Fixtures.caseDir("whisper/transcribe_tiny_en/hf")

    /// A copy of the English test model directory, changed by `edit`.
    func copyModel(_ edit: (URL) throws -> Void) throws -> URL {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("whisper-model-\(getpid())-\(UUID().uuidString)")
        try FileManager.default.copyItem(at: Self.source, to: dir)
        try edit(dir)
        addTeardownBlock { try? FileManager.default.removeItem(at: dir) }
        return dir
    }

    func testMissingFileSaysWhatToDo() throws {
        let dir = try copyModel { try FileManager.default.removeItem(at: $0.appendingPathComponent("merges.txt")) }
        XCTAssertThrowsError(try WhisperModel.load(directory: dir)) { error in
            XCTAssertTrue("\(error)".contains("merges.txt"), "\(error)")
            XCTAssertTrue("\(error)".contains("bookvox models download"), "\(error)")
        }
    }

    func testExtraAndMissingWeightsAreErrors() throws {
        let store = try WeightStore(path: Self.source.appendingPathComponent("model.safetensors").path)
        var tensors: [String: Tensor] = [:]
        for k in store.keys { tensors[k] = try store.peek(k) }
        var extra = tensors
        extra["model.decoder.unexpected.weight"] = Tensor(zeros: [2])
        let dir1 = try copyModel { try SafeTensorsWriter.write(extra, to: $0.appendingPathComponent("model.safetensors")) }
        XCTAssertThrowsError(try WhisperModel.load(directory: dir1)) { XCTAssertTrue("\($0)".contains("unexpected"), "\($0)") }
        var missing = tensors
        missing["model.encoder.layers.1.fc2.bias"] = nil
        let dir2 = try copyModel { try SafeTensorsWriter.write(missing, to: $0.appendingPathComponent("model.safetensors")) }
        XCTAssertThrowsError(try WhisperModel.load(directory: dir2)) { XCTAssertTrue("\($0)".contains("fc2.bias"), "\($0)") }
    }

    func testInconsistentConfigsAreErrors() throws {
        func edit(_ file: String, _ change: @escaping (inout [String: Any]) -> Void) throws -> URL {
            try copyModel { dir in
                let url = dir.appendingPathComponent(file)
                var obj = try JSONSerialization.jsonObject(with: Data(contentsOf: url)) as! [String: Any]
                change(&obj)
                try JSONSerialization.data(withJSONObject: obj).write(to: url)
            }
        }
        let badEOS = try edit("generation_config.json") { $0["eos_token_id"] = 50257 }
        XCTAssertThrowsError(try WhisperModel.load(directory: badEOS)) { XCTAssertTrue("\($0)".contains("eos_token_id"), "\($0)") }
        let badMels = try edit("preprocessor_config.json") { $0["feature_size"] = 128 }
        XCTAssertThrowsError(try WhisperModel.load(directory: badMels)) { XCTAssertTrue("\($0)".contains("feature_size"), "\($0)") }
        let badHeads = try edit("generation_config.json") { $0["alignment_heads"] = [[5, 0]] }
        XCTAssertThrowsError(try WhisperModel.load(directory: badHeads)) { XCTAssertTrue("\($0)".contains("alignment_heads"), "\($0)") }
        let badActivation = try edit("config.json") { $0["activation_function"] = "relu" }
        XCTAssertThrowsError(try WhisperModel.load(directory: badActivation)) { XCTAssertTrue("\($0)".contains("relu"), "\($0)") }
    }

    func testLogMelSkipsOnlyFramesThatAreSilence() throws {
        let mel = try WhisperLogMel(melCount: 80)
        var rng = SeededRNG(seed: 3)
        for n in [150, 201, 16_000, 37_123] {
            let audio = (0..<n).map { _ in 0.2 * rng.nextGaussian() }
            let fast = try mel.compute(audio, padding: WhisperLogMel.chunkSamples)
            let full = try mel.compute(audio, padding: WhisperLogMel.chunkSamples, skipSilentFrames: false)
            XCTAssertEqual(fast.frameCount, full.frameCount)
            XCTAssertEqual(fast.frameCount, n / 160 + 3000)
            XCTAssertEqual(fast.frames(start: 0, count: fast.frameCount).array, full.frames(start: 0, count: full.frameCount).array, "\(n)")
        }
        XCTAssertThrowsError(try mel.compute([Float](repeating: 0, count: 100), padding: 0))
        XCTAssertThrowsError(try WhisperLogMel(melCount: 64))
    }

    func testSamplingIsSeededAndDeterministic() throws {
        let model = try WhisperModel.load(directory: Self.source)
        var rng = SeededRNG(seed: 9)
        let audio = (0..<48_000).map { _ in 0.1 * rng.nextGaussian() }
        var o = WhisperTranscribeOptions()
        o.temperatures = [0.7]
        o.compressionRatioThreshold = nil
        o.logprobThreshold = nil
        o.decode.sampleLength = 24
        o.seed = 42
        let a = try model.transcribe(samples16k: audio, options: o)
        let b = try model.transcribe(samples16k: audio, options: o)
        XCTAssertEqual(a, b)
        XCTAssertEqual(a.windows.first?.result.temperature, 0.7)
        o.seed = 43
        let c = try model.transcribe(samples16k: audio, options: o)
        XCTAssertNotEqual(a.windows.first?.result.tokens, c.windows.first?.result.tokens)
        // best_of at temperature 0 is rejected, as DecodingOptions does.
        var bad = WhisperDecodingOptions()
        bad.bestOf = 2
        var r = SeededRNG(seed: 1)
        XCTAssertThrowsError(try model.decode(audioFeatures: Tensor(zeros: [1500, 16]), options: bad, rng: &r))
    }

    func testTranscribeResamplesOtherRates() throws {
        let model = try WhisperModel.load(directory: Self.source)
        let audio = AudioBuffer(samples: (0..<24_000).map { Float(sin(Double($0) * 0.05)) * 0.3 }, sampleRate: 24_000)
        var o = WhisperTranscribeOptions()
        o.temperatures = [0]
        o.decode.sampleLength = 8
        o.wordTimestamps = true
        let t = try model.transcribe(audio: audio, options: o)
        XCTAssertFalse(t.windows.isEmpty)
        XCTAssertEqual(t.language, "en")
        XCTAssertThrowsError(try model.transcribe(audio: AudioBuffer(samples: [], sampleRate: 16_000)))
    }
}
