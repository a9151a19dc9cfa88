// What each engine takes from a cast voice (RenderCast.options), and per-voice IndexTTS2 emotion end to end on the
// tiny checkpoint: a voice with only an emotion speaks with the default clip (prepared once) in its own emotion.
import AudioDSP
@testable import Bookvox
import Foundation
import IndexTTS2
import TestSupport
import TextFrontend
import XCTest

final class CastEngineTests: XCTestCase {
    private func voice(_ name: String, _ fill: (inout CastVoice) -> Void) -> CastVoice {
        var v = CastVoice(name: name, line: 4)
        fill(&v)
        return v
    }

    func testEachEngineTakesItsOwnSettings() throws {
        let base = EngineOptions(language: "en")
        let all = voice("liz") {
            $0.clip = "/c.wav"; $0.speaker = "vivian"; $0.design = "bright"; $0.emotion = "happy=0.5"
            $0.emotionClip = "/e.wav"; $0.emotionAlpha = 0.7; $0.espeak = "en+f3"
        }
        let warnings = SilentProgress()
        let espeak = try RenderCast.options(for: all, at: "b.md:4: voice 'liz'", engine: "espeak", base: base, progress: warnings)
        XCTAssertEqual(espeak.espeakVoice, "en+f3")
        XCTAssertNil(espeak.speaker)
        XCTAssertNil(espeak.emotion)
        let qwen = try RenderCast.options(for: all, at: "b.md:4: voice 'liz'", engine: "qwen3-tts", base: base, progress: warnings)
        XCTAssertEqual(qwen.speaker, "vivian")
        XCTAssertEqual(qwen.voiceDesign, "bright")
        XCTAssertNil(qwen.espeakVoice)
        XCTAssertNil(qwen.emotion)
        let index = try RenderCast.options(for: all, at: "b.md:4: voice 'liz'", engine: "indextts2", base: base, progress: warnings)
        XCTAssertEqual(index.emotion, "happy=0.5")
        XCTAssertEqual(index.emotionClip, "/e.wav")
        XCTAssertEqual(index.emotionAlpha, 0.7)
        XCTAssertNil(index.speaker)
        XCTAssertTrue(warnings.warnings.isEmpty)

        // A clip alone under espeak: a warning and espeak's own voice, as for --voice.
        let clipOnly = voice("liz") { $0.clip = "/c.wav" }
        XCTAssertEqual(try RenderCast.options(for: clipOnly, at: "b.md:4: voice 'liz'", engine: "espeak", base: base,
                                              progress: warnings), base)
        XCTAssertEqual(warnings.warnings.count, 1)
        // Nothing this engine can use: errors naming the voice.
        let speakerOnly = voice("liz") { $0.speaker = "vivian" }
        XCTAssertThrowsError(try RenderCast.options(for: speakerOnly, at: "b.md:4: voice 'liz'", engine: "espeak", base: base,
                                                    progress: warnings)) { XCTAssertTrue("\($0)".hasPrefix("b.md:4: voice 'liz' gives espeak")) }
        XCTAssertThrowsError(try RenderCast.options(for: speakerOnly, at: "b.md:4: voice 'liz'", engine: "indextts2", base: base,
                                                    progress: warnings)) { XCTAssertTrue("\($0)".contains("gives indextts2 nothing")) }
        let espeakOnly = voice("liz") { $0.espeak = "en" }
        XCTAssertThrowsError(try RenderCast.options(for: espeakOnly, at: "b.md:4: voice 'liz'", engine: "qwen3-tts", base: base,
                                                    progress: warnings)) { XCTAssertTrue("\($0)".contains("gives qwen3-tts nothing")) }

        let f3 = EspeakRegistration.espeakOptions(espeak)
        XCTAssertEqual([f3.language, f3.variant], ["en", "f3"])
        var us = base
        us.espeakVoice = "en-us"
        let enUS = EspeakRegistration.espeakOptions(us)
        XCTAssertEqual([enUS.language, enUS.variant], ["en-us", nil])
        let book = EspeakRegistration.espeakOptions(base)
        XCTAssertEqual([book.language, book.variant], ["en", nil])
    }

    /// IndexTTS2 with a narrator clip and a "calm" voice that only sets an emotion: the same sentence in each voice
    /// differs, the clip is prepared once, and the calm voice's segments have their own cache identity.
    func testIndexTTS2EmotionPerVoice() throws {
        let ws = try TestWorkspace()
        let book = try ws.write("book.md", """
            ---
            title: Calm
            seed: 11
            voices:
              narrator: { clip: \(IndexTTS2RenderTests.voice) }
              calm: { emotion: "calm=0.9" }
            ---

            Hello world, this is a test.

            ::: {voice=calm}
            Hello world, this is a test.
            :::
            """)
        var options = RenderOptions(projectDir: ws.path("p"), engine: "indextts2")
        options.engineSettings.modelDir = IndexTTS2RenderTests.checkpoint
        options.engineSettings.diffusionSteps = 1
        let report = try RenderSession.render(book: book, options: options, progress: SilentProgress())
        let segments = try JobStore(layout: report.project).segments()
        XCTAssertEqual(segments.map(\.voice), ["narrator", "calm"])
        XCTAssertTrue(segments.allSatisfy { $0.state.hasAudio })
        XCTAssertNotEqual(segments[0].cacheIdentity, segments[1].cacheIdentity)
        XCTAssertNotEqual(segments[0].seed, segments[1].seed)
        let a = try AudioFile.read(path: report.project.absolute(try XCTUnwrap(segments[0].audioPath)).path)
        let b = try AudioFile.read(path: report.project.absolute(try XCTUnwrap(segments[1].audioPath)).path)
        XCTAssertNotEqual(a.samples, b.samples)
        let profiles = try FileManager.default.contentsOfDirectory(atPath: report.project.voicesDir.path).filter { $0.hasSuffix(".safetensors") }
        XCTAssertEqual(profiles.count, 1, "one clip, prepared once: \(profiles)")
        // A voice's own emotion makes another engine instance over the model already loaded.
        var settings = EngineOptions(language: "en")
        settings.modelDir = IndexTTS2RenderTests.checkpoint
        let first = try XCTUnwrap(try EngineRegistry.shared.make("indextts2", options: settings) as? IndexTTS2Engine)
        settings.emotion = "calm=0.9"
        let second = try XCTUnwrap(try EngineRegistry.shared.make("indextts2", options: settings) as? IndexTTS2Engine)
        XCTAssertTrue(first.models === second.models)
        XCTAssertNotEqual(first.settingsDescription, second.settingsDescription)
    }
}
