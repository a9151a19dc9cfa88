// Text a listener should not hear: code blocks (fenced and indented), tables, HTML comments, raw HTML and
// images (alt text only when the front matter asks for it).
import XCTest
@testable import TextFrontend

final class MarkdownSkippedTextTests: XCTestCase {
    private func texts(_ md: String) throws -> [String] {
        try BookLoader.load(text: md, format: .markdown, sourcePath: "t.md", options: SegmenterOptions(mergeWordsBelow: 0))
            .segments.map(\.text)
    }

    private func lines(_ md: String) throws -> [Int] {
        try BookLoader.load(text: md, format: .markdown, sourcePath: "t.md", options: SegmenterOptions(mergeWordsBelow: 0))
            .segments.map(\.sourceLine)
    }

    func testFencedCodeBlocksAreSkipped() throws {
        let md = """
        Before the code.

        ```swift
        let x = 1

        print(x)
        ```

        ~~~~
        code with ``` inside
        ~~~
        still code, the fence above is too short
        ~~~~~

        After the code.
        """
        XCTAssertEqual(try texts(md), ["Before the code.", "After the code."])
        XCTAssertEqual(try lines(md), [1, 15])
    }

    func testFenceRulesFollowCommonMark() throws {
        // A closing fence must use the same character; an info string with a backtick is no backtick fence;
        // up to three spaces of indentation are allowed.
        XCTAssertEqual(try texts("```\ncode\n~~~\nmore code\n```\nText after."), ["Text after."])
        XCTAssertEqual(try texts("``` not `a fence`\nRead this.").last?.hasSuffix("Read this."), true)
        XCTAssertEqual(try texts("   ```\n   code\n   ```\nText after."), ["Text after."])
    }

    func testUnclosedFenceRunsToTheEnd() throws {
        XCTAssertEqual(try texts("Read this.\n\n```\nnot this\n\nnor this"), ["Read this."])
    }

    func testFenceInsideABlockQuote() throws {
        let md = "> Quoted text here.\n> ```\n> quoted code\n> ```\n> More quoted text.\n\nAfter."
        XCTAssertEqual(try texts(md), ["Quoted text here.", "More quoted text.", "After."])
        // The fence ends with its block quote.
        XCTAssertEqual(try texts("> ```\n> code\n\nAfter the quote."), ["After the quote."])
    }

    func testIndentedCodeBlocksAreSkipped() throws {
        let md = "A paragraph here.\n\n    let x = 1\n    print(x)\n\n\tmore code\n\nAfter the code."
        XCTAssertEqual(try texts(md), ["A paragraph here.", "After the code."])
        XCTAssertEqual(try lines(md), [1, 8])
    }

    func testIndentedLinesThatAreNotCode() throws {
        // A paragraph's continuation line, and text under a list item, are read.
        XCTAssertEqual(try texts("The first line\n    continues here."), ["The first line continues here."])
        XCTAssertEqual(try texts("- An item here\n\n    More of the item.\n\nAfter."), ["An item here", "More of the item.", "After."])
        XCTAssertEqual(try texts("- An item\n\nA paragraph.\n\n    code\n\nEnd."), ["An item", "A paragraph.", "End."])
    }

    func testTablesAreSkipped() throws {
        let md = """
        Before the table.

        | Name | Age |
        |------|:---:|
        | Ann  | 31  |
        | Bob  | 42  |

        Name | Value
        --- | ---
        a | b

        After the tables.
        """
        XCTAssertEqual(try texts(md), ["Before the table.", "After the tables."])
        XCTAssertEqual(try lines(md), [1, 12])
    }

    func testTableRightAfterAParagraphAndEndingAtABlock() throws {
        let md = "Some text here.\n| a | b |\n| - | - |\n| 1 | 2 |\n# Next\n\nBody."
        XCTAssertEqual(try texts(md), ["Some text here.", "Next", "Body."])
    }

    func testPipesWithoutADelimiterRowAreText() throws {
        XCTAssertEqual(try texts("Either this | or that.\n\nA | b\n--- | --- | ---\nc"), ["Either this | or that.", "A | b --- | --- | --- c"])
    }

    func testHTMLCommentsAreSkipped() throws {
        let md = "Visible one.<!-- hidden --> Visible two.\n\n<!--\nhidden\nlines\n-->\nVisible three."
        XCTAssertEqual(try texts(md), ["Visible one.", "Visible two.", "Visible three."])
        XCTAssertEqual(try lines(md), [1, 1, 7])
    }

    func testUnclosedHTMLCommentIsReadAsText() throws {
        XCTAssertEqual(try texts("Start here. <!-- never closed\n\nThe rest is kept."),
                       ["Start here.", "<!-- never closed", "The rest is kept."])
    }

    func testRawHTMLIsSkipped() throws {
        let md = """
        <div class="note">Text in a <b>div</b> is read.</div>

        <script>
        var hidden = "not read";
        </script>

        <style>p { color: red }</style>
        <pre>
        preformatted, not read
        </pre>

        After the <span>HTML</span>.<br>Next line.
        """
        XCTAssertEqual(try texts(md), ["Text in a div is read.", "After the HTML.", "Next line."])
    }

    func testImagesAreNotReadByDefault() throws {
        let md = "![A map of the valley](map.png)\n\nThe valley lay below ![icon](i.png) them.\n\n[![badge](b.svg)](http://x.org) Done."
        XCTAssertEqual(try texts(md), ["The valley lay below them.", "Done."])
    }

    func testImageAltTextIsReadWhenTheFrontMatterAsks() throws {
        let md = "---\nimage-alt-text: read\n---\n![A map of the valley](map.png)\n\nThe valley lay below ![icon](i.png) them."
        let book = try BookLoader.load(text: md, format: .markdown, sourcePath: "t.md", options: SegmenterOptions(mergeWordsBelow: 0))
        XCTAssertTrue(book.metadata.readsImageAltText)
        XCTAssertEqual(book.segments.map(\.text), ["A map of the valley", "The valley lay below icon them."])
        XCTAssertThrowsError(try BookLoader.load(text: "---\nimage-alt-text: maybe\n---\nText.", format: .markdown, sourcePath: "t.md")) {
            XCTAssertTrue("\($0)".contains("image-alt-text"), "\($0)")
        }
    }

    func testUnmatchedInlineMarkersAreLinear() throws {
        // Thousands of openers with no closer: each used to scan to the end of the paragraph (a 60 KB paragraph
        // of "*a " took 46 s, "**a " over 2 minutes). The markers stay as text.
        for marker in ["*", "**", "***", "_", "__", "~~", "[", "![", "`"] {
            let md = "It starts right here. " + String(repeating: marker + "A ", count: 8_000)
            let segs = try BookLoader.load(text: md, format: .markdown, sourcePath: "t.md").segments
            XCTAssertEqual(segs.first?.text.hasPrefix("It starts right here."), true, marker)
            XCTAssertTrue(segs.allSatisfy { $0.text.count <= SegmenterOptions.defaultMaxCharacters }, marker)
        }
        // Spans that do close are still reduced, with unmatched markers around them.
        XCTAssertEqual(try texts("A *b **c d** e ~~f~~ g [h [i](u) j"), ["A *b c d e f g [h i j"])
    }

    func testDeepBlockQuotesAreLinear() throws {
        // 200,000 nested quote markers: one pass, not one regex match and copy per marker.
        let md = String(repeating: ">", count: 200_000) + " Deep text here."
        XCTAssertEqual(try texts(md), ["Deep text here."])
    }
}
