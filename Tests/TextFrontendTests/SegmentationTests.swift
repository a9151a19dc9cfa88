import XCTest
@testable import TextFrontend

final class SegmentationTests: XCTestCase {
    /// Body segment texts of a one-paragraph Markdown book.
    private func split(_ paragraph: String, max: Int = 280, merge: Int = 0) throws -> [String] {
        let book = try BookLoader.load(text: paragraph, format: .markdown, sourcePath: "t.md",
                                       options: SegmenterOptions(maxCharacters: max, mergeWordsBelow: merge))
        XCTAssertTrue(book.chapters.allSatisfy(\.isLossless))
        return book.chapters[0].segments.map(\.text)
    }

    func testPlainSentences() throws {
        XCTAssertEqual(try split("It rained. The wind blew! Did it stop? No."),
                       ["It rained.", "The wind blew!", "Did it stop?", "No."])
    }

    func testTitleAbbreviations() throws {
        XCTAssertEqual(try split("Mr. Bennet met Mrs. Long and Dr. Jones. Then St. Paul spoke to Prof. Smith."),
                       ["Mr. Bennet met Mrs. Long and Dr. Jones.", "Then St. Paul spoke to Prof. Smith."])
    }

    func testReferenceAbbreviations() throws {
        XCTAssertEqual(try split("Bring fruit, e.g. Apples or pears, i.e. Whatever grows. It was Smith vs. Jones."),
                       ["Bring fruit, e.g. Apples or pears, i.e. Whatever grows.", "It was Smith vs. Jones."])
        XCTAssertEqual(try split("He bought pens, paper, etc. and ink. We left at 10 a.m. and ate."),
                       ["He bought pens, paper, etc. and ink.", "We left at 10 a.m. and ate."])
        XCTAssertEqual(try split("He bought pens, paper, etc. Then he left."),
                       ["He bought pens, paper, etc.", "Then he left."])
    }

    func testInitials() throws {
        XCTAssertEqual(try split("J. R. R. Tolkien wrote it. George R.R. Martin did not."),
                       ["J. R. R. Tolkien wrote it.", "George R.R. Martin did not."])
        XCTAssertEqual(try split("The war ended. World War I. Then peace."),
                       ["The war ended.", "World War I.", "Then peace."])
    }

    func testDecimalsAndNumbers() throws {
        XCTAssertEqual(try split("Pi is 3.14 or so. It cost $2.50 at No. 5 Main Street."),
                       ["Pi is 3.14 or so.", "It cost $2.50 at No. 5 Main Street."])
    }

    func testEllipses() throws {
        XCTAssertEqual(try split("I wonder... maybe not. Wait\u{2026} There it is."),
                       ["I wonder... maybe not.", "Wait\u{2026}", "There it is."])
        XCTAssertEqual(try split("So . . . it ends. . . . Then more."),
                       ["So . . . it ends. . . .", "Then more."])
    }

    func testDialogueKeepsClosingQuotes() throws {
        XCTAssertEqual(try split("\u{201C}Yes,\u{201D} said he. \u{201C}No.\u{201D}"),
                       ["\u{201C}Yes,\u{201D} said he.", "\u{201C}No.\u{201D}"])
        XCTAssertEqual(try split("\u{201C}Is he married?\u{201D} she asked. \u{201C}Oh! Single, to be sure!\u{201D} he cried."),
                       ["\u{201C}Is he married?\u{201D} she asked.", "\u{201C}Oh!", "Single, to be sure!\u{201D} he cried."])
        XCTAssertEqual(try split("\"Stop!\" He ran. 'Why?' she said."),
                       ["\"Stop!\"", "He ran.", "'Why?' she said."])
    }

    func testEmDashes() throws {
        XCTAssertEqual(try split("He paused\u{2014}then went on. She stayed."),
                       ["He paused\u{2014}then went on.", "She stayed."])
        XCTAssertEqual(try split("\u{201C}I never\u{2014}\u{201D} \u{201C}Stop talking.\u{201D}"),
                       ["\u{201C}I never\u{2014}\u{201D}", "\u{201C}Stop talking.\u{201D}"])
    }

    func testLongSentenceSplitsAtClausesPreferringSemicolons() throws {
        let text = "The first part of this sentence runs on for quite a while, with commas here and there, "
            + "and it keeps going; the second part also runs on, with more commas, until it finally stops."
        let options = SegmenterOptions(maxCharacters: 120, mergeWordsBelow: 3)
        let book = try BookLoader.load(text: text, format: .markdown, sourcePath: "t.md", options: options)
        let segs = book.chapters[0].segments
        XCTAssertEqual(segs.map(\.text), [
            "The first part of this sentence runs on for quite a while, with commas here and there, and it keeps going;",
            "the second part also runs on, with more commas, until it finally stops.",
        ])
        XCTAssertEqual(segs.map(\.boundary), [.clause, .chapter])
        XCTAssertTrue(book.chapters[0].isLossless)
    }

    func testLongSentenceSplitsRecursivelyUnderTheLimit() throws {
        let clause = "the river ran along the valley floor past the mill"
        let text = Array(repeating: clause, count: 8).joined(separator: ", ") + "."
        let book = try BookLoader.load(text: text, format: .markdown, sourcePath: "t.md",
                                       options: SegmenterOptions(maxCharacters: 120, mergeWordsBelow: 3))
        let segs = book.chapters[0].segments
        XCTAssertGreaterThan(segs.count, 1)
        XCTAssertTrue(segs.allSatisfy { $0.text.count <= 120 }, segs.map(\.text).description)
        XCTAssertTrue(segs.dropLast().allSatisfy { $0.boundary == .clause && $0.text.hasSuffix(",") })
        XCTAssertTrue(book.chapters[0].isLossless)
    }

    func testLongSentenceFallsBackToEmDashThenSpaces() throws {
        let dashed = "word " + Array(repeating: "alpha beta gamma delta epsilon", count: 3).joined(separator: "\u{2014}")
        let segs = try split(dashed, max: 70)
        XCTAssertEqual(segs.count, 2, segs.description)
        XCTAssertTrue(segs[0].hasSuffix("\u{2014}"))
        let bare = Array(repeating: "onward", count: 30).joined(separator: " ")
        let pieces = try split(bare, max: 50)
        XCTAssertTrue(pieces.allSatisfy { $0.count <= 50 })
        XCTAssertEqual(pieces.joined(separator: " "), bare)
    }

    func testShortFragmentsMergeWithNeighbours() throws {
        XCTAssertEqual(try split("Oh! The rain had stopped at last. Yes.", merge: 3),
                       ["Oh! The rain had stopped at last. Yes."])
        XCTAssertEqual(try split("It had rained all night long. Then it stopped. Good.", merge: 3),
                       ["It had rained all night long.", "Then it stopped. Good."])
        // A paragraph that is a lone fragment joins the previous paragraph's last segment.
        let book = try BookLoader.load(text: "# One\n\nShe looked at him for a while.\n\n\u{201C}No.\u{201D}\n\nHe left the room quietly.",
                                       format: .markdown, sourcePath: "t.md")
        XCTAssertEqual(book.chapters[0].segments.map(\.text),
                       ["One", "She looked at him for a while. \u{201C}No.\u{201D}", "He left the room quietly."])
        XCTAssertEqual(book.chapters[0].segments[1].boundary, .paragraph)
    }

    func testBoundariesAndKeys() throws {
        let md = "# Start\n\nFirst one here. Second one here.\n\nNew paragraph here.\n\n***\n\nAfter the break here."
        let book = try BookLoader.load(text: md, format: .markdown, sourcePath: "t.md")
        let segs = book.chapters[0].segments
        XCTAssertEqual(segs.map(\.key), ["1.0", "1.1", "1.2", "1.3", "1.4"])
        XCTAssertEqual(segs.map(\.boundary), [.paragraph, .sentence, .paragraph, .scene, .chapter])
        XCTAssertEqual(segs.map(\.paragraph), [0, 1, 1, 2, 3])
        XCTAssertEqual(segs.map(\.sourceLine), [1, 3, 3, 5, 9])
    }

    func testSourceLinesFollowWrappedLines() throws {
        let md = "# T\n\nThe first sentence\nwraps here. The second\nstarts on line four.\nThe third is on line five."
        let segs = try BookLoader.load(text: md, format: .markdown, sourcePath: "t.md").chapters[0].segments
        XCTAssertEqual(segs.map(\.text), ["T", "The first sentence wraps here.", "The second starts on line four.",
                                          "The third is on line five."])
        XCTAssertEqual(segs.map(\.sourceLine), [1, 3, 4, 6])
    }
}
