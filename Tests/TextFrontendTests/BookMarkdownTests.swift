import XCTest
@testable import TextFrontend

final class BookMarkdownTests: XCTestCase {
    private func load(_ md: String, options: SegmenterOptions = .init()) throws -> Book {
        let book = try BookLoader.load(text: md, format: .markdown, sourcePath: "books/my_book.md", options: options)
        for chapter in book.chapters { XCTAssertTrue(chapter.isLossless, "chapter \(chapter.index) not lossless") }
        return book
    }

    func testFrontMatter() throws {
        let md = """
        ---
        title: The Long Road
        author: Ann Writer
        narrator: Sam Voice
        language: en-GB
        seed: 18446744073709551615
        cover: cover.jpg
        ---
        # Chapter One

        It began on a Tuesday morning.
        """
        let book = try load(md)
        XCTAssertEqual(book.metadata, BookMetadata(title: "The Long Road", author: "Ann Writer", narrator: "Sam Voice",
                                                   language: "en-GB", seed: UInt64.max, cover: "cover.jpg"))
        XCTAssertEqual(book.chapters.count, 1)
        XCTAssertEqual(book.chapters[0].segments.first?.sourceLine, 9)
        XCTAssertEqual(book.chapters[0].segments.last?.sourceLine, 11)
    }

    func testDefaultsWithoutFrontMatter() throws {
        let book = try load("Just one line of text here.")
        XCTAssertEqual(book.metadata, BookMetadata(title: "my book"))
        XCTAssertEqual(book.metadata.language, "en")
        XCTAssertEqual(book.sourcePath, "books/my_book.md")
    }

    func testHeadingsStartChapters() throws {
        let md = """
        # Part One ##

        ## Chapter 1

        First chapter text is here.

        ### A subsection

        More text in chapter one.

        Chapter Two
        ===========

        Second chapter text is here.
        """
        let book = try load(md, options: SegmenterOptions(mergeWordsBelow: 0))
        XCTAssertEqual(book.chapters.map(\.title), ["Part One", "Chapter 1", "Chapter Two"])
        XCTAssertEqual(book.chapters.map(\.index), [1, 2, 3])
        XCTAssertEqual(book.chapters[0].segments.map(\.key), ["1.0"])
        XCTAssertEqual(book.chapters[0].segments[0].boundary, .chapter)
        XCTAssertEqual(book.chapters[1].segments.map(\.text),
                       ["Chapter 1", "First chapter text is here.", "A subsection", "More text in chapter one."])
        XCTAssertEqual(book.chapters[1].segments.map(\.key), ["2.0", "2.1", "2.2", "2.3"])
        XCTAssertEqual(book.chapters[2].segments.map(\.text), ["Chapter Two", "Second chapter text is here."])
        XCTAssertEqual(book.chapters[2].segments[0].sourceLine, 11)
    }

    func testTextBeforeFirstHeadingBecomesBookTitledChapterOnlyIfSpeakable() throws {
        let withPreface = try load("---\ntitle: My Tale\n---\nA short preface comes first.\n\n# One\n\nBody text goes here.")
        XCTAssertEqual(withPreface.chapters.map(\.title), ["My Tale", "One"])
        XCTAssertEqual(withPreface.chapters[0].segments.map(\.key), ["1.1"])
        XCTAssertEqual(withPreface.chapters[0].segments[0].text, "A short preface comes first.")

        let noPreface = try load("---\ntitle: My Tale\n---\n<!-- nothing to say -->\n\n* * *\n\n# One\n\nBody text goes here.")
        XCTAssertEqual(noPreface.chapters.map(\.title), ["One"])
    }

    func testNoHeadingMeansOneChapter() throws {
        let book = try load("First paragraph is here.\n\nSecond paragraph is here.")
        XCTAssertEqual(book.chapters.count, 1)
        XCTAssertEqual(book.chapters[0].title, "my book")
        XCTAssertEqual(book.chapters[0].segments.map(\.key), ["1.1", "1.2"])
    }

    func testSceneBreaks() throws {
        for marker in ["***", "---", "* * *", "___", "- - -", "\u{2042}"] {
            let md = "# One\n\nBefore the break comes.\n\n\(marker)\n\nAfter the break comes."
            let segs = try load(md).chapters[0].segments
            XCTAssertEqual(segs.map(\.text), ["One", "Before the break comes.", "After the break comes."], marker)
            XCTAssertEqual(segs.map(\.boundary), [.paragraph, .scene, .chapter], marker)
        }
    }

    func testDashLineUnderTextIsASceneBreakNotAHeading() throws {
        let segs = try load("# One\n\nThe scene ends here.\n---\nA new scene starts.").chapters[0].segments
        XCTAssertEqual(segs.map(\.text), ["One", "The scene ends here.", "A new scene starts."])
        XCTAssertEqual(segs.map(\.boundary), [.paragraph, .scene, .chapter])
    }

    func testWindowsLineEndingsAndByteOrderMark() throws {
        let md = "\u{FEFF}---\r\ntitle: Crlf\r\n---\r\n# One\r\n\r\nFirst line of text\r\nwraps here.\r\n"
        let book = try load(md)
        XCTAssertEqual(book.metadata.title, "Crlf")
        XCTAssertEqual(book.chapters[0].segments.map(\.text), ["One", "First line of text wraps here."])
        XCTAssertEqual(book.chapters[0].segments.map(\.sourceLine), [4, 6])
    }

    func testListsAndBlockQuotesReadAsText() throws {
        let md = """
        # Lists

        - First item here
        - Second item
          continues here
        1. Numbered item one
        2) Numbered item two

        > A quoted line that
        > goes on here.
        >
        > > A nested quote here.
        """
        let segs = try load(md, options: SegmenterOptions(mergeWordsBelow: 0)).chapters[0].segments
        XCTAssertEqual(segs.map(\.text), ["Lists", "First item here", "Second item continues here",
                                          "Numbered item one", "Numbered item two",
                                          "A quoted line that goes on here.", "A nested quote here."])
        XCTAssertEqual(segs.map(\.sourceLine), [1, 3, 4, 6, 7, 9, 12])
    }

    func testInlineMarkupReducedToText() throws {
        let md = """
        # The *Big* `Day`

        She was **very** _angry_ and ***loud***, see [the notes](http://x.org/a_(b)) and ![a map](map.png).
        Code `let x = 1` stays\\*, snake_case_name too, <span class="x">tags</span> go &amp; ~~gone~~ stays.
        <!-- a comment
        over two lines --> Footnote[^1] ref.
        """
        let segs = try load(md, options: SegmenterOptions(mergeWordsBelow: 0)).chapters[0].segments
        XCTAssertEqual(segs.map(\.text), [
            "The Big Day",
            "She was very angry and loud, see the notes and .",  // images are not read (front matter image-alt-text: read reads them)
            "Code let x = 1 stays*, snake_case_name too, tags go & gone stays.",
            "Footnote ref.",
        ])
        XCTAssertEqual(segs[3].sourceLine, 6)
    }

    func testHTMLCommentsDropped() throws {
        let md = "# One\n\n<!-- TODO: rewrite -->\nVisible text is here.\n\n<!--\nhidden\n-->\n\nMore visible text."
        let segs = try load(md).chapters[0].segments
        XCTAssertEqual(segs.map(\.text), ["One", "Visible text is here.", "More visible text."])
        XCTAssertEqual(segs.map(\.sourceLine), [1, 4, 10])
    }

    func testChapterSourceTextIsReducedMarkup() throws {
        let book = try load("# A *b*\n\nSome **bold** text.\n\nNext one.")
        XCTAssertEqual(book.chapters[0].sourceText, "A b\n\nSome bold text.\n\nNext one.")
    }
}
