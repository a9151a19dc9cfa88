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
        for bad in ["", "0", "a", "3-1", "1,,2", "1-2-3", "-4", "1-", "x-3", "2.5", "１", "0-3", "+1", "1,", " , "] {
            XCTAssertThrowsError(try ChapterSelection.parse(bad), bad) { error in
                XCTAssertTrue("\(error)".contains("--chapters"), "\(error)")
                XCTAssertLessThan("\(error)".count, 300, "\(error)")
            }
        }
    }

    func testErrorsSayWhatIsWrong() {
        func message(_ text: String) -> String {
            do { _ = try ChapterSelection.parse(text); return "" } catch { return "\(error)" }
        }
        XCTAssertTrue(message("0").contains("numbered from 1"), message("0"))
        XCTAssertTrue(message("5-3").contains("runs backwards; write 3-5"), message("5-3"))
        XCTAssertTrue(message("99999999999999999999").contains("too large"), message("99999999999999999999"))
        XCTAssertTrue(message("1,,2").contains("empty part"), message("1,,2"))
        // Garbage of any length gives a short message (the argument is quoted cut short).
        let garbage = String(repeating: "x", count: 1_000_000)
        XCTAssertLessThan(message(garbage).count, 300)
        let manyParts = Array(repeating: "1", count: 100_000).joined(separator: ",")
        XCTAssertTrue(message(manyParts).contains("more than 1000 parts"))
        XCTAssertLessThan(message(manyParts).count, 300)
    }

    func testHugeRangesAreNeverExpanded() throws {
        let all = try ChapterSelection.parse("1-9223372036854775807")
        XCTAssertEqual(all.ranges, [1...Int.max])
        XCTAssertTrue(all.contains(Int.max))
        XCTAssertEqual(try ChapterSelection.parse("5-9999999999,2,3-4").ranges, [2...9_999_999_999])
        XCTAssertEqual(try ChapterSelection.parse("1,3-5,9").description, "1, 3-5, 9")
    }

    func testValidationAgainstTheBooksChapters() throws {
        let book = Array(1...61)
        XCTAssertEqual(try ChapterSelection.parse("2-3,61").chapters(of: book), [2, 3, 61])
        for (selection, missing) in [("1-9223372036854775807", "no chapters 62-9223372036854775807 in this book"),
                                     ("1-9999999", "no chapters 62-9999999 in this book"),
                                     ("62", "no chapter 62 in this book"),
                                     ("60-70,80,90-95,100,200", "no chapters 62-70, 80, 90-95, … in this book")] {
            XCTAssertThrowsError(try ChapterSelection.parse(selection).chapters(of: book), selection) { error in
                let text = "\(error)"
                XCTAssertTrue(text.contains(missing), text)
                XCTAssertTrue(text.contains("it has chapters 1-61"), text)
                XCTAssertLessThan(text.count, 300, text)
            }
        }
        XCTAssertThrowsError(try ChapterSelection.parse("2").chapters(of: [1, 3])) {
            XCTAssertTrue("\($0)".contains("no chapter 2 in this book; it has chapters 1, 3"), "\($0)")
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
        let bookFiles = try store.bookExports().map(\.fileName)
        XCTAssertEqual(bookFiles.sorted(), ["Pride and Prejudice.m4b", "Pride and Prejudice.srt", "Pride and Prejudice.vtt"])
        let exports = try FileManager.default.contentsOfDirectory(atPath: report.exportDir.path)
            .filter { !$0.hasPrefix(".") && $0 != ACXReport.fileName && !bookFiles.contains($0) }
        XCTAssertEqual(ACXReport.load(report.project)?.chapters.map(\.chapter), [1], "the ACX report covers chapter 1")
        XCTAssertTrue(exports.allSatisfy { $0.hasPrefix(report.project.exportFile(chapter: 1, of: 3, ext: "mp3")
            .deletingPathExtension().lastPathComponent) }, "only chapter 1 is exported: \(exports)")
        let mp3 = try AudioFile.read(path: report.project.exportFile(chapter: 1, of: 3, ext: "mp3").path)
        let master = try AudioFile.read(path: report.project.exportFile(chapter: 1, of: 3, ext: "flac").path)
        XCTAssertGreaterThan(master.duration, 60, "chapter 1 of P&P narrates for minutes")
        XCTAssertEqual(mp3.duration, master.duration, accuracy: 0.06)
        // The book's M4B holds the one chapter rendered so far.
        let m4b = try M4BProbe.read(path: report.exportDir.appendingPathComponent("Pride and Prejudice.m4b").path)
        XCTAssertEqual(m4b.chapters.count, 1)
        XCTAssertEqual(m4b.chapters.first?.startSeconds, 0)
        XCTAssertEqual(m4b.durationSeconds, master.duration, accuracy: 0.001)
    }

    func testHugeSelectionBeyondTheBookFailsFastWithAShortMessage() throws {
        let ws = try TestWorkspace()
        let options = RenderOptions(projectDir: ws.path("p"), engine: "espeak",
                                    chapters: try ChapterSelection.parse("1-9223372036854775807"))
        XCTAssertThrowsError(try RenderSession.render(book: try ws.tinyBook(), options: options, progress: SilentProgress())) {
            XCTAssertTrue("\($0)".contains("no chapters 4-9223372036854775807 in this book; it has chapters 1-3"), "\($0)")
            XCTAssertLessThan("\($0)".count, 300)
        }
        XCTAssertFalse(FileManager.default.fileExists(atPath: ws.path("p")), "nothing is created before the check")
    }

    func testUnknownChapterIsAClearError() throws {
        let ws = try TestWorkspace()
        let options = RenderOptions(projectDir: ws.path("p"), engine: "espeak", chapters: [9])
        XCTAssertThrowsError(try RenderSession.render(book: try ws.tinyBook(), options: options, progress: SilentProgress())) {
            XCTAssertTrue("\($0)".contains("no chapter 9"), "\($0)")
        }
    }
}
