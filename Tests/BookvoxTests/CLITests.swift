// The executable: exit codes, messages, and kill -9 during a render followed by resume.
import Bookvox
import Foundation
import XCTest
#if canImport(Glibc)
import Glibc
#endif

final class CLITests: XCTestCase {
    func testUsageAndBadInputExitCodes() throws {
        let ws = try TestWorkspace()
        let usage = try CLIProcess.run(["render"])
        XCTAssertEqual(usage.status, ExitCodes.usage, usage.stderr)
        let missing = try CLIProcess.run(["plan", ws.path("missing.md")])
        XCTAssertEqual(missing.status, ExitCodes.badInput)
        XCTAssertTrue(missing.stderr.contains("error: \(ws.path("missing.md")): book file not found"), missing.stderr)
        let noProject = try CLIProcess.run(["status"], cwd: ws.root)
        XCTAssertEqual(noProject.status, ExitCodes.badInput)
        XCTAssertTrue(noProject.stderr.contains("no bookvox project in"), noProject.stderr)
    }

    func testSecondProcessGetsAlreadyRendering() throws {
        let ws = try TestWorkspace()
        let book = try ws.tinyBook()
        let first = try CLIProcess.run(["render", book, "--engine", "espeak", "--quiet"])
        XCTAssertEqual(first.status, 0, first.stderr)
        let layout = ProjectLayout(root: ws.root.appendingPathComponent("book.bookvox"))
        let lock = try ProjectLock(layout: layout)
        defer { lock.release() }
        let second = try CLIProcess.run(["resume", layout.root.path])
        XCTAssertEqual(second.status, ExitCodes.locked)
        XCTAssertTrue(second.stderr.contains("already rendering (pid \(getpid()))"), second.stderr)
        let status = try CLIProcess.run(["status", "--json"], cwd: ws.root)
        XCTAssertEqual(status.status, 0, "status reads while a render holds the lock")
        let report = try JSONDecoder().decode(StatusReport.self, from: Data(status.stdout.utf8))
        XCTAssertEqual(report.done, report.total)
    }

    private func longBook(_ ws: TestWorkspace) throws -> String {
        let sentences = (1...8).map { "Sentence number \($0) of this chapter is here to take a little time." }
        let chapters = (1...3).map { "# Part \($0)\n\n" + sentences.joined(separator: " ") }.joined(separator: "\n\n")
        return try ws.write("long.md", "---\ntitle: Long\nseed: 11\n---\n\n" + chapters + "\n")
    }

    /// Starts `bookvox render` and sends `signal` once `count` segments are saved.
    private func renderAndSignal(_ book: String, project: ProjectLayout, signal: Int32, after count: Int) throws -> Process {
        let (proc, _, err) = try CLIProcess.launch(["render", book, "--engine", "espeak", "--quiet"])
        var watcher: JobStore?
        let deadline = Date().addingTimeInterval(60)
        while proc.isRunning, Date() < deadline {
            if watcher == nil, FileManager.default.fileExists(atPath: project.database.path) {
                watcher = try? JobStore(layout: project, readOnly: true)
            }
            if let rows = try? watcher?.segments(), rows.filter({ $0.state == .rendered }).count >= count {
                kill(proc.processIdentifier, signal)
                break
            }
            usleep(5_000)
        }
        proc.waitUntilExit()
        lastStderr = String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        return proc
    }

    private var lastStderr = ""

    func testSigintStopsAfterSavingInFlightSegments() throws {
        let ws = try TestWorkspace()
        let project = ProjectLayout(root: ws.root.appendingPathComponent("long.bookvox"))
        let proc = try renderAndSignal(try longBook(ws), project: project, signal: SIGINT, after: 3)
        XCTAssertEqual(proc.terminationReason, .exit, "the render finished before it could be interrupted")
        XCTAssertEqual(proc.terminationStatus, ExitCodes.interrupted, lastStderr)
        XCTAssertTrue(lastStderr.contains("interrupted:"), lastStderr)
        let store = try JobStore(layout: project)
        XCTAssertEqual(try store.verify().requeued, [], "every recorded segment file verifies")
        XCTAssertEqual(try store.runs().last?.status, "interrupted")
        XCTAssertFalse(try store.segments().contains { $0.state == .generated }, "in-flight segments were saved")
    }

    /// kill -9 in the middle of a render, then `resume`: saved segments are not synthesized again
    /// (their files keep inode and mtime) and the exports equal an uninterrupted render's bytes.
    func testKillNineThenResumeMatchesUninterruptedRender() throws {
        let ws = try TestWorkspace()
        let book = try longBook(ws)
        let project = ProjectLayout(root: ws.root.appendingPathComponent("long.bookvox"))
        let proc = try renderAndSignal(book, project: project, signal: SIGKILL, after: 5)
        XCTAssertEqual(proc.terminationReason, .uncaughtSignal, "the render finished before it could be killed: \(lastStderr)")
        XCTAssertEqual(proc.terminationStatus, SIGKILL)

        let store = try JobStore(layout: project)
        let saved = try store.segments().filter { $0.state == .rendered }
        XCTAssertGreaterThanOrEqual(saved.count, 5)
        XCTAssertLessThan(saved.count, try store.segments().count)
        let identities = Dictionary(uniqueKeysWithValues: saved.map { seg in
            (seg.key, TestWorkspace.identity(project.absolute(seg.audioPath!).path).map { "\($0.ino)/\($0.mtime)" })
        })

        let status = try CLIProcess.run(["status", "--project", project.root.path])
        XCTAssertEqual(status.status, 0, status.stderr)
        XCTAssertTrue(status.stdout.contains("pid \(proc.processIdentifier)") && status.stdout.contains("did not finish"),
                      status.stdout)

        let resume = try CLIProcess.run(["resume", project.root.path])
        XCTAssertEqual(resume.status, 0, resume.stderr)
        XCTAssertTrue(resume.stderr.contains("rendering \(try store.segments().count - saved.count) of"), resume.stderr)
        for seg in saved {
            let now = TestWorkspace.identity(project.absolute(seg.audioPath!).path).map { "\($0.ino)/\($0.mtime)" }
            XCTAssertEqual(now, identities[seg.key] ?? nil, "segment \(seg.key) was synthesized again")
            XCTAssertEqual(try store.segment(seg.key)?.audioSha256, seg.audioSha256)
        }

        let fresh = try CLIProcess.run(["render", book, "--engine", "espeak", "--quiet", "--project", ws.path("fresh")])
        XCTAssertEqual(fresh.status, 0, fresh.stderr)
        let resumed = TestWorkspace.snapshot(project.exportDir)
        XCTAssertEqual(resumed.count, 19, "3 chapters × mp3, flac, srt, vtt, timings + the ACX report + the book's m4b, srt, vtt")
        XCTAssertEqual(resumed, TestWorkspace.snapshot(ws.root.appendingPathComponent("fresh/export")))
    }
}
