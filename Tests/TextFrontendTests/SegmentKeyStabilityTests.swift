import XCTest
@testable import TextFrontend

final class SegmentKeyStabilityTests: XCTestCase {
    private let original = """
    # One

    The first chapter opens here. It has two sentences.

    # Two

    The second chapter is short. It also ends soon.

    # Three

    Chapter three begins now. It keeps its keys. Whatever happens before it.
    """

    private func segments(_ md: String) throws -> [String: [Segment]] {
        let book = try BookLoader.load(text: md, format: .markdown, sourcePath: "t.md")
        return Dictionary(uniqueKeysWithValues: book.chapters.map { ($0.title, $0.segments) })
    }

    func testEditingOneChapterKeepsOtherChaptersKeys() throws {
        let edited = original.replacingOccurrences(
            of: "The second chapter is short. It also ends soon.",
            with: "The second chapter grew. It now has far more to say. Sentences were added.\n\nAnd a whole new paragraph too.")
        let before = try segments(original), after = try segments(edited)
        XCTAssertEqual(before["One"]!.map(\.key), after["One"]!.map(\.key))
        XCTAssertEqual(before["One"]!.map(\.text), after["One"]!.map(\.text))
        XCTAssertEqual(before["Three"]!.map(\.key), after["Three"]!.map(\.key))
        XCTAssertEqual(before["Three"]!.map(\.text), after["Three"]!.map(\.text))
        XCTAssertEqual(before["Three"]!.map(\.key), ["3.0", "3.1", "3.2", "3.3"])
        XCTAssertEqual(after["Two"]!.map(\.key), ["2.0", "2.1", "2.2", "2.3", "2.4"])
        // Only line numbers move.
        XCTAssertEqual(after["Three"]![1].sourceLine, before["Three"]![1].sourceLine + 2)
    }

    func testSegmentationIsDeterministic() throws {
        let a = try BookLoader.load(text: original, format: .markdown, sourcePath: "t.md")
        let b = try BookLoader.load(text: original, format: .markdown, sourcePath: "t.md")
        XCTAssertEqual(a.chapters, b.chapters)
        XCTAssertEqual(a.segment(forKey: "3.2")?.text, "It keeps its keys.")
        XCTAssertNil(a.segment(forKey: "4.1"))
    }

    func testBookRoundTripsThroughJSON() throws {
        let book = try BookLoader.load(text: "---\ntitle: T\nseed: 7\n---\n" + original, format: .markdown, sourcePath: "t.md")
        let data = try JSONEncoder().encode(book)
        let back = try JSONDecoder().decode(Book.self, from: data)
        XCTAssertEqual(back.chapters, book.chapters)
        XCTAssertEqual(back.metadata, book.metadata)
    }
}
