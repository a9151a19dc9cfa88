// Issue item 10: each bad input gets one clear error (and exit code 3), and nothing already
// rendered is lost.
import AudioDSP
import Bookvox
import Foundation
import TestSupport
import XCTest

final class BadInputTests: XCTestCase {
    private func render(_ book: String, project: String, voice: String? = nil) throws -> RenderReport {
        let engine = FakeEngine()
        return try RenderSession.render(book: book, options: RenderOptions(projectDir: project, engine: "fake", voicePath: voice,
                                                                           registry: engine.registry()),
                                        progress: SilentProgress())
    }

    func testMissingBook() throws {
        let ws = try TestWorkspace()
        assertBookvoxError(try render(ws.path("nope.md"), project: ws.path("p")), contains: "book file not found",
                           exitCode: ExitCodes.badInput)
        XCTAssertFalse(FileManager.default.fileExists(atPath: ws.path("p")), "no project created for a bad book")
    }

    func testEmptyBook() throws {
        let ws = try TestWorkspace()
        let book = try ws.write("empty.md", "")
        assertBookvoxError(try render(book, project: ws.path("p")), contains: "the book file is empty", exitCode: ExitCodes.badInput)
    }

    func testBinaryBook() throws {
        let ws = try TestWorkspace()
        let url = ws.root.appendingPathComponent("bin.txt")
        try Data([0x50, 0x4B, 0x03, 0x04, 0x00, 0xFF, 0x10, 0x00]).write(to: url)
        assertBookvoxError(try render(url.path, project: ws.path("p")), contains: "expected UTF-8 text", exitCode: ExitCodes.badInput)
    }

    func testUnsupportedExtension() throws {
        let ws = try TestWorkspace()
        let book = try ws.write("book.pdf", "Hello.")
        assertBookvoxError(try render(book, project: ws.path("p")), contains: "unsupported book file type ('.pdf')",
                           exitCode: ExitCodes.badInput)
    }

    func testNoSpeakableText() throws {
        let ws = try TestWorkspace()
        let book = try ws.write("book.md", "---\ntitle: Nothing\n---\n\n# \n\n* * *\n\n")
        assertBookvoxError(try render(book, project: ws.path("p")), contains: "no speakable text", exitCode: ExitCodes.badInput)
    }

    func testVoiceMissingUnreadableNotAudioTooShort() throws {
        let ws = try TestWorkspace()
        let book = try ws.tinyBook()
        assertBookvoxError(try render(book, project: ws.path("p"), voice: ws.path("missing.wav")),
                           contains: "voice clip \(ws.path("missing.wav")) does not exist", exitCode: ExitCodes.badInput)
        try FileManager.default.createDirectory(atPath: ws.path("dir.wav"), withIntermediateDirectories: true)
        assertBookvoxError(try render(book, project: ws.path("p"), voice: ws.path("dir.wav")),
                           contains: "is unreadable", exitCode: ExitCodes.badInput)
        let text = try ws.write("notes.wav", "these are not samples")
        assertBookvoxError(try render(book, project: ws.path("p"), voice: text), contains: "is not audio", exitCode: ExitCodes.badInput)
        let short = ws.path("short.wav")
        try AudioFile.write(AudioBuffer(samples: [Float](repeating: 0.1, count: 8_000), sampleRate: 16_000), to: short, format: .wav16)
        assertBookvoxError(try render(book, project: ws.path("p"), voice: short), contains: "is too short: 0.50 s",
                           exitCode: ExitCodes.badInput)
        XCTAssertFalse(FileManager.default.fileExists(atPath: ws.path("p")), "the voice is checked before anything is written")
    }

    func testProjectDirectoryNotWritable() throws {
        let ws = try TestWorkspace()
        let book = try ws.tinyBook()
        let file = try ws.write("plain-file", "x")
        assertBookvoxError(try render(book, project: file + "/project"), contains: "cannot be created",
                           exitCode: ExitCodes.badInput)
    }

    func testBadInputOnExistingProjectLosesNothing() throws {
        let ws = try TestWorkspace()
        let book = try ws.tinyBook()
        _ = try render(book, project: ws.path("p"))
        let before = TestWorkspace.snapshot(ws.root.appendingPathComponent("p/export"))
        let segmentsBefore = TestWorkspace.snapshot(ws.root.appendingPathComponent("p/segments"))
        assertBookvoxError(try render(book, project: ws.path("p"), voice: ws.path("missing.wav")), contains: "does not exist")
        try Data().write(to: URL(fileURLWithPath: book))
        assertBookvoxError(try render(book, project: ws.path("p")), contains: "empty")
        XCTAssertEqual(TestWorkspace.snapshot(ws.root.appendingPathComponent("p/export")), before)
        XCTAssertEqual(TestWorkspace.snapshot(ws.root.appendingPathComponent("p/segments")), segmentsBefore)
        let store = try JobStore(layout: ProjectLayout(root: ws.root.appendingPathComponent("p")))
        XCTAssertTrue(try store.segments().allSatisfy { $0.state == .rendered })
    }

    func testUnknownSegmentKeyAndEngine() throws {
        let ws = try TestWorkspace()
        _ = try render(try ws.tinyBook(), project: ws.path("p"))
        let layout = ProjectLayout(root: ws.root.appendingPathComponent("p"))
        let engine = FakeEngine()
        assertBookvoxError(try RenderSession.rerender(project: layout, keys: ["9.9"], take: nil,
                                                      options: RenderOptions(registry: engine.registry()), progress: SilentProgress()),
                           contains: "no segment 9.9", exitCode: ExitCodes.badInput)
        assertBookvoxError(try ProjectCommands.flag(project: layout, key: "7.1", reason: nil), contains: "no segment 7.1")
        assertBookvoxError(try EngineRegistry.shared.make("nonesuch", options: EngineOptions()), contains: "unknown engine 'nonesuch'",
                           exitCode: ExitCodes.badInput)
    }
}
