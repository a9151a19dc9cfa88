// Scheduling, retries, cancellation and disk-full behavior, with the deterministic FakeEngine.
import Bookvox
import Foundation
import Neural
import TestSupport
import XCTest
#if canImport(Glibc)
import Glibc
#endif

/// Fails segment-audio writes with ENOSPC once `allowed` of them succeeded.
final class DiskFullWriter: FileWriting, @unchecked Sendable {
    private let lock = NSLock()
    private var allowed: Int
    private(set) var failedPaths: [String] = []
    init(allowed: Int) { self.allowed = allowed }

    func writeFile(at path: String, _ produce: (String) throws -> Void) throws -> String {
        if path.contains("/segments/") {
            lock.lock()
            let ok = allowed > 0
            if ok { allowed -= 1 } else { failedPaths.append(path) }
            lock.unlock()
            if !ok { throw FileWriteError.write(path: path, errno: ENOSPC) }
        }
        return try AtomicFileWriter().writeFile(at: path, produce)
    }
}

final class SchedulerTests: XCTestCase {
    private func options(_ engine: FakeEngine, project: String, inFlight: Int = 4,
                         writer: FileWriting = AtomicFileWriter()) -> RenderOptions {
        RenderOptions(projectDir: project, engine: "fake", limits: SchedulerLimits(maxInFlight: inFlight), writer: writer,
                      registry: engine.registry())
    }

    /// A batching engine gets full batches (stragglers wait for the next admissions), and the audio equals the
    /// unbatched run's.
    func testBatchingEngineGetsFullBatchesAndTheSameAudio() throws {
        let ws = try TestWorkspace()
        let book = try ws.tinyBook()
        let single = FakeEngine()
        try RenderSession.render(book: book, options: options(single, project: ws.path("a")), progress: SilentProgress())
        let batching = FakeEngine()
        batching.preferredBatchSize = 4
        try RenderSession.render(book: book, options: options(batching, project: ws.path("b"), inFlight: 1), progress: SilentProgress())
        let total = try JobStore(layout: ProjectLayout(root: ws.root.appendingPathComponent("b"))).segments().count
        XCTAssertGreaterThan(total, 4)
        XCTAssertEqual(batching.batchSizes.dropLast(), Array(repeating: 4, count: batching.batchSizes.count - 1)[...],
                       "every batch but the last is full: \(batching.batchSizes)")
        XCTAssertLessThanOrEqual(try XCTUnwrap(batching.batchSizes.last), 4)
        XCTAssertEqual(batching.batchSizes.reduce(0, +), total)
        let a = try JobStore(layout: ProjectLayout(root: ws.root.appendingPathComponent("a"))).segments().map(\.audioSha256)
        let b = try JobStore(layout: ProjectLayout(root: ws.root.appendingPathComponent("b"))).segments().map(\.audioSha256)
        XCTAssertEqual(a, b)
    }

    func testAudioDoesNotDependOnScheduling() throws {
        let ws = try TestWorkspace()
        let book = try ws.tinyBook()
        let a = FakeEngine(), b = FakeEngine()
        try RenderSession.render(book: book, options: options(a, project: ws.path("a"), inFlight: 1), progress: SilentProgress())
        try RenderSession.render(book: book, options: options(b, project: ws.path("b"), inFlight: 6), progress: SilentProgress())
        let sa = try JobStore(layout: ProjectLayout(root: ws.root.appendingPathComponent("a"))).segments()
        let sb = try JobStore(layout: ProjectLayout(root: ws.root.appendingPathComponent("b"))).segments()
        XCTAssertEqual(sa.map(\.key), sb.map(\.key))
        XCTAssertEqual(sa.map(\.audioSha256), sb.map(\.audioSha256))
        XCTAssertTrue(sa.allSatisfy { $0.state == .rendered })
        XCTAssertEqual(TestWorkspace.snapshot(ws.root.appendingPathComponent("a/export")),
                       TestWorkspace.snapshot(ws.root.appendingPathComponent("b/export")))
        XCTAssertEqual(a.generateCount, sa.count, "each segment generated exactly once")
    }

    func testFailedTakeIsRetriedWithNextTakeAndSeed() throws {
        let ws = try TestWorkspace()
        let engine = FakeEngine()
        engine.failures = ["2.2": [1]]
        try RenderSession.render(book: try ws.tinyBook(), options: options(engine, project: ws.path("p")), progress: SilentProgress())
        let seg = try XCTUnwrap(try JobStore(layout: ProjectLayout(root: ws.root.appendingPathComponent("p"))).segment("2.2"))
        XCTAssertEqual(seg.state, .rendered)
        XCTAssertEqual(seg.take, 2)
        XCTAssertEqual(seg.attempts, 2)
        XCTAssertEqual(seg.segmentSeed, SegmentIdentity.seed(bookSeed: 7, contentID: seg.contentID, take: 2))
        XCTAssertEqual(seg.audioPath, ProjectLayout(root: ws.root).segmentRelativePath(id: seg.rowID, take: 2))
    }

    func testSegmentFailingEveryTakeIsRecordedAndTheRunContinues() throws {
        let ws = try TestWorkspace()
        let engine = FakeEngine()
        engine.failures = ["2.2": [1, 2, 3]]
        let opts = options(engine, project: ws.path("p"))
        assertBookvoxError(try RenderSession.render(book: try ws.tinyBook(), options: opts, progress: SilentProgress()),
                           contains: "2.2: segment 2.2: generation failed: injected failure on take 3", exitCode: ExitCodes.failure)
        let store = try JobStore(layout: ProjectLayout(root: ws.root.appendingPathComponent("p")))
        let failed = try XCTUnwrap(try store.segment("2.2"))
        XCTAssertEqual(failed.state, .failed)
        XCTAssertTrue(failed.lastError?.contains("injected failure on take 3") ?? false)
        XCTAssertTrue(try store.segments().filter { $0.key != "2.2" }.allSatisfy { $0.state == .rendered })
        let exported = Set(try FileManager.default.contentsOfDirectory(atPath: ws.path("p/export")))
        XCTAssertTrue(exported.contains("chapter-01.mp3") && exported.contains("chapter-03.mp3"))
        XCTAssertFalse(exported.contains("chapter-02.mp3"))
        XCTAssertEqual(try StatusReport.make(project: store.layout).failed.map(\.key), ["2.2"])

        // Once the cause is gone, resume renders it and exports chapter 2.
        engine.failures = [:]
        let calls = engine.generateCount
        try RenderSession.resume(project: store.layout, options: opts, progress: SilentProgress())
        XCTAssertEqual(engine.generateCount - calls, 1)
        XCTAssertTrue(FileManager.default.fileExists(atPath: ws.path("p/export/chapter-02.mp3")))
    }

    func testCancellationSavesInFlightSegmentsThenResumeFinishes() throws {
        let ws = try TestWorkspace()
        let engine = FakeEngine()
        let cancel = CancellationFlag()
        engine.onGenerate = { _ in if engine.generateCount >= 3 { cancel.cancel() } }
        let opts = options(engine, project: ws.path("p"), inFlight: 2)
        let book = try ws.tinyBook()
        assertBookvoxError(try RenderSession.render(book: book, options: opts, progress: SilentProgress(), cancel: cancel),
                           contains: "interrupted", exitCode: ExitCodes.interrupted)
        let store = try JobStore(layout: ProjectLayout(root: ws.root.appendingPathComponent("p")))
        let saved = try store.segments().filter { $0.state == .rendered }.map(\.key)
        XCTAssertEqual(saved.count, engine.generateCount, "every segment that was generated was also saved")
        XCTAssertLessThan(saved.count, try store.segments().count)

        engine.onGenerate = nil
        let before = engine.generateCalls.count
        try RenderSession.resume(project: store.layout, options: opts, progress: SilentProgress())
        let resumed = Array(engine.generateCalls[before...])
        XCTAssertTrue(Set(resumed).isDisjoint(with: saved), "no saved segment synthesized again")
        XCTAssertEqual(resumed.count + saved.count, try store.segments().count)

        // Same bytes as an uninterrupted render.
        try RenderSession.render(book: book, options: options(FakeEngine(), project: ws.path("q")), progress: SilentProgress())
        XCTAssertEqual(TestWorkspace.snapshot(ws.root.appendingPathComponent("p/export")),
                       TestWorkspace.snapshot(ws.root.appendingPathComponent("q/export")))
    }

    func testDiskFullLeavesSegmentUnrenderedAndResumeRecovers() throws {
        let ws = try TestWorkspace()
        let engine = FakeEngine()
        let writer = DiskFullWriter(allowed: 4)
        let book = try ws.tinyBook()
        let opts = options(engine, project: ws.path("p"), inFlight: 1, writer: writer)
        let error = assertBookvoxError(try RenderSession.render(book: book, options: opts, progress: SilentProgress()),
                                       contains: "No space left on device", exitCode: ExitCodes.failure)
        let store = try JobStore(layout: ProjectLayout(root: ws.root.appendingPathComponent("p")))
        let segments = try store.segments()
        let kept = segments.filter { $0.state == .rendered }
        XCTAssertEqual(kept.map(\.key), Array(segments.prefix(4).map(\.key)), "segments saved before the disk filled are kept")
        let full = segments[4]
        XCTAssertTrue(error?.description.contains("cannot save the audio of segment \(full.key)") ?? false)
        XCTAssertNotEqual(full.state, .rendered)
        XCTAssertNil(full.audioPath)
        XCTAssertTrue(full.lastError?.contains("No space left on device") ?? false, full.lastError ?? "nil")
        XCTAssertEqual(writer.failedPaths.count, 1)
        XCTAssertFalse(FileManager.default.fileExists(atPath: writer.failedPaths[0]))
        XCTAssertEqual(try FileManager.default.subpathsOfDirectory(atPath: ws.path("p/segments"))
            .filter { ($0 as NSString).lastPathComponent.hasPrefix(".tmp") }, [], "no temp file left behind")
        XCTAssertTrue(segments.dropFirst(5).allSatisfy { $0.state == .pending }, "nothing after the failure was started")

        let before = engine.generateCalls.count
        try RenderSession.resume(project: store.layout, options: options(engine, project: ws.path("p")), progress: SilentProgress())
        XCTAssertTrue(Set(engine.generateCalls[before...]).isDisjoint(with: kept.map(\.key)))
        XCTAssertTrue(try store.segments().allSatisfy { $0.state == .rendered })
    }

    func testVoiceWithNonCloningEngineWarnsOnce() throws {
        let ws = try TestWorkspace()
        let engine = FakeEngine(canCloneVoice: false)
        var opts = options(engine, project: ws.path("p"))
        opts.voicePath = Fixtures.data.appendingPathComponent("voices/qwen3_ryan_24k.wav").path
        let progress = SilentProgress()
        try RenderSession.render(book: try ws.tinyBook(), options: opts, progress: progress)
        XCTAssertEqual(progress.warnings.count, 1)
        XCTAssertTrue(progress.warnings[0].contains("cannot clone voices"), progress.warnings[0])
    }

    func testVoiceProfileIsCachedByClipHashAndPartOfTheIdentity() throws {
        let ws = try TestWorkspace()
        let engine = FakeEngine(canCloneVoice: true)
        let clip = Fixtures.data.appendingPathComponent("voices/qwen3_ryan_24k.wav").path
        var opts = options(engine, project: ws.path("p"))
        opts.voicePath = clip
        let book = try ws.tinyBook()
        try RenderSession.render(book: book, options: opts, progress: SilentProgress())
        let ref = try VoiceClip.load(path: clip)
        let layout = ProjectLayout(root: ws.root.appendingPathComponent("p"))
        let url = layout.voiceProfile(sha256: ref.sha256, engine: "fake", modelHash: engine.modelHash)
        let cached = try XCTUnwrap(VoiceProfileCache.load(from: url, engine: "fake", modelHash: engine.modelHash, voiceHash: ref.sha256))
        XCTAssertNil(VoiceProfileCache.load(from: url, engine: "fake", modelHash: "another model", voiceHash: ref.sha256))
        XCTAssertEqual(cached.tensors["speaker"]?.shape, [2, 3])
        XCTAssertEqual(cached.tensors["speaker"]?.array, Array(ref.audio.samples.prefix(6)))
        XCTAssertEqual(cached.metadata, ["kind": "fake"])
        XCTAssertEqual(try JobStore(layout: layout).voice(sha256: ref.sha256)?.profilePath, "voices/\(url.lastPathComponent)")

        // Same clip again: the cached profile is used and nothing is re-synthesized.
        let calls = engine.generateCount
        try RenderSession.render(book: book, options: opts, progress: SilentProgress())
        XCTAssertEqual(engine.prepareCalls, 1)
        XCTAssertEqual(engine.generateCount, calls)

        // Another clip changes every segment's identity.
        opts.voicePath = Fixtures.data.appendingPathComponent("voices/qwen3_serena_24k.wav").path
        let report = try RenderSession.render(book: book, options: opts, progress: SilentProgress())
        XCTAssertEqual(report.reused, 0)
        XCTAssertEqual(engine.generateCount - calls, try JobStore(layout: layout).segments().count)
    }

    /// A profile holds model outputs, so the same clip under another model of the same engine is prepared again
    /// (and the model hash is part of every segment's identity, so the book is synthesized again).
    func testVoiceProfileIsKeyedByModel() throws {
        let ws = try TestWorkspace()
        let clip = Fixtures.data.appendingPathComponent("voices/qwen3_ryan_24k.wav").path
        let book = try ws.tinyBook()
        let first = FakeEngine(canCloneVoice: true, modelHash: "model-a")
        var opts = options(first, project: ws.path("p"))
        opts.voicePath = clip
        try RenderSession.render(book: book, options: opts, progress: SilentProgress())
        XCTAssertEqual(first.prepareCalls, 1)

        let second = FakeEngine(canCloneVoice: true, modelHash: "model-b")
        opts = options(second, project: ws.path("p"))
        opts.voicePath = clip
        let report = try RenderSession.render(book: book, options: opts, progress: SilentProgress())
        XCTAssertEqual(second.prepareCalls, 1, "another model's cached profile must not be reused")
        XCTAssertEqual(report.reused, 0)
        let files = try FileManager.default.contentsOfDirectory(atPath: ws.path("p") + "/voices").sorted()
        XCTAssertEqual(files.count, 2, "\(files)")
        XCTAssertTrue(files[0].hasPrefix("fake-model-a-") && files[1].hasPrefix("fake-model-b-"), "\(files)")
    }
}
