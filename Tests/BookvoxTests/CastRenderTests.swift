// A cast of voices end to end: books without a cast keep their identities, the cast sample (projects/cast) renders with
// espeak in two distinct voices, recasting re-renders only the recast lines, bad casts fail clearly, the scheduler
// batches one voice at a time.
import AudioDSP
import Bookvox
import Foundation
import TestSupport
import XCTest

final class CastRenderTests: XCTestCase {
    static var sampleBook: String { Fixtures.repoRoot.appendingPathComponent("projects/sample/book.md").path }
    static var castBook: String { Fixtures.repoRoot.appendingPathComponent("projects/cast/book.md").path }

    /// The voice of each segment of projects/cast/book.md, in reading order.
    static let castVoices = ["narrator", "narrator", "mara", "narrator", "mara", "narrator", "narrator", "narrator", "narrator",
                             "mara", "mara", "mara", "mara"]

    /// Copies the cast sample (book, mara.wav, ../sample/narrator.wav) into `ws`, so a test can edit it.
    private func copyCastSample(_ ws: TestWorkspace) throws -> String {
        let fm = FileManager.default
        let projects = Fixtures.repoRoot.appendingPathComponent("projects")
        for rel in ["cast/book.md", "cast/mara.wav", "sample/narrator.wav"] {
            try fm.createDirectory(at: ws.root.appendingPathComponent(rel).deletingLastPathComponent(), withIntermediateDirectories: true)
            try fm.copyItem(at: projects.appendingPathComponent(rel), to: ws.root.appendingPathComponent(rel))
        }
        return ws.path("cast/book.md")
    }

    private func edit(_ path: String, _ from: String, _ to: String) throws {
        let text = try String(contentsOfFile: path, encoding: .utf8)
        XCTAssertTrue(text.contains(from), "\(from) not in the book")
        try text.replacingOccurrences(of: from, with: to).write(toFile: path, atomically: true, encoding: .utf8)
    }

    private func espeak(_ project: String) -> RenderOptions { RenderOptions(projectDir: project, engine: "espeak") }

    /// A book without a cast plans and renders exactly as before the cast existed: the plan's JSON and text and the
    /// segments' content ids, cache identities and seeds are those the previous release (commit 40c76d6) computed.
    func testBooksWithoutACastKeepTheirIdentities() throws {
        let report = try PlanReport.make(bookAt: Self.sampleBook)
        XCTAssertEqual(Hashing.sha256Hex(try report.json()), "ac3bdbec0a6acf81da59e2606a0e298738190841d255751d1bc04ef5ec65096c")
        XCTAssertEqual(Hashing.sha256Hex(report.text), "6f0f86398955284741f46dd988ccb757170f903a6e99586f1faa27120ae3484b")
        XCTAssertNil(report.voices)

        let ws = try TestWorkspace()
        var options = espeak(ws.path("p"))
        options.chapters = [1, 3]
        let rendered = try RenderSession.render(book: Self.sampleBook, options: options, progress: SilentProgress())
        let segments = Dictionary(uniqueKeysWithValues: try JobStore(layout: rendered.project).segments().map { ($0.key, $0) })
        let pinned: [(key: String, content: String, cache: String, seed: Int64)] = [
            ("1.0", "9dd643bacfebd819cc2418da89a998fbae89850431ebdac15056ef413963cc8a",
             "e607c7bdada97a5fe140f8517616da1938f30d72d46028fbbe70ad34b3bb6183", 3_599_613_596_806_825_788),
            ("1.4", "df3b0dd53002dd8a5d55493e38f3d4ad41da35a837b0bbe8db92b33d2eb8ae0b",
             "f048dfb6e5d47704e7f5d9c9d2f188f05b1fa231bddfa32105e4e1ee5b073c59", -4_233_047_484_975_669_919),
            ("1.5", "ba39e4fe63b3d2ef58f9ee88ced39133fcb38279b4cf64da768f960447b2fe25",
             "f78c059060f586ea44dae4c2cf4a1e415911342690a4ea9baada3aba640037b8", 9_044_314_649_996_340_651),
            ("3.5", "f8daae61180f19bbac6c97633a4269c6e5f7522656fcbc45f5e0eb835645f626",
             "33f69b93733e0bef7ee925c298914db7974fcd321e749e22e887604da4b37825", -5_727_167_374_240_251_784),
        ]
        for p in pinned {
            let seg = try XCTUnwrap(segments[p.key])
            XCTAssertEqual(seg.contentID, p.content, p.key)
            XCTAssertEqual(seg.cacheIdentity, p.cache, p.key)
            XCTAssertEqual(seg.seed, p.seed, p.key)
            XCTAssertNil(seg.voice, p.key)
        }
    }

    /// The default voice's segments have the identity they would have without a cast; another voice's name is part
    /// of its segments' content id (and so of their seeds).
    func testOnlyTheOtherVoicesEnterTheContentID() throws {
        let plan = try BookPlanner.plan(bookAt: Self.castBook)
        XCTAssertEqual(plan.segments.map(\.voice), Self.castVoices)
        XCTAssertEqual(plan.cast?.defaultVoice, "narrator")
        XCTAssertEqual(plan.cast?.dialogueVoice, "mara")
        XCTAssertEqual(plan.cast?.voice(named: "mara")?.clip,
                       Fixtures.repoRoot.appendingPathComponent("projects/cast/mara.wav").standardizedFileURL.path, "made absolute")
        for seg in plan.segments {
            let expected = seg.voice == "narrator"
                ? SegmentIdentity.contentID(normalizedText: seg.normalizedText, occurrence: seg.occurrence)
                : SegmentIdentity.contentID(normalizedText: seg.normalizedText, occurrence: seg.occurrence, voice: "mara")
            XCTAssertEqual(seg.contentID, expected, seg.key)
        }
        XCTAssertNotEqual(SegmentIdentity.contentID(normalizedText: "Yes.", occurrence: 0, voice: "mara"),
                          SegmentIdentity.contentID(normalizedText: "Yes.", occurrence: 0))
        let report = PlanReport(plan: plan)
        XCTAssertEqual(report.voices?.map(\.name), ["narrator", "mara"])
        XCTAssertEqual(report.voices?.map(\.segments), [7, 6])
        let maraLine = try XCTUnwrap(report.text.split(separator: "\n").first { $0.hasPrefix("  mara ") }, report.text)
        XCTAssertTrue(maraLine.contains(" 6 segments") && maraLine.hasSuffix("espeak en+f3 (dialogue)"), String(maraLine))
        XCTAssertTrue(try report.json().contains("\"voice\" : \"mara\""))
    }

    /// The cast sample renders with espeak: every segment records its voice, and the two voices sound different (the
    /// same sentence in each gives different audio).
    func testCastSampleRendersWithEspeakInTwoVoices() throws {
        let ws = try TestWorkspace()
        let report = try RenderSession.render(book: Self.castBook, options: espeak(ws.path("p")), progress: SilentProgress())
        XCTAssertEqual(report.exportedChapters, [1, 2])
        let store = try JobStore(layout: report.project)
        let segments = try store.segments()
        XCTAssertEqual(segments.map(\.voice), Self.castVoices)
        XCTAssertTrue(segments.allSatisfy { $0.state == .rendered })
        XCTAssertEqual(try store.book()?.storedCast?.names, ["narrator", "mara"])
        XCTAssertEqual(try RenderSession.resume(project: report.project, options: espeak(ws.path("p")),
                                                progress: SilentProgress()).synthesized, 0)

        // One sentence in each voice.
        let book = try ws.write("same/book.md", """
            ---
            title: Same
            voices:
              narrator: { espeak: en-us }
              mara: { espeak: en+f3 }
            ---

            The tide keeps better time than any clock.

            ::: {voice=mara}
            The tide keeps better time than any clock.
            :::
            """)
        let same = try RenderSession.render(book: book, options: espeak(ws.path("same/p")), progress: SilentProgress())
        let pair = try JobStore(layout: same.project).segments()
        XCTAssertEqual(pair.map(\.voice), ["narrator", "mara"])
        XCTAssertEqual(pair[0].normalizedText, pair[1].normalizedText)
        XCTAssertNotEqual(pair[0].audioSha256, pair[1].audioSha256)
        let a = try AudioFile.read(path: same.project.absolute(try XCTUnwrap(pair[0].audioPath)).path)
        let b = try AudioFile.read(path: same.project.absolute(try XCTUnwrap(pair[1].audioPath)).path)
        XCTAssertGreaterThan(a.duration, 1)
        XCTAssertGreaterThan(b.duration, 1)
        let n = min(a.samples.count, b.samples.count)
        let diff = zip(a.samples.prefix(n), b.samples.prefix(n)).map { abs($0 - $1) }.max() ?? 0
        XCTAssertTrue(a.samples.count != b.samples.count || diff > 0.05, "the two voices' audio must differ")
    }

    /// Recasting a voice re-renders only its lines; moving a passage to another voice only that passage's.
    func testRecastingReRendersOnlyThatVoicesLines() throws {
        let ws = try TestWorkspace()
        let book = try copyCastSample(ws)
        let options = espeak(ws.path("p"))
        let first = try RenderSession.render(book: book, options: options, progress: SilentProgress())
        XCTAssertEqual(first.synthesized, 13)
        let store = try JobStore(layout: first.project)
        let before = try store.segments()

        try edit(book, "espeak: en+f3", "espeak: en+f4")
        let recast = try RenderSession.render(book: book, options: options, progress: SilentProgress())
        XCTAssertEqual(recast.synthesized, 6, "mara's six lines")
        let after = try store.segments()
        XCTAssertEqual(after.map(\.id), before.map(\.id))
        for (old, new) in zip(before, after) {
            if new.voice == "mara" {
                XCTAssertNotEqual(old.audioSha256, new.audioSha256, new.key)
                XCTAssertNotEqual(old.cacheIdentity, new.cacheIdentity, new.key)
                XCTAssertEqual(old.seed, new.seed, "same voice name, same seed: \(new.key)")
            } else {
                XCTAssertEqual(old.audioSha256, new.audioSha256, new.key)
                XCTAssertEqual(old.cacheIdentity, new.cacheIdentity, new.key)
            }
        }

        // rerender speaks a segment in its own voice (espeak: the same audio again, the default voice would differ).
        let maraKey = try XCTUnwrap(after.first { $0.voice == "mara" }?.key)
        try RenderSession.rerender(project: first.project, keys: [maraKey], take: nil, options: options, progress: SilentProgress())
        XCTAssertEqual(try store.segment(maraKey)?.take, 2)
        XCTAssertEqual(try store.segment(maraKey)?.audioSha256, after.first { $0.key == maraKey }?.audioSha256)

        try edit(book, "::: {voice=narrator}", "::: {voice=mara}")
        let moved = try RenderSession.render(book: book, options: options, progress: SilentProgress())
        XCTAssertEqual(moved.synthesized, 2, "the passage's two segments")
        let last = try store.segments()
        XCTAssertEqual(last.filter { $0.voice == "mara" }.count, 8)
        let unchanged = Set(after.compactMap(\.audioSha256)).intersection(last.compactMap(\.audioSha256))
        XCTAssertEqual(unchanged.count, 11)
    }

    /// A misspelled voice, a missing clip and a voice the engine cannot speak are clear errors that create nothing.
    func testBadCastsFailClearly() throws {
        let ws = try TestWorkspace()
        let book = try copyCastSample(ws)
        try edit(book, "::: {voice=narrator}", "::: {voice=narator}")
        XCTAssertThrowsError(try RenderSession.render(book: book, options: espeak(ws.path("p")), progress: SilentProgress())) { error in
            XCTAssertTrue("\(error)".contains("book.md:26: there is no voice 'narator' in the cast (voices: narrator, mara)"), "\(error)")
        }
        XCTAssertFalse(FileManager.default.fileExists(atPath: ws.path("p")))
        try edit(book, "::: {voice=narator}", "::: {voice=narrator}")

        try FileManager.default.removeItem(atPath: ws.path("cast/mara.wav"))
        XCTAssertThrowsError(try RenderSession.render(book: book, options: espeak(ws.path("p")), progress: SilentProgress())) { error in
            XCTAssertTrue("\(error)".contains("cast/book.md:12: voice 'mara': its clip"), "\(error)")
            XCTAssertTrue("\(error)".contains("mara.wav does not exist"), "\(error)")
        }
        XCTAssertFalse(FileManager.default.fileExists(atPath: ws.path("p")))

        let neural = try ws.write("neural/book.md", "---\nvoices:\n  liz: { speaker: vivian }\n---\n\n# One {voice=liz}\n\nText.\n")
        XCTAssertThrowsError(try RenderSession.render(book: neural, options: espeak(ws.path("n")), progress: SilentProgress())) { error in
            XCTAssertTrue("\(error)".contains("neural/book.md:3: voice 'liz' gives espeak nothing to speak with"), "\(error)")
        }
    }

    /// A batching engine gets batches of one voice only; the segments' audio is what an unbatched run gives.
    func testSchedulerBatchesOneVoiceAtATime() throws {
        let ws = try TestWorkspace()
        let clip = Fixtures.repoRoot.appendingPathComponent("projects/sample/narrator.wav").path
        let other = Fixtures.repoRoot.appendingPathComponent("projects/cast/mara.wav").path
        let book = try ws.write("book.md", """
            ---
            title: Batches
            voices:
              narrator: { clip: \(clip) }
              mara: { clip: \(other) }
            dialogue: mara
            ---

            # One

            "Where are you going?" she asked. He did not answer her at all. "Come back soon," she called after him.
            The road was long and the rain fell hard. "Wait for me here!" she said. They walked on slowly.

            "I will," he said at last, "if the tide allows it." Then they rested awhile by the old stone wall.
            """)
        func run(_ engine: FakeEngine, _ dir: String) throws -> [SegmentRecord] {
            let opts = RenderOptions(projectDir: ws.path(dir), engine: "fake", limits: SchedulerLimits(maxInFlight: 1),
                                     registry: engine.registry())
            let report = try RenderSession.render(book: book, options: opts, progress: SilentProgress())
            return try JobStore(layout: report.project).segments()
        }
        let single = FakeEngine(canCloneVoice: true)
        let a = try run(single, "a")
        let batching = FakeEngine(canCloneVoice: true)
        batching.preferredBatchSize = 4
        let b = try run(batching, "b")
        XCTAssertEqual(Set(b.compactMap(\.voice)), ["narrator", "mara"])
        XCTAssertEqual(a.map(\.audioSha256), b.map(\.audioSha256))
        XCTAssertEqual(a.map(\.seed), b.map(\.seed))
        XCTAssertEqual(batching.batchSizes.reduce(0, +), b.count)
        XCTAssertLessThan(batching.batchSizes.count, b.count, "segments were batched: \(batching.batchSizes)")
        // Every batch holds segments of the voice whose profile it was given.
        let clipHash = ["narrator": try XCTUnwrap(Hashing.sha256Hex(fileAt: clip)), "mara": try XCTUnwrap(Hashing.sha256Hex(fileAt: other))]
        let voiceOf = Dictionary(uniqueKeysWithValues: b.map { ($0.key, $0.voice ?? "") })
        for (profile, keys) in zip(batching.batchVoices, batching.batchKeys) {
            for key in keys { XCTAssertEqual(clipHash[voiceOf[key] ?? ""], profile, "segment \(key) in a batch of another voice") }
        }
        XCTAssertEqual(Set(batching.batchVoices).count, 2, "both voices' profiles were used")
        // Each voice's profile was prepared once (and cached in voices/).
        XCTAssertEqual(batching.prepareCalls, 2)
        let profiles = try FileManager.default.contentsOfDirectory(atPath: ws.path("b/voices")).filter { $0.hasSuffix(".safetensors") }
        XCTAssertEqual(profiles.count, 2)
    }
}
