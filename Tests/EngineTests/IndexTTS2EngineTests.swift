// IndexTTS2 engine: the e2e_tiny case end to end through the engine's stages, built from the case's
// weights.safetensors + config alone (checkpoint/ removed; the catalog test runs the case with it), the engine contract on the tiny model (determinism, piece splitting, codes
// checks), and model-directory errors.
import AudioDSP
import Foundation
import XCTest
@testable import IndexTTS2
import Neural
import SpeechEngine
import Tensors
import TestSupport

final class IndexTTS2EngineTests: XCTestCase {
    static let checkpoint = Fixtures.caseDir("indextts2/e2e_tiny").appendingPathComponent("checkpoint").path

    /// The case without its optional checkpoint/ folder: the pipeline is built from weights.safetensors (with
    /// weight_prefixes) and config, and every output passes. (ParityCatalogTests runs the full case, which adds the
    /// checkpoint check.)
    func testE2ETinyParityWithoutCheckpoint() throws {
        let src = Fixtures.caseDir("indextts2/e2e_tiny")
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("itts2-e2e-nockpt-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        for file in try FileManager.default.contentsOfDirectory(atPath: src.path) where file != "checkpoint" {
            try FileManager.default.createSymbolicLink(at: dir.appendingPathComponent(file), withDestinationURL: src.appendingPathComponent(file))
        }
        let c = try ParityCase(directory: dir)
        let reports = try XCTUnwrap(IndexTTS2Parity.cases[c.name])(c)
        XCTAssertEqual(Set(reports.map(\.outputName)), Set(c.outputNames), "every output is checked")
        XCTAssertFalse(reports.contains { $0.name.hasSuffix("[checkpoint]") }, "no checkpoint, no checkpoint check")
        for r in reports { XCTAssertTrue(r.passed, r.description) }
        XCTAssertEqual(Set(c.inputNames).subtracting(c.consumedInputs), ["audio_24k"], "only the informational input is left unread")
    }

    /// The published layout holds, file by file as the engine's loader reads it, exactly the case's tensors.
    func testCheckpointFilesHoldTheCaseTensors() throws {
        let c = try Fixtures.load("indextts2/e2e_tiny")
        XCTAssertNoThrow(try IndexTTS2CheckpointCheck.checkTensors(c, try IndexTTS2ModelDirectory(path: Self.checkpoint)))
    }

    func engine(_ options: (inout IndexTTS2EngineOptions) -> Void = { _ in }) throws -> IndexTTS2Engine {
        // Two CFM steps keep the contract tests fast in debug builds; the parity test runs the full 25.
        var o = IndexTTS2EngineOptions(modelDir: Self.checkpoint, maxMelTokens: 40, diffusionSteps: 2)
        options(&o)
        return try IndexTTS2Engine(options: o)
    }

    func voice() throws -> VoiceReference {
        let path = Fixtures.data.appendingPathComponent("voices/indextts2_sample_22k.wav").path
        return VoiceReference(path: path, audio: try AudioFile.read(path: path), sha256: "test-clip")
    }

    func testGenerateAndRenderAreDeterministicPerSeed() throws {
        let e = try engine()
        XCTAssertEqual(e.sampleRate, 22_050)
        let profile = try e.prepareVoice(try voice())
        XCTAssertEqual(Set(profile.tensors.keys), Set(SpeakerConditioning.tensorNames))
        let r = SegmentRequest(key: "1.1", text: "Hello world, this is a test.", seed: 42)
        let a = try e.generate(r, voice: profile), b = try e.generate(r, voice: profile)
        XCTAssertEqual(a, b, "same seed, same codes")
        XCTAssertFalse(a.values.isEmpty)
        let wa = try e.render(a, request: r, voice: profile), wb = try e.render(b, request: r, voice: profile)
        XCTAssertEqual(wa, wb, "same seed, same audio")
        XCTAssertEqual(wa.sampleRate, 22_050)
        XCTAssertEqual(wa.samples.count % 256, 0, "BigVGAN hop 256 per mel frame (one piece)")
        XCTAssertTrue(wa.samples.allSatisfy { abs($0) <= 1 })
    }

    func testSeveralPiecesAreJoinedWithSilence() throws {
        let e = try engine { $0.maxTextTokensPerSegment = 4 }
        let text = "Hello world, this is a test."
        let pieces = e.textPieces(text)
        XCTAssertGreaterThan(pieces.count, 1, "a 12-token text splits into ≤ 4-token pieces")
        XCTAssertTrue(pieces.allSatisfy { $0.count <= 4 })
        let profile = try e.prepareVoice(try voice())
        let r = SegmentRequest(key: "1.2", text: text, seed: 7)
        let codes = try e.generate(r, voice: profile)
        let counts = try XCTUnwrap(codes.metadata["pieces"]).split(separator: ",").compactMap { Int($0) }
        XCTAssertEqual(counts.count, pieces.count)
        XCTAssertEqual(counts.reduce(0, +), codes.values.count)
        let audio = try e.render(codes, request: r, voice: profile)
        let frames = counts.map { e.models.s2mel.targetLength(codeCount: $0) * 256 }
        XCTAssertEqual(audio.samples.count, frames.reduce(0, +) + (pieces.count - 1) * 4410, "pieces + 200 ms gaps")
        let gapStart = frames[0]
        XCTAssertTrue(audio.samples[gapStart..<(gapStart + 4410)].allSatisfy { $0 == 0 })
    }

    func testCodesForOtherTextAreRejected() throws {
        let e = try engine()
        let profile = try e.prepareVoice(try voice())
        let codes = try e.generate(SegmentRequest(key: "1.3", text: "Hello world.", seed: 1), voice: profile)
        XCTAssertThrowsError(try e.render(codes, request: SegmentRequest(key: "1.3", text: "This is a test.", seed: 1), voice: profile)) {
            XCTAssertTrue("\($0)".contains("1.3"), "\($0)")
        }
    }

    func testProfileFromAnotherModelIsRefused() throws {
        let e = try engine()
        var profile = try e.prepareVoice(try voice())
        profile.metadata["modelHash"] = "0123456789abcdef"
        XCTAssertThrowsError(try e.generate(SegmentRequest(key: "1.4", text: "Hello world.", seed: 1), voice: profile)) {
            XCTAssertTrue("\($0)".contains("another IndexTTS2 model"), "\($0)")
        }
    }

    func testEmotionVectorChangesEmovecAndIdentity() throws {
        let plain = try engine()
        let happy = try engine { $0.emotion = EmotionSettings(vector: try! EmotionVector(parsing: "happy=0.6,calm=0.2")) }
        XCTAssertNotEqual(plain.settingsDescription, happy.settingsDescription)
        let speaker = try SpeakerConditioning(profile: try plain.prepareVoice(try voice()))
        let base = try speaker.emovec(settings: plain.options.emotion, clipEmovec: nil, matrices: plain.models.emotionMatrices)
        let mixed = try speaker.emovec(settings: happy.options.emotion, clipEmovec: nil, matrices: happy.models.emotionMatrices)
        // emovec = mix + (1 − 0.8)·base: subtracting 0.2·base leaves the matrix mix, whose rows come from feat2.
        let m = happy.models.emotionMatrices
        let rows = try m.nearestRows(style: speaker.style)
        let mix = try m.emotionMix(weights: [0.6, 0, 0, 0, 0, 0, 0, 0.2], rows: rows)
        for k in 0..<mixed.count {
            XCTAssertEqual(mixed.array[k], mix.array[k] + Float(1 - 0.8 as Float) * base.array[k], accuracy: 1e-5)
        }
    }

    func testEmotionClipIsUsed() throws {
        let clip = Fixtures.data.appendingPathComponent("voices/apollo11_24k.wav").path
        let e = try engine { $0.emotion = EmotionSettings(clipPath: clip, alpha: 0.5) }
        XCTAssertTrue(e.settingsDescription.contains("emotion_clip_hash="))
        let speaker = try SpeakerConditioning(profile: try e.prepareVoice(try voice()))
        let clipVec = try XCTUnwrap(try e.clipEmovec())
        let v = try speaker.emovec(settings: e.options.emotion, clipEmovec: clipVec, matrices: e.models.emotionMatrices)
        for k in 0..<v.count {
            let want = speaker.emovecSpeaker.array[k] + 0.5 * (clipVec.array[k] - speaker.emovecSpeaker.array[k])
            XCTAssertEqual(v.array[k], want, accuracy: 1e-6)
        }
    }
}
