// `bookvox render --engine indextts2 --model-dir <tiny checkpoint>` end to end through RenderSession: the render
// completes, resume re-synthesizes nothing, rerender changes only that segment, and two renders with one seed are
// byte-identical. The tiny random model keeps it fast (one CFM step; the engine tests cover the 25-step path).
import AudioDSP
import Bookvox
import Foundation
import IndexTTS2
import TestSupport
import XCTest

final class IndexTTS2RenderTests: XCTestCase {
    static let checkpoint = Fixtures.caseDir("indextts2/e2e_tiny").appendingPathComponent("checkpoint").path
    static let voice = Fixtures.data.appendingPathComponent("voices/indextts2_sample_22k.wav").path

    func options(_ project: String) -> RenderOptions {
        var o = RenderOptions(projectDir: project, engine: "indextts2", voicePath: Self.voice)
        o.engineSettings.modelDir = Self.checkpoint
        o.engineSettings.diffusionSteps = 1
        return o
    }

    func book(_ ws: TestWorkspace) throws -> String {
        try ws.write("book.md", """
            ---
            title: Tiny IndexTTS2 Book
            seed: 11
            ---

            # One

            Hello world, this is a test.

            # Two

            The quick brown fox. How are you today?
            """)
    }

    func testRenderResumeRerenderAndRepeat() throws {
        let ws = try TestWorkspace()
        let bookPath = try book(ws)
        let report = try RenderSession.render(book: bookPath, options: options(ws.path("a")), progress: SilentProgress())
        XCTAssertEqual(report.exportedChapters, [1, 2])
        XCTAssertGreaterThan(report.synthesized, 0)
        let store = try JobStore(layout: report.project)
        let segments = try store.segments()
        XCTAssertTrue(segments.allSatisfy { $0.state.hasAudio })
        XCTAssertTrue(segments.allSatisfy { $0.sampleRate == 22_050 })
        let master = try AudioFile.read(path: report.project.exportFile(chapter: 1, of: 3, ext: "flac").path)
        XCTAssertGreaterThan(master.duration, 0.2)
        let firstSegments = TestWorkspace.snapshot(report.project.segmentsDir)
        let firstExports = TestWorkspace.snapshot(report.exportDir)

        // Resume: everything verifies, nothing is synthesized again.
        let resumed = try RenderSession.resume(project: report.project, options: options(ws.path("a")), progress: SilentProgress())
        XCTAssertEqual(resumed.synthesized, 0)
        XCTAssertEqual(resumed.reused, segments.count)

        // Rerender one segment: only it (and its chapter's exports) change.
        let key = try XCTUnwrap(segments.last?.key)
        let before = Dictionary(uniqueKeysWithValues: segments.map { ($0.key, $0.audioSha256) })
        let exportsBefore = TestWorkspace.snapshot(report.exportDir)
        let again = try RenderSession.rerender(project: report.project, keys: [key], take: nil, options: options(ws.path("a")),
                                               progress: SilentProgress())
        XCTAssertEqual(again.synthesized, 1)
        for seg in try store.segments() {
            if seg.key == key { XCTAssertNotEqual(seg.audioSha256, before[seg.key], seg.key) } else {
                XCTAssertEqual(seg.audioSha256, before[seg.key], seg.key)
            }
        }
        let other = try XCTUnwrap(segments.last?.chapter) == 1 ? 2 : 1
        for (name, bytes) in TestWorkspace.snapshot(report.exportDir) where name.hasPrefix(ProjectLayout.exportBaseName(chapter: other, of: 3) + ".") {
            XCTAssertEqual(bytes, exportsBefore[name], "\(name) of the untouched chapter")
        }

        // A second project from scratch with the same seed: byte-identical to the first render before the rerender.
        let b = try RenderSession.render(book: bookPath, options: options(ws.path("b")), progress: SilentProgress())
        XCTAssertEqual(TestWorkspace.snapshot(b.project.segmentsDir), firstSegments)
        XCTAssertEqual(TestWorkspace.snapshot(b.exportDir), firstExports)
    }

    /// The scheduler hands IndexTTS2 batches of segments (cross-segment GPT batching, `generateBatch`): every
    /// segment's audio and the exports are byte-identical to a render whose engine decodes one segment at a time.
    func testBatchedRenderEqualsOneSegmentAtATime() throws {
        let ws = try TestWorkspace()
        let bookPath = try ws.write("book.md", """
            ---
            title: Tiny IndexTTS2 Book
            seed: 5
            ---

            # One

            Hello world. How are you today?

            # Two

            Fine, thanks. This is the end.
            """)
        var runs: [(segments: [String: Data], exports: [String: Data], hashes: [String?])] = []
        for maxBatch in [1, 2] {
            let made = EngineCounter()
            var o = options(ws.path("b\(maxBatch)"))
            o.registry = EngineRegistry(registrations: [EngineRegistration(
                name: "indextts2", summary: "IndexTTS2 (tiny)", isNeural: true, isInstalled: { true }, make: { e in
                    // At most 30 codes per piece keeps the tiny model's runs short (the same cap in both renders).
                    var io = IndexTTS2EngineOptions(modelDir: try XCTUnwrap(e.modelDir), maxMelTokens: 30, maxBatch: maxBatch)
                    io.diffusionSteps = e.diffusionSteps ?? io.diffusionSteps
                    let engine = try IndexTTS2Engine(options: io)
                    made.add(engine)
                    return engine
                })])
            o.limits = SchedulerLimits(maxInFlight: 8)
            let report = try RenderSession.render(book: bookPath, options: o, progress: SilentProgress())
            XCTAssertEqual(made.engines.map(\.preferredBatchSize), [maxBatch])
            let segments = try JobStore(layout: report.project).segments()
            XCTAssertGreaterThan(segments.count, maxBatch, "more segments than a batch")
            XCTAssertTrue(segments.allSatisfy { $0.state.hasAudio })
            runs.append((TestWorkspace.snapshot(report.project.segmentsDir), TestWorkspace.snapshot(report.exportDir),
                         segments.map(\.audioSha256)))
        }
        XCTAssertEqual(runs[0].hashes, runs[1].hashes)
        XCTAssertEqual(runs[0].segments, runs[1].segments)
        XCTAssertEqual(runs[0].exports, runs[1].exports)
    }

    func testBadEmotionAndMissingModelAreReported() throws {
        let ws = try TestWorkspace()
        let bookPath = try book(ws)
        var bad = options(ws.path("p"))
        bad.engineSettings.emotion = "joy=0.5"
        XCTAssertThrowsError(try RenderSession.render(book: bookPath, options: bad, progress: SilentProgress())) {
            XCTAssertTrue("\($0)".contains("joy"), "\($0)")
        }
        var missing = options(ws.path("q"))
        missing.engineSettings.modelDir = ws.path("no-such-model")
        XCTAssertThrowsError(try RenderSession.render(book: bookPath, options: missing, progress: SilentProgress())) {
            XCTAssertTrue("\($0)".contains("bookvox models download indextts2"), "\($0)")
        }
    }
}

/// The engines a test registry made.
final class EngineCounter: @unchecked Sendable {
    private let lock = NSLock()
    private var made: [IndexTTS2Engine] = []
    func add(_ e: IndexTTS2Engine) { lock.lock(); made.append(e); lock.unlock() }
    var engines: [IndexTTS2Engine] { lock.lock(); defer { lock.unlock() }; return made }
}
