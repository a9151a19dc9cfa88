// TagText: control, bidi and harmful zero-width characters are stripped from titles and tag values, and
// BookLoader applies it to the book title, author, narrator and the chapter titles.
import XCTest
@testable import TextFrontend

final class TagTextTests: XCTestCase {
    func testStripsControlAndBidiCharacters() {
        XCTAssertEqual(TagText.sanitized("A\u{0}B\u{7}C\u{1B}[31mD\u{7F}E\u{85}F\u{9F}G"), "ABC[31mDEFG")
        XCTAssertEqual(TagText.sanitized("\u{202E}txt.exe\u{202C} and \u{202A}x\u{202B}y\u{202D}z"), "txt.exe and xyz")
        XCTAssertEqual(TagText.sanitized("\u{2066}a\u{2067}b\u{2068}c\u{2069}d\u{200E}e\u{200F}f\u{061C}g"), "abcdefg")
        XCTAssertEqual(TagText.sanitized("zero\u{200B}width\u{2060}join\u{FEFF}er\u{00AD}s\u{2062}x\u{180E}y\u{206A}z"),
                       "zerowidthjoinersxyz")
    }

    func testKeepsTabsNewlinesJoinersAndVariationSelectors() {
        XCTAssertEqual(TagText.sanitized("a\tb\nc\r\nd\re\u{2028}f"), "a\tb\nc\nd\ne\nf")
        let family = "\u{1F468}\u{200D}\u{1F469}\u{200D}\u{1F467}"  // one emoji joined with ZWJ
        XCTAssertEqual(TagText.sanitized(family), family)
        XCTAssertEqual(TagText.sanitized("\u{2764}\u{FE0F} \u{0645}\u{06CC}\u{200C}\u{062E}"), "\u{2764}\u{FE0F} \u{0645}\u{06CC}\u{200C}\u{062E}")
        XCTAssertEqual(TagText.sanitized("Crème brûlée — 日本語"), "Crème brûlée — 日本語")
    }

    func testSingleLineCollapsesWhitespace() {
        XCTAssertEqual(TagText.singleLine("  Chapter\tOne:\n The\u{202E} Start \u{0}"), "Chapter One: The Start")
        XCTAssertEqual(TagText.singleLine("\u{200B}\u{202E}\n"), "")
    }

    func testBookTitlesAuthorsNarratorsAndChapterTitlesAreSanitized() throws {
        let md = """
        ---
        title: "The \\u202Egnol\\u202C Road\\u0007"
        author: "Ann\\u200B Writer"
        narrator: "\\u202E"
        ---
        # Chapter\u{2066} One\u{2069}

        Some text to read here.
        """
        let book = try BookLoader.load(text: md, format: .markdown, sourcePath: "books/road.md")
        XCTAssertEqual(book.metadata.title, "The gnol Road")
        XCTAssertEqual(book.metadata.author, "Ann Writer")
        XCTAssertNil(book.metadata.narrator, "a narrator of only invisible characters is no narrator")
        XCTAssertEqual(book.chapters[0].title, "Chapter One")

        let empty = try BookLoader.load(text: "---\ntitle: \"\\u202E\\u200B\"\n---\nText to read here.", format: .markdown,
                                        sourcePath: "books/my_book.md")
        XCTAssertEqual(empty.metadata.title, "my book", "an invisible title falls back to the file name")
    }

    func testGutenbergHeaderIsSanitized() throws {
        let txt = "Title: Pride\u{202E} and Prejudice\nAuthor: Jane\u{200F} Austen\n\n"
            + "*** START OF THE PROJECT GUTENBERG EBOOK PRIDE ***\n\nIt is a truth universally acknowledged.\n"
        let book = try BookLoader.load(text: txt, format: .plainText, sourcePath: "pp.txt")
        XCTAssertEqual(book.metadata.title, "Pride and Prejudice")
        XCTAssertEqual(book.metadata.author, "Jane Austen")
    }
}
