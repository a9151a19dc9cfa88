// EPUB books through the whole pipeline: `render book.epub` with espeak, `plan` listing the spine documents, and
// the reading options (`--include-front-matter`) remembered by the project for `resume`.
import Bookvox
import Foundation
import TestSupport
import XCTest

final class EPUBRenderTests: XCTestCase {
    private func sampleBook(_ ws: TestWorkspace) throws -> String {
        let url = ws.root.appendingPathComponent("voyage.epub")
        try SampleEPUBs.epub3().write(to: url)
        return url.path
    }

    func testRenderEPUBWithEspeak() throws {
        let ws = try TestWorkspace()
        let book = try sampleBook(ws)
        let r = try CLIProcess.run(["render", book, "--engine", "espeak", "--quiet"])
        XCTAssertEqual(r.status, 0, r.stderr)
        let project = ProjectLayout(root: ws.root.appendingPathComponent("voyage.bookvox"))
        let store = try JobStore(layout: project, readOnly: true)
        let record = try XCTUnwrap(try store.book())
        XCTAssertEqual(record.title, "The Test Voyage")
        XCTAssertEqual(record.author, "Ann Author")
        XCTAssertEqual(record.language, "en-GB")
        XCTAssertEqual(try store.chapters().map(\.title), [
            "Dedication", "Part One", "Chapter 1: Departure", "The Storm", "Chapter 2: Notes & Asides", "Chapter 3",
            "Odd Words",
        ])
        let segments = try store.segments()
        XCTAssertEqual(segments.count, 26, "the segments of BookEPUBTests.testEPUB3Chapters")
        XCTAssertTrue(segments.allSatisfy { $0.state == .rendered }, "\(segments.map(\.state))")
        XCTAssertFalse(segments.contains { $0.sourceText.contains("footnote") || $0.sourceText.contains("Copyright") })
        let exports = try FileManager.default.contentsOfDirectory(atPath: project.exportDir.path)
        XCTAssertEqual(exports.filter { $0.hasSuffix(".mp3") }.sorted(), (1...7).map { "chapter-0\($0).mp3" })
    }

    func testPlanListsDocumentsAndCover() throws {
        let ws = try TestWorkspace()
        let book = try sampleBook(ws)
        let r = try CLIProcess.run(["plan", book])
        XCTAssertEqual(r.status, 0, r.stderr)
        for line in [
            "The Test Voyage — Ann Author [en-GB]",
            "  published: Tiny Press, 2021-03-04",
            "  cover: OEBPS/images/cover.png (image/png, 165 bytes)",
            "Documents in reading order:",
            "  OEBPS/text/rights.xhtml      skipped: copyright page (landmarks) *",
            "  OEBPS/text/ch1.xhtml         chapters 2-4",
            "  OEBPS/text/endnotes.xhtml    skipped: notes (epub:type), no text to read",
            "* not read by default; --include-front-matter reads it (then --chapters picks chapters)",
        ] {
            XCTAssertTrue(r.stdout.components(separatedBy: "\n").contains(line), "missing '\(line)' in:\n\(r.stdout)")
        }
        let included = try CLIProcess.run(["plan", book, "--include-front-matter", "--json"])
        XCTAssertEqual(included.status, 0, included.stderr)
        let report = try JSONDecoder().decode(PlanReport.self, from: Data(included.stdout.utf8))
        XCTAssertEqual(report.chapters.first?.title, "Copyright page")
        XCTAssertEqual(report.documents.first { $0.path == "OEBPS/text/rights.xhtml" }?.chapters, [1])
        XCTAssertEqual(report.cover?.mediaType, "image/png")
    }

    func testIncludedFrontMatterIsRememberedByResume() throws {
        let ws = try TestWorkspace()
        let book = try sampleBook(ws)
        let engine = FakeEngine()
        var opts = RenderOptions(projectDir: ws.path("p"), engine: "fake", registry: engine.registry())
        opts.includeFrontMatter = true
        try RenderSession.render(book: book, options: opts, progress: SilentProgress())
        let project = ProjectLayout(root: ws.root.appendingPathComponent("p"))
        func firstChapterTitle() throws -> String? { try JobStore(layout: project, readOnly: true).chapters().first?.title }
        XCTAssertEqual(try firstChapterTitle(), "Copyright page")
        XCTAssertEqual(try JobStore(layout: project, readOnly: true).book()?.storedReadingOptions.includeSkippedMatter, true)

        let resumed = try RenderSession.resume(project: project, options: RenderOptions(registry: engine.registry()),
                                               progress: SilentProgress())
        XCTAssertEqual(resumed.synthesized, 0, "resume planned the same text")
        XCTAssertEqual(try firstChapterTitle(), "Copyright page")

        var off = RenderOptions(projectDir: ws.path("p"), registry: engine.registry())
        off.includeFrontMatter = false
        try RenderSession.render(book: book, options: off, progress: SilentProgress())
        XCTAssertEqual(try firstChapterTitle(), "Dedication")
        XCTAssertEqual(try JobStore(layout: project, readOnly: true).book()?.readingOptions, nil)
    }
}
