// Inputs the libFuzzer targets (Fuzz/, scripts/fuzz.sh) found to break the text readers' invariants:
// every segment within the limit, and the segments giving back each chapter's text.
import XCTest
@testable import TextFrontend

final class FuzzRegressionTests: XCTestCase {
    private func assertLossless(_ text: String, _ format: BookFormat, _ options: SegmenterOptions = .init(),
                                file: StaticString = #filePath, line: UInt = #line) throws -> Book {
        let book = try BookLoader.load(text: text, format: format, sourcePath: format == .markdown ? "f.md" : "f.txt",
                                       options: options)
        for c in book.chapters {
            XCTAssertTrue(c.isLossless, "chapter \(c.index): \(c.segments.map(\.text)) vs \(c.sourceText.debugDescription)",
                          file: file, line: line)
            XCTAssertTrue(c.segments.allSatisfy { $0.text.count <= options.maxCharacters }, file: file, line: line)
        }
        return book
    }

    /// Markdown crash (minimized): a combining mark right after a space was dropped with the space, because
    /// " \u{616}" is one Character whose first scalar is whitespace.
    func testCombiningMarkAfterASpaceIsKept() throws {
        let book = try assertLossless(" \u{616}O", .markdown, SegmenterOptions(maxCharacters: 97, mergeWordsBelow: 1))
        XCTAssertTrue(book.segments[0].text.unicodeScalars.contains("\u{616}"))
        let text = try assertLossless("The word \u{301}accent stays here.", .markdown).segments.map(\.text).joined()
        XCTAssertTrue(text.unicodeScalars.contains("\u{301}"), text)
    }

    /// Plain-text crash: a combining mark at the start of a wrapped line (after the newline that joins lines).
    func testCombiningMarkAtTheStartOfAWrappedLineIsKept() throws {
        let book = try assertLossless("It was cri\n\u{326}_end of the day. And then\n \u{326}more.", .plainText)
        XCTAssertEqual(book.segments.map(\.text).joined().unicodeScalars.filter { $0 == "\u{326}" }.count, 2)
    }

    /// A heading with nothing to read (":", "+") is not a segment, and is not part of the text the segments
    /// must give back.
    func testHeadingWithoutSpeakableTextKeepsTheChapterLossless() throws {
        let book = try assertLossless("# :\n#\nk", .markdown, SegmenterOptions(maxCharacters: 5, mergeWordsBelow: 0))
        XCTAssertEqual(book.segments.map(\.text), ["k"])
        XCTAssertEqual(book.chapters[0].title, "Chapter 1")
        _ = try assertLossless("`\n#\t+\n\u{FFFD}i", .markdown, SegmenterOptions(maxCharacters: 150, mergeWordsBelow: 2))
    }
}
