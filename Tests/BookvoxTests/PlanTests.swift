// `plan`: chapters, segments, characters and estimates, on real books.
import Bookvox
import Foundation
import TestSupport
import XCTest

final class PlanTests: XCTestCase {
    func testPrideAndPrejudiceHas61Chapters() throws {
        let report = try PlanReport.make(bookAt: Fixtures.data.appendingPathComponent("books/pride_and_prejudice.txt").path)
        XCTAssertEqual(report.chapters.count, 61)
        XCTAssertEqual(report.chapters.map(\.number), Array(1...61))
        XCTAssertGreaterThan(report.segments, 4_000)
        XCTAssertEqual(report.estimatedSeconds, Double(report.characters) / 15, accuracy: 1e-9)
        XCTAssertEqual(report.chapters.map(\.segments).reduce(0, +), report.segments)
    }

    func testSampleProjectPlan() throws {
        let book = Fixtures.repoRoot.appendingPathComponent("projects/sample/book.md").path
        let report = try PlanReport.make(bookAt: book)
        XCTAssertEqual(report.title, "The Lighthouse Keeper's Clock")
        XCTAssertEqual(report.seed, 2024)
        XCTAssertEqual(report.chapters.map(\.title), ["Chapter One: The Stopped Clock", "Chapter Two: The Note", "Chapter Three: The Tide"])
        let decoded = try JSONDecoder().decode(PlanReport.self, from: Data(try report.json().utf8))
        XCTAssertEqual(decoded, report)
        XCTAssertTrue(report.text.contains("3 chapters, \(report.segments) segments"), report.text)
    }

    func testSampleNarratorClipIsUsable() throws {
        let clip = try VoiceClip.load(path: Fixtures.repoRoot.appendingPathComponent("projects/sample/narrator.wav").path)
        XCTAssertGreaterThanOrEqual(clip.audio.duration, 3)
    }
}
