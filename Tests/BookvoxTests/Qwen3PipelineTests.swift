// The sample book end to end with the Qwen3-TTS engine on the tiny random-weight checkpoint
// (Tests/Fixtures/qwen3tts/e2e_tiny/checkpoint, a published-layout model directory).
import AudioDSP
import Bookvox
import Foundation
import TestSupport
import XCTest

final class Qwen3PipelineTests: XCTestCase {
    static var checkpoint: String { Fixtures.root.appendingPathComponent("qwen3tts/e2e_tiny/checkpoint").path }
    static var sampleBook: String { Fixtures.repoRoot.appendingPathComponent("projects/sample/book.md").path }

    private func options(_ project: String, speaker: String? = "ryan") -> RenderOptions {
        var o = RenderOptions(projectDir: project, engine: "qwen3-tts")
        o.modelDir = Self.checkpoint
        o.speaker = speaker
        return o
    }

    /// Renders the sample, resumes (nothing is re-synthesized), renders again from scratch with the same seed
    /// (byte-identical segments and exports).
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

        try RenderSession.render(book: Self.sampleBook, options: options(ws.path("b")), progress: SilentProgress())
        let a = TestWorkspace.snapshot(ws.root.appendingPathComponent("a/segments"))
        XCTAssertFalse(a.isEmpty)
        XCTAssertEqual(a, TestWorkspace.snapshot(ws.root.appendingPathComponent("b/segments")))
        XCTAssertEqual(TestWorkspace.snapshot(ws.root.appendingPathComponent("a/export")),
                       TestWorkspace.snapshot(ws.root.appendingPathComponent("b/export")))
    }

    func testMissingModelDirectoryNamesTheFix() throws {
        let ws = try TestWorkspace()
        var o = options(ws.path("p"))
        o.modelDir = ws.path("no-such-model")
        XCTAssertThrowsError(try RenderSession.render(book: Self.sampleBook, options: o, progress: SilentProgress())) { e in
            XCTAssertTrue("\(e)".contains("bookvox models download qwen3-tts-0.6b-base"), "\(e)")
            XCTAssertTrue("\(e)".contains("no-such-model"), "\(e)")
        }
    }
}
