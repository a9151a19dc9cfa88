// Planning a 1 MB single paragraph without sentence punctuation (issue: 40 KB took 50 s, 200 KB did not
// finish): every segment stays within the segment limit, the text is kept in order, and every segment is
// normalized. Only correctness is asserted; the time is measured with `bookvox plan` (a few seconds, debug).
import Bookvox
import Foundation
import TextFrontend
import XCTest

final class LongParagraphPlanTests: XCTestCase {
    func testMegabyteParagraphPlansWithinTheSegmentLimit() throws {
        let ws = try TestWorkspace()
        var state: UInt64 = 11
        func next() -> Int { state = state &* 6364136223846793005 &+ 1442695040888963407; return Int(state >> 33) }
        let letters = Array("abcdefghijklmnopqrstuvwxyz")
        var chars: [Character] = []
        chars.reserveCapacity(1_000_016)
        while chars.count < 1_000_000 {
            if !chars.isEmpty { chars.append(" ") }
            for _ in 0..<(1 + next() % 9) { chars.append(letters[next() % 26]) }
        }
        let paragraph = String(chars)
        let path = try ws.write("long.md", "---\ntitle: One Paragraph\n---\n" + paragraph + "\n")

        let plan = try BookPlanner.plan(bookAt: path)
        let segments = plan.chapters.flatMap(\.segments)
        let limit = SegmenterOptions.defaultMaxCharacters
        XCTAssertEqual(plan.chapters.count, 1)
        XCTAssertGreaterThan(segments.count, 1_000_000 / limit)
        XCTAssertEqual(segments.filter { $0.sourceText.count > limit }.map(\.key), [])
        XCTAssertEqual(segments.map(\.sourceText).joined(separator: " "), paragraph)
        XCTAssertTrue(segments.allSatisfy { !$0.normalizedText.isEmpty })
        XCTAssertEqual(segments.map(\.key), (1...segments.count).map { "1.\($0)" })
    }
}
