// The sample book end to end with the Qwen3-TTS engine on the tiny random-weight checkpoint
// (Tests/Fixtures/qwen3tts/e2e_tiny/checkpoint, a published-layout model directory).
import AudioDSP
import Bookvox
import Foundation
import TestSupport
import XCTest

final class Qwen3PipelineTests: XCTestCase {
    /// The tiny checkpoint with codebook 0 greedy in its generation_config.json (its random talker almost never
    /// samples EOS); codebooks 1…15 are still sampled from each segment's seed.
    static let checkpoint: String = {
        let src = Fixtures.root.appendingPathComponent("qwen3tts/e2e_tiny/checkpoint")
        let dst = FileManager.default.temporaryDirectory.appendingPathComponent("bookvox-qwen3-tiny-\(getpid())")
        if !FileManager.default.fileExists(atPath: dst.path) {
            try! FileManager.default.copyItem(at: src, to: dst)
            let config = #"{"do_sample": false, "subtalker_dosample": true, "repetition_penalty": 1.05, "temperature": 0.9, "#
                + #""top_p": 1.0, "top_k": 50, "max_new_tokens": 8192}"#
            try! Data(config.utf8).write(to: dst.appendingPathComponent("generation_config.json"))
        }
        return dst.path
    }()
    static var sampleBook: String { Fixtures.repoRoot.appendingPathComponent("projects/sample/book.md").path }

    private func options(_ project: String, speaker: String? = "ryan") -> RenderOptions {
        var o = RenderOptions(projectDir: project, engine: "qwen3-tts")
        o.engineSettings.modelDir = Self.checkpoint
        o.engineSettings.speaker = speaker
        return o
    }

    /// Renders the sample, resumes (nothing is re-synthesized), renders again from scratch with the same seed
    /// (byte-identical segment audio and exports).
    func testSampleRendersResumesAndRepeatsByteIdentically() throws {
        let ws = try TestWorkspace()
        let first = try RenderSession.render(book: Self.sampleBook, options: options(ws.path("a")), progress: SilentProgress())
        XCTAssertEqual(first.exportedChapters, [1, 2, 3])
        XCTAssertGreaterThan(first.synthesized, 10)
        let store = try JobStore(layout: first.project)
        XCTAssertEqual(try store.book()?.engine, "qwen3-tts")
        for seg in try store.segments() {
            XCTAssertEqual(seg.sampleRate, 24_000)
            XCTAssertEqual((seg.sampleCount ?? 0) % 1920, 0, "whole 12.5 Hz frames: \(seg.key)")
        }

        let resumed = try RenderSession.resume(project: first.project, options: options(ws.path("a")), progress: SilentProgress())
        XCTAssertEqual(resumed.synthesized, 0, "resume re-synthesizes nothing")

        // A second project from scratch, same seed (chapter 3 only, to keep the test fast): identical bytes.
        var again = options(ws.path("b"))
        again.chapters = [3]
        let second = try RenderSession.render(book: Self.sampleBook, options: again, progress: SilentProgress())
        XCTAssertEqual(second.exportedChapters, [3])
        let a = TestWorkspace.snapshot(ws.root.appendingPathComponent("a/segments"))
        let b = TestWorkspace.snapshot(ws.root.appendingPathComponent("b/segments"))
        XCTAssertFalse(b.isEmpty)
        for (name, bytes) in b { XCTAssertEqual(a[name], bytes, "segment file \(name)") }
        let exportsB = TestWorkspace.snapshot(ws.root.appendingPathComponent("b/export"))
        XCTAssertFalse(exportsB.isEmpty)
        let exportsA = TestWorkspace.snapshot(ws.root.appendingPathComponent("a/export"))
        // (The book files differ: b's hold chapter 3 only.)
        for (name, bytes) in exportsB where name != ACXReport.fileName && !TestWorkspace.isBookFile(name) {
            XCTAssertEqual(exportsA[name], bytes, "export \(name)")
        }
        // Project b exported chapter 3 only: its ACX report holds exactly a's entry for chapter 3.
        XCTAssertEqual(ACXReport.load(second.project)?.chapters, ACXReport.load(first.project)?.chapters.filter { $0.chapter == 3 })
    }

    /// Voice cloning in context from the narrator clip and its transcript; a resume re-synthesizes nothing. The
    /// transcript is part of the voice cache key, so an x-vector profile of the same clip is cached apart.
    func testInContextCloneRendersAndResumes() throws {
        let ws = try TestWorkspace()
        let clip = Fixtures.data.appendingPathComponent("voices/apollo11_24k.wav").path
        var icl = options(ws.path("icl"), speaker: nil)
        icl.voicePath = clip
        icl.voiceText = "That's one small step for man."
        icl.chapters = [3]
        let a = try RenderSession.render(book: Self.sampleBook, options: icl, progress: SilentProgress())
        XCTAssertEqual(a.exportedChapters, [3])
        XCTAssertEqual(try RenderSession.resume(project: a.project, options: icl, progress: SilentProgress()).synthesized, 0)
        let store = try JobStore(layout: a.project)
        XCTAssertEqual(try store.book()?.voiceSha256, try VoiceClip.load(path: clip, transcript: icl.voiceText).sha256)
        XCTAssertNotEqual(try VoiceClip.load(path: clip, transcript: icl.voiceText).sha256, try VoiceClip.load(path: clip).sha256)
        XCTAssertFalse(TestWorkspace.snapshot(ws.root.appendingPathComponent("icl/voices")).isEmpty)
    }

    func testMissingModelDirectoryNamesTheFix() throws {
        let ws = try TestWorkspace()
        var o = options(ws.path("p"))
        o.engineSettings.modelDir = ws.path("no-such-model")
        XCTAssertThrowsError(try RenderSession.render(book: Self.sampleBook, options: o, progress: SilentProgress())) { e in
            XCTAssertTrue("\(e)".contains("bookvox models download qwen3-tts-0.6b-base"), "\(e)")
            XCTAssertTrue("\(e)".contains("no-such-model"), "\(e)")
        }
    }
}
