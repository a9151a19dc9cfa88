// `--chapters`: parsing, and a render restricted to one chapter of a real book (Pride and Prejudice,
// chapter 1) completing with espeak-ng while nothing else is synthesized or exported.
import AudioDSP
import Bookvox
import Foundation
import TestSupport
import XCTest

final class ChapterSelectionTests: XCTestCase {
    func testParsesNumbersAndRanges() throws {
        XCTAssertEqual(try ChapterSelection.parse("1"), [1])
        XCTAssertEqual(try ChapterSelection.parse("1,3-5"), [1, 3, 4, 5])
        XCTAssertEqual(try ChapterSelection.parse(" 2 , 2-3 "), [2, 3])
    }

    func testRejectsMalformedSelections() {
        for bad in ["", "0", "a", "3-1", "1,,2", "1-2-3", "-4"] {
            XCTAssertThrowsError(try ChapterSelection.parse(bad), bad) { error in
                XCTAssertTrue("\(error)".contains("--chapters"), "\(error)")
            }
        }
    }

    func testPrideAndPrejudiceFirstChapterRendersWithEspeak() throws {
        let ws = try TestWorkspace()
        let book = Fixtures.data.appendingPathComponent("books/pride_and_prejudice.txt").path
        let options = RenderOptions(projectDir: ws.path("pp"), engine: "espeak", chapters: [1])
        let report = try RenderSession.render(book: book, options: options, progress: SilentProgress())
        XCTAssertEqual(report.exportedChapters, [1])
        let store = try JobStore(layout: report.project)
        XCTAssertEqual(try store.chapters().count, 61)
        let first = try store.segments(chapter: 1)
        XCTAssertGreaterThan(first.count, 20)
        XCTAssertEqual(report.synthesized, first.count)
        XCTAssertTrue(first.allSatisfy { $0.state.hasAudio }, "every segment of chapter 1 has audio")
        XCTAssertTrue(try store.segments(chapter: 2).allSatisfy { !$0.state.hasAudio }, "chapter 2 untouched")
        let exports = try FileManager.default.contentsOfDirectory(atPath: report.exportDir.path)
            .filter { !$0.hasPrefix(".") && $0 != ACXReport.fileName }
        XCTAssertEqual(ACXReport.load(report.project)?.chapters.map(\.chapter), [1], "the ACX report covers chapter 1")
        XCTAssertTrue(exports.allSatisfy { $0.hasPrefix(report.project.exportFile(chapter: 1, of: 3, ext: "mp3")
            .deletingPathExtension().lastPathComponent) }, "only chapter 1 is exported: \(exports)")
        let mp3 = try AudioFile.read(path: report.project.exportFile(chapter: 1, of: 3, ext: "mp3").path)
        let master = try AudioFile.read(path: report.project.exportFile(chapter: 1, of: 3, ext: "flac").path)
        XCTAssertGreaterThan(master.duration, 60, "chapter 1 of P&P narrates for minutes")
        XCTAssertEqual(mp3.duration, master.duration, accuracy: 0.06)
    }

    func testUnknownChapterIsAClearError() throws {
        let ws = try TestWorkspace()
        let options = RenderOptions(projectDir: ws.path("p"), engine: "espeak", chapters: [9])
        XCTAssertThrowsError(try RenderSession.render(book: try ws.tinyBook(), options: options, progress: SilentProgress())) {
            XCTAssertTrue("\($0)".contains("no chapter 9"), "\($0)")
        }
    }
}
