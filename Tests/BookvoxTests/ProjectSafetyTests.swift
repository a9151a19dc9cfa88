// Nothing a user already paid for is destroyed or silently corrupted: another book is never rendered
// into a project, a failed first render leaves no project behind, damaged segment and export files are
// detected and repaired, and `status` says what failed and what to do.
import AudioDSP
import Bookvox
import Foundation
import GRDB
import XCTest

final class ProjectSafetyTests: XCTestCase {
    private func fakeOptions(_ engine: FakeEngine, _ ws: TestWorkspace, writer: FileWriting = AtomicFileWriter()) -> RenderOptions {
        RenderOptions(projectDir: ws.path("p"), engine: "fake", writer: writer, registry: engine.registry())
    }

    /// Export and segment files plus the store's view of the segments: what a user would lose.
    private func work(_ project: ProjectLayout) throws -> [String: Data] {
        var files = TestWorkspace.snapshot(project.exportDir)
        for (k, v) in TestWorkspace.snapshot(project.segmentsDir) { files["segments/" + k] = v }
        let rows = try JobStore(layout: project, readOnly: true).segments()
            .map { "\($0.key) \($0.state) \($0.take) \($0.audioSha256 ?? "-") \($0.sourceText)" }
        files["rows"] = Data(rows.joined(separator: "\n").utf8)
        return files
    }

    func testAnotherBookIsRefusedAndTheProjectIsUntouchedUnlessReplaceIsGiven() throws {
        let ws = try TestWorkspace()
        let engine = FakeEngine()
        let a = try ws.tinyBook("a.md")
        let first = try RenderSession.render(book: a, options: fakeOptions(engine, ws), progress: SilentProgress())
        let before = try work(first.project)
        let b = try ws.write("b.md", "---\ntitle: Other Book\n---\n\n# Only\n\nA different story begins here.\n")
        let error = assertBookvoxError(try RenderSession.render(book: b, options: fakeOptions(engine, ws), progress: SilentProgress()),
                                       contains: "belongs to the book \(URL(fileURLWithPath: a).standardizedFileURL.path)",
                                       exitCode: ExitCodes.badInput)
        XCTAssertTrue(error?.description.contains(URL(fileURLWithPath: b).standardizedFileURL.path) ?? false)
        XCTAssertTrue(error?.description.contains("--replace-project") ?? false)
        XCTAssertEqual(try work(first.project), before, "book A's project is untouched")

        var replace = fakeOptions(engine, ws)
        replace.replaceProject = true
        let report = try RenderSession.render(book: b, options: replace, progress: SilentProgress())
        XCTAssertEqual(try JobStore(layout: report.project).book()?.title, "Other Book")
        XCTAssertEqual(try JobStore(layout: report.project).chapters().map(\.title), ["Only"])
    }

    /// A stored setting that cannot be read (a damaged database) stops render, resume and rerender with the reason
    /// before anything changes, instead of rendering with defaults (another voice, another pace).
    func testUnreadableStoredSettingsStopTheRenderAndChangeNothing() throws {
        let ws = try TestWorkspace()
        let engine = FakeEngine()
        let book = try ws.tinyBook("a.md")
        let first = try RenderSession.render(book: book, options: fakeOptions(engine, ws), progress: SilentProgress())
        let before = try work(first.project)
        for column in ["pace", "cast", "readingOptions", "engineSettings"] {
            let db = try DatabaseQueue(path: first.project.database.path)
            let saved = try db.read { try String.fetchOne($0, sql: "SELECT \"\(column)\" FROM book") }
            try db.write { try $0.execute(sql: "UPDATE book SET \"\(column)\" = '{\"broken\": '") }
            let what = ["pace": "pace", "cast": "cast of voices", "readingOptions": "reading options",
                        "engineSettings": "engine settings"][column]!
            assertBookvoxError(try RenderSession.render(book: book, options: fakeOptions(engine, ws), progress: SilentProgress()),
                               contains: "stored \(what) cannot be read", exitCode: ExitCodes.failure)
            assertBookvoxError(try RenderSession.resume(project: first.project, options: fakeOptions(engine, ws), progress: SilentProgress()),
                               contains: "stored \(what) cannot be read", exitCode: ExitCodes.failure)
            assertBookvoxError(try RenderSession.rerender(project: first.project, keys: ["1.1"], take: nil, options: fakeOptions(engine, ws),
                                                          progress: SilentProgress()),
                               contains: "stored \(what) cannot be read", exitCode: ExitCodes.failure)
            XCTAssertEqual(try work(first.project), before, "\(column): nothing changed")
            try db.write { try $0.execute(sql: "UPDATE book SET \"\(column)\" = ?", arguments: [saved]) }
        }
        let again = try RenderSession.render(book: book, options: fakeOptions(engine, ws), progress: SilentProgress())
        XCTAssertEqual(again.synthesized, 0)
    }

    func testSameStemBooksInOneDirectoryDoNotShareAProject() throws {
        let ws = try TestWorkspace()
        let md = try ws.tinyBook("story.md")
        try RenderSession.render(book: md, options: RenderOptions(engine: "espeak"), progress: SilentProgress())
        let txt = try ws.write("story.txt", "A plain text story that is another book.\n")
        assertBookvoxError(try RenderSession.render(book: txt, options: RenderOptions(engine: "espeak"), progress: SilentProgress()),
                           contains: "belongs to the book", exitCode: ExitCodes.badInput)
    }

    func testFailedFirstRenderLeavesNoProjectBehind() throws {
        let ws = try TestWorkspace()
        let book = try ws.tinyBook()
        let project = ws.root.appendingPathComponent("book.bookvox").path
        assertBookvoxError(try RenderSession.render(book: book, options: RenderOptions(engine: "nope"), progress: SilentProgress()),
                           contains: "unknown engine 'nope'", exitCode: ExitCodes.badInput)
        XCTAssertFalse(FileManager.default.fileExists(atPath: project))

        let bogus = try ws.write("bogus.md", "---\ntitle: T\nlanguage: xx-nothing\n---\n\n# One\n\nHello there, my friend.\n")
        assertBookvoxError(try RenderSession.render(book: bogus, options: RenderOptions(engine: "espeak"), progress: SilentProgress()),
                           contains: "no voice for language 'xx-nothing'", exitCode: ExitCodes.badInput)
        XCTAssertFalse(FileManager.default.fileExists(atPath: ws.path("bogus.bookvox")))

        let malformed = try ws.write("malformed.md", "---\ntitle: T\nlanguage: english please\n---\n\n# One\n\nHello there.\n")
        assertBookvoxError(try PlanReport.make(bookAt: malformed), contains: "is not a language code", exitCode: ExitCodes.badInput)

        let silent = ws.path("silent.wav")
        try AudioFile.write(AudioBuffer(samples: [Float](repeating: 0, count: 48_000), sampleRate: 16_000), to: silent, format: .wav16)
        assertBookvoxError(try RenderSession.render(book: book, options: RenderOptions(engine: "espeak", voicePath: silent),
                                                    progress: SilentProgress()),
                           contains: "silent or nearly silent", exitCode: ExitCodes.badInput)
        XCTAssertFalse(FileManager.default.fileExists(atPath: project))

        // A segment that cannot be saved on the very first run: nothing was saved, so nothing is left.
        let engine = FakeEngine()
        var full = RenderOptions(engine: "fake", writer: DiskFullWriter(allowed: 0), registry: engine.registry())
        full.limits = SchedulerLimits(maxInFlight: 1)
        assertBookvoxError(try RenderSession.render(book: book, options: full, progress: SilentProgress()),
                           contains: "No space left on device", exitCode: ExitCodes.failure)
        XCTAssertFalse(FileManager.default.fileExists(atPath: project))
    }

    func testAStopWhileExportingStartsNoFurtherChapterAndResumeFinishes() throws {
        let ws = try TestWorkspace()
        let engine = FakeEngine()
        let clean = try RenderSession.render(book: try ws.tinyBook(), options: fakeOptions(engine, ws), progress: SilentProgress())
        let cleanExports = TestWorkspace.snapshot(clean.exportDir)
        try FileManager.default.removeItem(at: clean.exportDir)
        // Every segment is saved; only the exports are left when the stop arrives (Ctrl-C).
        let stopped = CancellationFlag()
        stopped.cancel()
        let e = assertBookvoxError(try RenderSession.resume(project: clean.project, options: fakeOptions(engine, ws),
                                                            progress: SilentProgress(), cancel: stopped),
                                   contains: "interrupted while exporting", exitCode: 130)
        XCTAssertNotNil(e)
        let left = (try? FileManager.default.contentsOfDirectory(atPath: clean.exportDir.path)) ?? []
        XCTAssertEqual(left.filter { $0.hasPrefix("chapter-") }, [], "no chapter export started after the stop")
        let resumed = try RenderSession.resume(project: clean.project, options: fakeOptions(engine, ws), progress: SilentProgress())
        XCTAssertEqual(resumed.synthesized, 0)
        XCTAssertEqual(TestWorkspace.snapshot(resumed.exportDir), cleanExports)
    }

    func testDamagedSegmentsAndExportsAreDetectedRepairedAndMatchACleanRender() throws {
        let ws = try TestWorkspace()
        let engine = FakeEngine()
        let book = try ws.tinyBook()
        let clean = try RenderSession.render(book: book, options: fakeOptions(engine, ws), progress: SilentProgress())
        let cleanExports = TestWorkspace.snapshot(clean.exportDir)
        let store = try JobStore(layout: clean.project)
        let layout = clean.project
        let corrupt = try XCTUnwrap(store.segment("1.1")), deleted = try XCTUnwrap(store.segment("2.3")),
            truncated = try XCTUnwrap(store.segment("3.1"))
        var bytes = try Data(contentsOf: layout.absolute(corrupt.audioPath!))
        bytes[bytes.count - 10] ^= 0xFF
        try bytes.write(to: layout.absolute(corrupt.audioPath!))
        try FileManager.default.removeItem(at: layout.absolute(deleted.audioPath!))
        let t = try Data(contentsOf: layout.absolute(truncated.audioPath!))
        try t.prefix(t.count / 2).write(to: layout.absolute(truncated.audioPath!))
        let leftover = layout.exportDir.appendingPathComponent(".tmp-4242-77-chapter-01.mp3")
        try Data("half an export".utf8).write(to: leftover)

        assertBookvoxError(try ProjectCommands.export(project: layout), contains: "were missing or damaged: 1.1, 2.3, 3.1",
                           exitCode: ExitCodes.failure)
        XCTAssertFalse(FileManager.default.fileExists(atPath: leftover.path), "temp files of a killed export are removed")
        XCTAssertEqual(Set(try store.pendingSegments().map(\.key)), ["1.1", "2.3", "3.1"], "re-queued, not stitched")
        let status = try StatusReport.make(project: layout)
        XCTAssertEqual(status.lastFailure?.kind, .audioUnverified)
        XCTAssertTrue(status.text.contains("what to do: run `bookvox resume`"), status.text)

        let generated = engine.generateCalls.count, rendered = engine.renderCalls.count
        let report = try RenderSession.resume(project: layout, options: fakeOptions(engine, ws), progress: SilentProgress())
        XCTAssertEqual(engine.generateCalls.count, generated, "their stored codes verified, so only the render stage runs")
        XCTAssertEqual(Set(engine.renderCalls[rendered...]), ["1.1", "2.3", "3.1"])
        XCTAssertEqual(report.synthesized, 3)
        XCTAssertEqual(TestWorkspace.snapshot(layout.exportDir), cleanExports, "the same bytes as the clean render")
        XCTAssertNil(try StatusReport.make(project: layout).lastFailure, "a successful run clears the failure")

        // A truncated export is found and rewritten by resume and by export, without synthesis.
        for repair in ["resume", "export"] {
            let mp3 = layout.exportFile(chapter: 2, of: 3, ext: "mp3")
            let full = try Data(contentsOf: mp3)
            try full.prefix(full.count / 3).write(to: mp3)
            let before = engine.generateCalls.count
            if repair == "resume" {
                let r = try RenderSession.resume(project: layout, options: fakeOptions(engine, ws), progress: SilentProgress())
                XCTAssertEqual(r.exportedChapters, [2])
            } else {
                let r = try ProjectCommands.export(project: layout)
                XCTAssertEqual(r.written, [2])
                XCTAssertEqual(r.upToDate, [1, 3])
            }
            XCTAssertEqual(engine.generateCalls.count, before)
            XCTAssertEqual(TestWorkspace.snapshot(layout.exportDir), cleanExports, repair)
        }
    }

    func testStatusShowsDiskFullUntilAResumeSucceeds() throws {
        let ws = try TestWorkspace()
        let engine = FakeEngine()
        let book = try ws.tinyBook()
        var opts = fakeOptions(engine, ws, writer: DiskFullWriter(allowed: 3))
        opts.limits = SchedulerLimits(maxInFlight: 1)
        assertBookvoxError(try RenderSession.render(book: book, options: opts, progress: SilentProgress()),
                           contains: "No space left on device", exitCode: ExitCodes.failure)
        let layout = ProjectLayout(root: ws.root.appendingPathComponent("p"))
        let status = try StatusReport.make(project: layout)
        XCTAssertEqual(status.lastFailure?.kind, .diskFull)
        XCTAssertTrue(status.text.contains("free disk space, then `bookvox resume`"), status.text)
        XCTAssertTrue(try status.json().contains("\"disk-full\""))
        try RenderSession.resume(project: layout, options: fakeOptions(engine, ws), progress: SilentProgress())
        XCTAssertNil(try StatusReport.make(project: layout).lastFailure)
    }

    /// A real "database or disk is full" from SQLite (a connection capped at its current size) reaches the
    /// user as a message that says what to do.
    func testFullJobStoreSaysFreeDiskSpace() throws {
        let ws = try TestWorkspace()
        let queue = try DatabaseQueue(path: ws.path("full.sqlite"))
        try queue.write { db in try db.execute(sql: "CREATE TABLE t (x BLOB)") }
        var caught: Error?
        do {
            try queue.write { db in
                let pages = try Int.fetchOne(db, sql: "PRAGMA page_count") ?? 1
                try db.execute(sql: "PRAGMA max_page_count = \(pages)")
                try db.execute(sql: "INSERT INTO t VALUES (zeroblob(1000000))")
            }
        } catch { caught = error }
        let error = try XCTUnwrap(caught)
        XCTAssertEqual((error as? DatabaseError)?.resultCode, .SQLITE_FULL)
        let mapped = BookvoxError.from(error)
        XCTAssertTrue(mapped.description.contains("the disk holding the project is full"), mapped.description)
        XCTAssertTrue(mapped.description.contains("bookvox resume"))
        XCTAssertTrue(mapped.isDiskFull)
        XCTAssertEqual(ProjectFailure.from(error, command: "render").kind, .diskFull)
        XCTAssertEqual(BookvoxError.mapped(error)?.exitCode, ExitCodes.failure)
    }
}
