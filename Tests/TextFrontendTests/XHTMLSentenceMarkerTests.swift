// XHTMLSentenceMarker: sentences found across inline markup and wrapped in spans by tree edits, a sentence over two
// paragraphs in a span per paragraph; what cannot be wrapped (text the document lacks, a sentence that starts inside
// an element and ends outside it) is reported, and the document is not changed for it; an id the document already has gets a suffix; a document that is not well-formed XML is left alone.
import Foundation
import TextFrontend
import XCTest

final class XHTMLSentenceMarkerTests: XCTestCase {
    private func doc(_ body: String) -> Data {
        Data("""
            <?xml version="1.0" encoding="UTF-8"?>
            <html xmlns="http://www.w3.org/1999/xhtml" xmlns:epub="http://www.idpf.org/2007/ops"><head><title>T</title></head><body>\(body)</body></html>
            """.utf8)
    }

    private func body(_ data: Data?) throws -> String {
        let s = String(decoding: try XCTUnwrap(data), as: UTF8.self)
        let start = try XCTUnwrap(s.range(of: "<body>")), end = try XCTUnwrap(s.range(of: "</body>"))
        return String(s[start.upperBound..<end.lowerBound])
    }

    func testWrapsAcrossInlineMarkup() throws {
        let input = doc(##"<h1>Chapter&#160;One</h1><p>He said <em>no</em>. <em>Then <b>left</b>.</em> A note<a epub:type="noteref" href="#n">1</a> here.</p><p id="s1-4">Last one</p>"##)
        let r = XHTMLSentenceMarker.mark(documents: [("a.xhtml", input)], sentences: [
            SentenceText(key: "1.0", id: "s1-0", text: "Chapter One"),
            SentenceText(key: "1.1", id: "s1-1", text: "He said no."),
            SentenceText(key: "1.2", id: "s1-2", text: "Then left."),
            SentenceText(key: "1.3", id: "s1-3", text: "A note here."),
            SentenceText(key: "1.4", id: "s1-4", text: "Last one"),
        ], css: ".x { color: red; }")
        XCTAssertEqual(r.unlocated, [])
        XCTAssertEqual(r.documents[0].marked.flatMap(\.ids), ["s1-0", "s1-1", "s1-2", "s1-3", "s1-4-2"])
        XCTAssertEqual(try body(r.documents[0].data), "<h1><span id=\"s1-0\">Chapter\u{A0}One</span></h1><p><span id=\"s1-1\">He said <em>no</em>.</span> "
            + "<em><span id=\"s1-2\">Then <b>left</b>.</span></em> <span id=\"s1-3\">A note<a epub:type=\"noteref\" href=\"#n\">1</a> here.</span></p>"
            + "<p id=\"s1-4\"><span id=\"s1-4-2\">Last one</span></p>")
        XCTAssertTrue(String(decoding: r.documents[0].data!, as: UTF8.self).contains("<style>.x { color: red; }</style></head>"))
    }

    func testWhatCannotBeWrappedIsReportedAndLeftAlone() throws {
        let input = doc("<p>One two</p><p>three four.</p><p><em>Intro. Start</em> end.</p>")
        let r = XHTMLSentenceMarker.mark(documents: [("a.xhtml", input), ("b.xhtml", Data("<p>broken".utf8))], sentences: [
            SentenceText(key: "1.1", id: "s1-1", text: "One two three four."),
            SentenceText(key: "1.2", id: "s1-2", text: "Missing text."),
            SentenceText(key: "1.3", id: "s1-3", text: "Intro."),
            SentenceText(key: "1.4", id: "s1-4", text: "Start end."),
        ], css: nil)
        XCTAssertEqual(r.unlocated, ["1.2", "1.4"])
        // Over two paragraphs: a span in each; a sentence that starts inside an element and ends outside it: none.
        XCTAssertEqual(try body(r.documents[0].data), "<p><span id=\"s1-1\">One two</span></p><p><span id=\"s1-1-p2\">three four.</span></p>"
            + "<p><em><span id=\"s1-3\">Intro.</span> Start</em> end.</p>")
        XCTAssertEqual(r.documents[0].marked.map(\.ids), [["s1-1", "s1-1-p2"], ["s1-3"]])
        XCTAssertEqual(r.documents[0].marked.map(\.weights), [[7, 11], [6]])
        XCTAssertNil(r.documents[1].data)
        XCTAssertNotNil(r.documents[1].problem)
    }
}
