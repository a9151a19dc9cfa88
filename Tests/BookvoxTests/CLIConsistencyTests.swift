// The command line behaves the same everywhere: every project command takes [PROJECT] or --project,
// --version, remembered export settings, rerender progress, tags, export names, plan --json, and espeak
// leaves the sound server alone.
import AudioDSP
import Bookvox
import Foundation
import XCTest

final class CLIConsistencyTests: XCTestCase {
    func testVersion() throws {
        let r = try CLIProcess.run(["--version"])
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertEqual(r.stdout.trimmingCharacters(in: .whitespacesAndNewlines), "bookvox \(BookvoxVersion.string)")
    }

    /// OpenBLAS falls back to generic SSE3 kernels on CPUs newer than it; bookvox asks for the CPU's own set
    /// instead, and a user's OPENBLAS_CORETYPE always wins.
    func testOpenBLASRunsTheCPUsKernelsNotTheGenericOnes() throws {
        var env = ProcessInfo.processInfo.environment
        env["OPENBLAS_CORETYPE"] = nil
        env["BOOKVOX_OPENBLAS_CORETYPE"] = nil
        let detected = try CLIProcess.run(["dev", "blas"], environment: env)
        XCTAssertEqual(detected.status, 0, detected.stderr)
        let flags = (try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8)) ?? ""
        if flags.contains(" avx2") && flags.contains(" fma") {
            XCTAssertFalse(["Prescott", "Core2", "Nehalem"].contains { detected.stdout.hasPrefix($0) }, detected.stdout)
        }
        env["OPENBLAS_CORETYPE"] = "Haswell"
        let pinned = try CLIProcess.run(["dev", "blas"], environment: env)
        XCTAssertEqual(pinned.stdout.trimmingCharacters(in: .whitespacesAndNewlines), "Haswell (OPENBLAS_CORETYPE=Haswell)")
    }

    func testEveryProjectCommandTakesAPositionalProjectOrProjectOption() throws {
        let ws = try TestWorkspace()
        let book = try ws.tinyBook()
        let render = try CLIProcess.run(["render", book, "--engine", "espeak", "--quiet"])
        XCTAssertEqual(render.status, 0, render.stderr)
        let p = ws.path("book.bookvox")
        let elsewhere = FileManager.default.temporaryDirectory
        for args in [["status", p], ["status", "--project", p],
                     ["resume", p, "--quiet"], ["resume", "--project", p, "--quiet"],
                     ["export", p], ["export", "--project", p],
                     ["flag", p, "1.1", "--reason", "r"], ["flag", "1.2", "--project", p],
                     ["rerender", p, "1.1", "--quiet"], ["rerender", "1.2", "--project", p, "--quiet"]] {
            let r = try CLIProcess.run(args, cwd: elsewhere)
            XCTAssertEqual(r.status, 0, "\(args): \(r.stderr)")
        }
        let both = try CLIProcess.run(["status", p, "--project", ws.path("other.bookvox")])
        XCTAssertEqual(both.status, ExitCodes.usage, both.stderr)
        XCTAssertTrue(both.stderr.contains("two projects given"), both.stderr)
        let twoProjects = try CLIProcess.run(["rerender", p, ws.path("x"), "1.1"])
        XCTAssertEqual(twoProjects.status, ExitCodes.usage, twoProjects.stderr)
    }

    func testExportSettingsAreRememberedByLaterRuns() throws {
        let ws = try TestWorkspace()
        let engine = FakeEngine()
        let opts = RenderOptions(projectDir: ws.path("p"), engine: "fake", registry: engine.registry())
        let book = try ws.tinyBook()
        let first = try RenderSession.render(book: book, options: opts, progress: SilentProgress())
        let at192 = try Data(contentsOf: first.project.exportFile(chapter: 1, of: 3, ext: "mp3"))
        try ProjectCommands.export(project: first.project, changes: ExportChanges(bitrateKbps: 96, formats: [.mp3, .flac, .wav]))
        let at96 = try Data(contentsOf: first.project.exportFile(chapter: 1, of: 3, ext: "mp3"))
        XCTAssertLessThan(at96.count, at192.count * 3 / 4)

        let again = try RenderSession.render(book: book, options: opts, progress: SilentProgress())
        XCTAssertEqual(again.exportedChapters, [], "render keeps the remembered bitrate and formats: nothing to rewrite")
        XCTAssertEqual(try Data(contentsOf: first.project.exportFile(chapter: 1, of: 3, ext: "mp3")), at96)
        let stored = try XCTUnwrap(JobStore(layout: first.project).book()).storedExportSettings
        XCTAssertEqual(stored, ExportSettings(formats: [.mp3, .flac, .wav], bitrateKbps: 96))

        var back = opts
        back.exportChanges = ExportChanges(bitrateKbps: 192)
        let third = try RenderSession.render(book: book, options: back, progress: SilentProgress())
        XCTAssertEqual(third.exportedChapters, [1, 2, 3])
        XCTAssertEqual(try Data(contentsOf: first.project.exportFile(chapter: 1, of: 3, ext: "mp3")), at192)
    }

    func testRerenderCountsOnlyWhatItRerenders() throws {
        let ws = try TestWorkspace()
        let engine = FakeEngine()
        let opts = RenderOptions(projectDir: ws.path("p"), engine: "fake", registry: engine.registry())
        let report = try RenderSession.render(book: try ws.tinyBook(), options: opts, progress: SilentProgress())
        let progress = RecordingProgress()
        try RenderSession.rerender(project: report.project, keys: ["2.3"], take: nil, options: opts, progress: progress)
        XCTAssertEqual(progress.begins.count, 1)
        XCTAssertEqual(progress.begins.first?.total, 1)
        XCTAssertEqual(progress.begins.first?.alreadyDone, 0)
    }

    func testFlacMastersCarryCleanTags() throws {
        let ws = try TestWorkspace()
        let engine = FakeEngine()
        let book = try ws.write("b.md", "---\ntitle: \"Tiny\\u202E Book\\a\"\nauthor: Test Author\n---\n\n# One\u{200F}\n\nHello there, friend.\n\n# Two\n\nGoodbye now, friend.\n")
        let opts = RenderOptions(projectDir: ws.path("p"), engine: "fake", registry: engine.registry())
        let report = try RenderSession.render(book: book, options: opts, progress: SilentProgress())
        let tags = try AudioFile.readTags(path: report.project.exportFile(chapter: 2, of: 2, ext: "flac").path)
        XCTAssertEqual(tags["title"], "Two")
        XCTAssertEqual(tags["album"], "Tiny Book")
        XCTAssertEqual(tags["artist"], "Test Author")
        XCTAssertEqual(tags["track"], "2/2")
        let one = try AudioFile.readTags(path: report.project.exportFile(chapter: 1, of: 2, ext: "flac").path)
        XCTAssertEqual(one["title"], "One", "bidi marks are not written into tags")
    }

    func testExportNamesArePaddedToTheChapterCount() {
        XCTAssertEqual(ProjectLayout.exportBaseName(chapter: 7, of: 9), "chapter-07")
        XCTAssertEqual(ProjectLayout.exportBaseName(chapter: 11, of: 99), "chapter-11")
        XCTAssertEqual(ProjectLayout.exportBaseName(chapter: 5, of: 120), "chapter-005")
        XCTAssertEqual(ProjectLayout.exportBaseName(chapter: 100, of: 120), "chapter-100")
        XCTAssertEqual(ProjectLayout.exportBaseName(chapter: 12, of: 1200), "chapter-0012")
        let names = (1...120).map { ProjectLayout.exportBaseName(chapter: $0, of: 120) }
        XCTAssertEqual(names, names.sorted(), "file names sort in reading order")
    }

    func testPlanJSONListsEverySegment() throws {
        let ws = try TestWorkspace()
        let r = try CLIProcess.run(["plan", try ws.tinyBook(), "--json"])
        XCTAssertEqual(r.status, 0, r.stderr)
        let report = try JSONDecoder().decode(PlanReport.self, from: Data(r.stdout.utf8))
        XCTAssertEqual(report.segmentList.count, report.segments)
        XCTAssertEqual(report.segmentList.map(\.key).prefix(3), ["1.0", "1.1", "1.2"])
        let second = report.segmentList[2]
        XCTAssertEqual(second.sourceText, "This is a test.")
        XCTAssertEqual(second.boundary, "chapter")
        XCTAssertFalse(second.normalizedText.isEmpty)
    }

    /// With PULSE_SERVER pointing at a local listener, an espeak render must never connect to it.
    func testEspeakNeverTouchesTheSoundServer() throws {
        let listener = try LoopbackListener()
        let ws = try TestWorkspace()
        var env = ProcessInfo.processInfo.environment
        env["PULSE_SERVER"] = "tcp:127.0.0.1:\(listener.port)"
        let r = try CLIProcess.run(["render", try ws.tinyBook(), "--engine", "espeak", "--quiet"], environment: env)
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertEqual(listener.acceptedConnections(), 0, "espeak connected to the sound server")
        XCTAssertFalse(r.stderr.lowercased().contains("pulse"), r.stderr)
    }
}

/// Records what a run reports.
final class RecordingProgress: RenderProgress, @unchecked Sendable {
    private let lock = NSLock()
    private(set) var begins: [(total: Int, alreadyDone: Int)] = []
    func begin(total: Int, alreadyDone: Int) { lock.lock(); begins.append((total, alreadyDone)); lock.unlock() }
    func segmentSaved(key: String, done: Int, total: Int) {}
    func chapterExported(_ chapter: Int, files: [String]) {}
    func warning(_ message: String) {}
    func note(_ message: String) {}
    func finish() {}
}

/// A TCP socket listening on 127.0.0.1 (ephemeral port) that counts pending connections without accepting.
final class LoopbackListener {
    let fd: Int32
    let port: UInt16

    init() throws {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        self.fd = fd
        var addr = sockaddr_in()
        addr.sin_family = sa_family_t(AF_INET)
        addr.sin_addr.s_addr = inet_addr("127.0.0.1")
        addr.sin_port = 0
        let bound = withUnsafePointer(to: &addr) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard bound == 0, listen(fd, 16) == 0 else {
            close(fd)
            throw NSError(domain: "LoopbackListener", code: Int(errno))
        }
        var len = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &addr) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &len) }
        }
        self.port = UInt16(bigEndian: addr.sin_port)
        _ = fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK)
    }

    deinit { close(fd) }

    /// Connections that reached the listener so far.
    func acceptedConnections() -> Int {
        var n = 0
        while true {
            let c = accept(fd, nil, nil)
            if c < 0 { return n }
            close(c)
            n += 1
        }
    }
}
