// The room-tone setting through export, render, resume and the CLI, and the ACX report in `status`.
import AudioDSP
import Bookvox
import Foundation
import XCTest

final class RoomToneExportTests: XCTestCase {
    private func espeak(_ project: String) -> RenderOptions { RenderOptions(projectDir: project, engine: "espeak") }

    func testRoomToneSettingIsStoredAndShapesTheNoiseFloor() throws {
        let ws = try TestWorkspace()
        let report = try RenderSession.render(book: try ws.tinyBook(), options: espeak(ws.path("p")), progress: SilentProgress())
        let layout = report.project
        let store = try JobStore(layout: layout)
        XCTAssertNil(try store.book()?.roomTone, "nothing stored until --room-tone is given")
        var acx = try XCTUnwrap(ACXReport.load(layout))
        XCTAssertEqual(acx.roomTone, "-70")
        for entry in acx.chapters {
            XCTAssertEqual(entry.master.measurement.noiseFloorDB!, -70, accuracy: 1, "chapter \(entry.chapter)")
        }

        try ProjectCommands.export(project: layout, changes: ExportChanges(roomTone: .off))
        XCTAssertEqual(try store.book()?.roomTone, "off")
        acx = try XCTUnwrap(ACXReport.load(layout))
        XCTAssertEqual(acx.roomTone, "off")
        XCTAssertTrue(acx.chapters.allSatisfy { $0.master.measurement.noiseFloorDB == nil }, "digital silence has no floor")

        try ProjectCommands.export(project: layout, changes: ExportChanges(roomTone: .dBFS(-64)))
        acx = try XCTUnwrap(ACXReport.load(layout))
        for entry in acx.chapters {
            XCTAssertEqual(entry.master.measurement.noiseFloorDB!, -64, accuracy: 1, "chapter \(entry.chapter)")
        }
        // resume keeps the stored level: nothing is exported again, the files stay as they are.
        let before = TestWorkspace.snapshot(layout.exportDir)
        let resumed = try RenderSession.resume(project: layout, options: RenderOptions(), progress: SilentProgress())
        XCTAssertEqual(resumed.exportedChapters, [])
        XCTAssertEqual(TestWorkspace.snapshot(layout.exportDir), before)
        XCTAssertEqual(try store.book()?.roomToneLevel, .dBFS(-64))
    }

    func testEachChapterHasItsOwnDeterministicTone() throws {
        let a = RoomToneLevel.default.tone(bookSeed: 7, chapterAnchor: "a")
        XCTAssertEqual(a, RoomToneLevel.default.tone(bookSeed: 7, chapterAnchor: "a"))
        XCTAssertNotEqual(a, RoomToneLevel.default.tone(bookSeed: 7, chapterAnchor: "b"))
        XCTAssertNotEqual(a, RoomToneLevel.default.tone(bookSeed: 8, chapterAnchor: "a"))
        XCTAssertEqual(RoomToneLevel.off.tone(bookSeed: 7, chapterAnchor: "a"), .silence)
    }

    func testRoomToneLevelParsing() throws {
        XCTAssertEqual(try RoomToneLevel(parsing: "off"), .off)
        XCTAssertEqual(try RoomToneLevel(parsing: "-70"), .dBFS(-70))
        XCTAssertEqual(try RoomToneLevel(parsing: "-62.5dBFS"), .dBFS(-62.5))
        XCTAssertEqual(RoomToneLevel.dBFS(-62.5).description, "-62.5")
        XCTAssertEqual(RoomToneLevel.dBFS(-70).description, "-70")
        XCTAssertThrowsError(try RoomToneLevel(parsing: "loud")) { XCTAssertTrue("\($0)".contains("-70, or off"), "\($0)") }
        XCTAssertThrowsError(try RoomToneLevel(parsing: "-20")) { XCTAssertTrue("\($0)".contains("-60 dB"), "\($0)") }
    }

    func testCLIRoomToneAndStatusShowTheACXCheck() throws {
        let ws = try TestWorkspace()
        let book = try ws.tinyBook()
        let render = try CLIProcess.run(["render", book, "--engine", "espeak", "--quiet", "--room-tone", "-66"])
        XCTAssertEqual(render.status, 0, render.stderr)
        let layout = ProjectLayout(root: ws.root.appendingPathComponent("book.bookvox"))
        XCTAssertEqual(try JobStore(layout: layout).book()?.roomTone, "-66")

        let status = try CLIProcess.run(["status", "--json"], cwd: ws.root)
        XCTAssertEqual(status.status, 0, status.stderr)
        let report = try JSONDecoder().decode(StatusReport.self, from: Data(status.stdout.utf8))
        XCTAssertEqual(report.chapters.count, 3)
        for c in report.chapters {
            let acx = try XCTUnwrap(c.acx, "chapter \(c.number)")
            XCTAssertTrue(acx.pass, "chapter \(c.number): \(acx)")
            XCTAssertEqual(acx.master.measurement.noiseFloorDB!, -66, accuracy: 1)
        }
        let text = try CLIProcess.run(["status"], cwd: ws.root)
        XCTAssertTrue(text.stdout.contains("ACX: 3/3 chapters pass"), text.stdout)

        let bad = try CLIProcess.run(["export", "--room-tone", "-10"], cwd: ws.root)
        XCTAssertEqual(bad.status, ExitCodes.usage, bad.stderr)
        XCTAssertTrue(bad.stderr.contains("--room-tone -10 is outside"), bad.stderr)
        let off = try CLIProcess.run(["export", "--room-tone", "off"], cwd: ws.root)
        XCTAssertEqual(off.status, 0, off.stderr)
        XCTAssertEqual(ACXReport.load(layout)?.roomTone, "off")
    }
}
