import XCTest
import TestSupport
@testable import TextFrontend

final class BookGutenbergTests: XCTestCase {
    private static let prideAndPrejudice = Fixtures.data.appendingPathComponent("books/pride_and_prejudice.txt").path

    func testPrideAndPrejudice() throws {
        let book = try BookLoader.load(path: Self.prideAndPrejudice)
        XCTAssertEqual(book.metadata.title, "Pride and Prejudice")
        XCTAssertEqual(book.metadata.author, "Jane Austen")
        XCTAssertEqual(book.metadata.language, "en")
        XCTAssertEqual(book.chapters.count, 61)
        XCTAssertEqual(book.chapters.first?.title, "Chapter 1")
        XCTAssertEqual(book.chapters.last?.title, "Chapter 61")
        XCTAssertEqual(book.chapters.map(\.index), Array(1...61))
        for chapter in book.chapters {
            XCTAssertTrue(chapter.isLossless, "chapter \(chapter.index) is not lossless")
            XCTAssertEqual(chapter.segments.first?.index, 0)
            XCTAssertEqual(chapter.segments.last?.boundary, .chapter)
            XCTAssertEqual(chapter.segments.map(\.index), Array(0..<chapter.segments.count))
            for seg in chapter.segments {
                XCTAssertFalse(seg.text.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty, "empty segment \(seg.key)")
                XCTAssertEqual(seg.key, "\(chapter.index).\(seg.index)")
                XCTAssertLessThanOrEqual(seg.text.count, 400, "segment \(seg.key) is too long")
                XCTAssertFalse(seg.text.contains("_"), "italic marks left in \(seg.key)")
            }
        }
        let first = book.chapters[0].segments
        XCTAssertEqual(first[1].text, "It is a truth universally acknowledged, that a single man in possession of a good fortune, must be in want of a wife.")
        XCTAssertEqual(first[1].sourceLine, 170)
        XCTAssertEqual(first[0].sourceLine, 168)
        XCTAssertTrue(first.contains { $0.text == "\u{201C}My dear Mr. Bennet,\u{201D} said his lady to him one day, \u{201C}have you heard that Netherfield Park is let at last?\u{201D}" })
        // Nothing from the licence or the title page.
        let all = book.segments.map(\.text).joined(separator: " ")
        XCTAssertFalse(all.contains("Gutenberg"))
        XCTAssertFalse(all.contains("CONTENTS"))
        XCTAssertTrue(book.chapters[60].segments.last!.text.hasSuffix("had been the means of uniting them."))
    }

    func testGutenbergHeaderChaptersAndTitles() throws {
        let text = """
        The Project Gutenberg EBook of A Small Tale

        Title: A Small Tale
               Being a Test
        Author: Some Body
        Language: French

        *** START OF THE PROJECT GUTENBERG EBOOK A SMALL TALE ***

        Produced by Volunteers

        CONTENTS

        CHAPTER I.
        CHAPTER II.

        CHAPTER I.
        Down the Hole

        It was a dark and stormy night; the rain fell
        in torrents.

        _Really_ it did.

        *       *       *       *       *

        After that, morning came at last.

        CHAPTER II. The Second

        [Illustration: a cat]

        The end came swiftly for everyone.

        *** END OF THE PROJECT GUTENBERG EBOOK A SMALL TALE ***
        Licence text that is never read.
        """
        let book = try BookLoader.load(text: text, format: .plainText, sourcePath: "tale.txt",
                                       options: SegmenterOptions(mergeWordsBelow: 0))
        XCTAssertEqual(book.metadata.title, "A Small Tale Being a Test")
        XCTAssertEqual(book.metadata.author, "Some Body")
        XCTAssertEqual(book.metadata.language, "fr")
        XCTAssertEqual(book.chapters.map(\.title), ["CHAPTER I. Down the Hole", "CHAPTER II. The Second"])
        let c1 = book.chapters[0].segments
        XCTAssertEqual(c1.map(\.text), ["CHAPTER I. Down the Hole",
                                        "It was a dark and stormy night; the rain fell in torrents.",
                                        "Really it did.", "After that, morning came at last."])
        XCTAssertEqual(c1.map(\.boundary), [.paragraph, .paragraph, .scene, .chapter])
        XCTAssertEqual(c1.map(\.sourceLine), [17, 20, 23, 27])
        XCTAssertEqual(book.chapters[1].segments.map(\.text), ["CHAPTER II. The Second", "The end came swiftly for everyone."])
        XCTAssertTrue(book.chapters.allSatisfy(\.isLossless))
    }

    func testPlainTextWithoutGutenbergMarkersOrHeadings() throws {
        let text = "A plain story begins here.\nIt wraps onto a second line.\n\nChapter 3 of the report was long, and dull.\n"
        let book = try BookLoader.load(text: text, format: .plainText, sourcePath: "notes/story.txt")
        XCTAssertEqual(book.metadata.title, "story")
        XCTAssertEqual(book.chapters.count, 1)
        XCTAssertEqual(book.chapters[0].title, "story")
        XCTAssertEqual(book.chapters[0].segments.map(\.text), [
            "A plain story begins here.", "It wraps onto a second line.", "Chapter 3 of the report was long, and dull.",
        ])
    }

    func testPlainTextPrefaceBeforeChaptersIsKeptOutsideGutenberg() throws {
        let text = "A few words before it all starts.\n\nChapter 1\n\nThe story itself starts here.\n\nCHAPTER TWO\n\nAnd it goes on from there."
        let book = try BookLoader.load(text: text, format: .plainText, sourcePath: "tale.txt")
        XCTAssertEqual(book.chapters.map(\.title), ["tale", "Chapter 1", "CHAPTER TWO"])
    }
}
