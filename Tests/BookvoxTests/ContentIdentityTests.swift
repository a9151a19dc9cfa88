// Content-stable identity: edits elsewhere in the book never re-synthesize a segment, flags follow their
// sentences, and exports of untouched chapters keep their audio (Plan/SegmentIdentity.swift).
import AudioDSP
import Bookvox
import Foundation
import XCTest

final class ContentIdentityTests: XCTestCase {
    private static let one = "Hello there, friend. This is a test."
    private static let two = "The road was long. The rain fell hard. They walked on slowly. Then they rested awhile. Night came at last."
    private static let three = "\"Is it done?\" she asked. It was done."

    private func book(_ ws: TestWorkspace, chapters: [(String, String)]) throws -> String {
        try ws.write("book.md", "---\ntitle: Tiny Book\nauthor: Test Author\nseed: 7\n---\n\n"
            + chapters.map { "# \($0.0)\n\n\($0.1)\n" }.joined(separator: "\n"))
    }

    private func standard(_ ws: TestWorkspace) throws -> String {
        try book(ws, chapters: [("One", Self.one), ("Two", Self.two), ("Three", Self.three)])
    }

    private func fakeRun(_ engine: FakeEngine, _ path: String, _ ws: TestWorkspace, project: String = "p") throws -> (RenderReport, [String]) {
        let before = engine.generateCalls.count
        let opts = RenderOptions(projectDir: ws.path(project), engine: "fake", registry: engine.registry())
        let report = try RenderSession.render(book: path, options: opts, progress: SilentProgress())
        return (report, Array(engine.generateCalls[before...]))
    }

    private func samples(_ project: ProjectLayout, chapter: Int) throws -> [Float] {
        try AudioFile.read(path: project.exportFile(chapter: chapter, of: 3, ext: "flac").path).samples
    }

    func testInsertedSentenceInChapterTwoRendersOnlyItAndFlagsFollow() throws {
        let ws = try TestWorkspace()
        let engine = FakeEngine()
        let (first, _) = try fakeRun(engine, try standard(ws), ws)
        try ProjectCommands.flag(project: first.project, key: "2.4", reason: "too fast")
        let exportsBefore = TestWorkspace.snapshot(first.exportDir)
        let flaggedID = try XCTUnwrap(JobStore(layout: first.project).segment("2.4")).rowID

        let edited = "The road was long. A fox crossed it. The rain fell hard. They walked on slowly. Then they rested awhile. Night came at last."
        let path = try book(ws, chapters: [("One", Self.one), ("Two", edited), ("Three", Self.three)])
        let (report, generated) = try fakeRun(engine, path, ws)
        XCTAssertEqual(generated, ["2.2"], "only the new sentence is synthesized")
        XCTAssertEqual(report.synthesized, 1)
        XCTAssertEqual(report.exportedChapters, [2])
        let store = try JobStore(layout: report.project)
        let moved = try XCTUnwrap(store.segment("2.5"))
        XCTAssertEqual(moved.rowID, flaggedID, "the flagged sentence moved from 2.4 to 2.5 with its row")
        XCTAssertEqual(moved.state, .flagged)
        XCTAssertEqual(moved.flagReason, "too fast")
        XCTAssertEqual(moved.sourceText, "Then they rested awhile.")
        let exportsAfter = TestWorkspace.snapshot(report.exportDir)
        // The book-wide ACX report changes only in the re-exported chapter's entry.
        for name in exportsBefore.keys where !name.hasPrefix("chapter-02.") && name != ACXReport.fileName && !TestWorkspace.isBookFile(name) {
            XCTAssertEqual(exportsAfter[name], exportsBefore[name], "\(name) must keep its bytes")
        }
        XCTAssertNotEqual(exportsAfter["Tiny Book.m4b"], exportsBefore["Tiny Book.m4b"], "the book's M4B is made again")
    }

    func testInsertedParagraphInChapterOneRendersOnlyItsSentences() throws {
        let ws = try TestWorkspace()
        let engine = FakeEngine()
        let (first, _) = try fakeRun(engine, try standard(ws), ws)
        let exportsBefore = TestWorkspace.snapshot(first.exportDir)
        let path = try book(ws, chapters: [("One", "A new paragraph opens. It has two sentences.\n\n" + Self.one),
                                           ("Two", Self.two), ("Three", Self.three)])
        let (report, generated) = try fakeRun(engine, path, ws)
        XCTAssertEqual(generated, ["1.1", "1.2"])
        XCTAssertEqual(report.exportedChapters, [1])
        let exportsAfter = TestWorkspace.snapshot(report.exportDir)
        for name in exportsBefore.keys where !name.hasPrefix("chapter-01.") && name != ACXReport.fileName && !TestWorkspace.isBookFile(name) {
            XCTAssertEqual(exportsAfter[name], exportsBefore[name], "\(name) must keep its bytes")
        }
        XCTAssertNotEqual(exportsAfter["Tiny Book.m4b"], exportsBefore["Tiny Book.m4b"], "the book's M4B is made again")
    }

    func testNewFirstChapterRendersOnlyItAndRemovingItRendersNothing() throws {
        let ws = try TestWorkspace()
        let engine = FakeEngine()
        let (first, _) = try fakeRun(engine, try standard(ws), ws)
        try ProjectCommands.flag(project: first.project, key: "3.1", reason: "odd pause")
        let before = try (1...3).map { try samples(first.project, chapter: $0) }

        let path = try book(ws, chapters: [("Prologue", "It began in winter."), ("One", Self.one), ("Two", Self.two),
                                           ("Three", Self.three)])
        let (report, generated) = try fakeRun(engine, path, ws)
        XCTAssertEqual(generated, ["1.0", "1.1"], "only the prologue's heading and sentence")
        for old in 1...3 {
            XCTAssertEqual(try samples(report.project, chapter: old + 1), before[old - 1],
                           "old chapter \(old) keeps its audio as chapter \(old + 1)")
        }
        let store = try JobStore(layout: report.project)
        XCTAssertEqual(try store.segment("4.1")?.state, .flagged, "the flag follows its sentence to chapter 4")
        XCTAssertEqual(try store.segment("4.1")?.flagReason, "odd pause")

        let (back, again) = try fakeRun(engine, try standard(ws), ws)
        XCTAssertEqual(again, [], "removing the prologue synthesizes nothing")
        XCTAssertEqual(back.synthesized, 0)
        for ch in 1...3 { XCTAssertEqual(try samples(back.project, chapter: ch), before[ch - 1]) }
        XCTAssertFalse(FileManager.default.fileExists(atPath: back.project.exportFile(chapter: 4, of: 3, ext: "mp3").path),
                       "the export of the chapter number that no longer exists is removed")
    }

    func testChaptersThatOnlyMovedKeepTheirExportsByteForByteUnderTheirNewNumbers() throws {
        let ws = try TestWorkspace()
        let engine = FakeEngine()
        let (first, _) = try fakeRun(engine, try standard(ws), ws)
        let original = TestWorkspace.snapshot(first.exportDir)
        let withPrologue = try book(ws, chapters: [("Prologue", "It began in winter."), ("One", Self.one), ("Two", Self.two),
                                                   ("Three", Self.three)])

        let (report, _) = try fakeRun(engine, withPrologue, ws)
        XCTAssertEqual(report.exportedChapters, [1], "only the new chapter is stitched and encoded")
        XCTAssertEqual(report.renumberedChapters, [2, 3, 4], "the others are renamed and re-tagged")
        // A clean render of the edited book in a new project writes the very same files.
        let (clean, _) = try fakeRun(FakeEngine(), withPrologue, ws, project: "clean")
        let edited = TestWorkspace.snapshot(report.exportDir)
        XCTAssertEqual(Set(edited.keys), Set(TestWorkspace.snapshot(clean.exportDir).keys))
        for (name, bytes) in TestWorkspace.snapshot(clean.exportDir) {
            XCTAssertEqual(edited[name], bytes, "\(name) equals a clean render's")
        }
        XCTAssertEqual(try AudioFile.readTags(path: report.project.exportFile(chapter: 2, of: 4, ext: "flac").path)["track"], "2/4")

        // Removing the prologue again: nothing stitched, and every file is back to its original bytes.
        let (back, _) = try fakeRun(engine, try standard(ws), ws)
        XCTAssertEqual(back.exportedChapters, [])
        XCTAssertEqual(back.renumberedChapters, [1, 2, 3])
        XCTAssertEqual(TestWorkspace.snapshot(back.exportDir), original)
        let leftovers = try FileManager.default.contentsOfDirectory(atPath: back.exportDir.path).filter { $0.hasPrefix(".tmp-") }
        XCTAssertEqual(leftovers, [])
        // `export` afterwards finds everything up to date.
        let result = try ProjectCommands.export(project: back.project)
        XCTAssertEqual(result.written, [])
        XCTAssertEqual(result.upToDate, [1, 2, 3])
    }

    func testSwappedChaptersSwapTheirExports() throws {
        let ws = try TestWorkspace()
        let engine = FakeEngine()
        let (first, _) = try fakeRun(engine, try book(ws, chapters: [("One", Self.one), ("Two", Self.two), ("Three", Self.three),
                                                                     ("Four", "A fourth and last chapter.")]), ws)
        XCTAssertEqual(first.exportedChapters, [1, 2, 3, 4])
        let swapped = try book(ws, chapters: [("One", Self.one), ("Three", Self.three), ("Two", Self.two),
                                              ("Four", "A fourth and last chapter.")])
        let (report, generated) = try fakeRun(engine, swapped, ws)
        XCTAssertEqual(generated, [])
        XCTAssertEqual(report.exportedChapters, [])
        XCTAssertEqual(report.renumberedChapters, [2, 3])
        let (clean, _) = try fakeRun(FakeEngine(), swapped, ws, project: "clean")
        XCTAssertEqual(TestWorkspace.snapshot(report.exportDir), TestWorkspace.snapshot(clean.exportDir))
        XCTAssertEqual(try ProjectCommands.export(project: report.project).upToDate, [1, 2, 3, 4])
    }

    func testMovingAndRenamingChaptersRendersNothing() throws {
        let ws = try TestWorkspace()
        let engine = FakeEngine()
        let (first, _) = try fakeRun(engine, try standard(ws), ws)
        let three = try samples(first.project, chapter: 3)
        let path = try book(ws, chapters: [("One", Self.one), ("Three", Self.three), ("Two, renamed", Self.two)])
        let (report, generated) = try fakeRun(engine, path, ws)
        XCTAssertEqual(generated, ["3.0"], "only the renamed heading is new text")
        XCTAssertEqual(try samples(report.project, chapter: 2), three)
    }

    func testRepeatedSentencesGetTheirOwnSeedsAndSurviveInsertionsElsewhere() throws {
        let ws = try TestWorkspace()
        let engine = FakeEngine()
        let repeated = "I do not know. She nodded once. I do not know. He nodded twice."
        let (first, _) = try fakeRun(engine, try book(ws, chapters: [("One", Self.one), ("Two", repeated)]), ws)
        let store = try JobStore(layout: first.project)
        let yes = try store.segments(chapter: 2).filter { $0.normalizedText == (try store.segment("2.1"))?.normalizedText }
        XCTAssertEqual(yes.count, 2)
        XCTAssertEqual(yes.map(\.occurrence), [0, 1])
        XCTAssertNotEqual(yes[0].contentID, yes[1].contentID)
        XCTAssertNotEqual(yes[0].seed, yes[1].seed)

        // The same sentence added to chapter one shifts nothing in chapter two.
        let path = try book(ws, chapters: [("One", "I do not know. " + Self.one), ("Two", repeated)])
        let (_, generated) = try fakeRun(engine, path, ws)
        XCTAssertEqual(generated, ["1.1"])
    }

    func testEspeakInsertedSentenceSynthesizesOnlyIt() throws {
        let ws = try TestWorkspace()
        let opts = RenderOptions(projectDir: ws.path("p"), engine: "espeak")
        let first = try RenderSession.render(book: try standard(ws), options: opts, progress: SilentProgress())
        let total = first.synthesized
        XCTAssertGreaterThan(total, 5)
        let edited = "The road was long. A fox crossed it. The rain fell hard. They walked on slowly. Then they rested awhile. Night came at last."
        let path = try book(ws, chapters: [("Prologue", "It began in winter."), ("One", Self.one), ("Two", edited),
                                           ("Three", Self.three)])
        let report = try RenderSession.render(book: path, options: opts, progress: SilentProgress())
        XCTAssertEqual(report.synthesized, 3, "prologue heading + sentence, and the new sentence of chapter two")
        XCTAssertEqual(report.reused, total)
    }
}
