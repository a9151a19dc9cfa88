// EPUBs with real-world flaws the reader forgives.
import TestSupport
import XCTest
@testable import TextFrontend

/// Real-world leniency: a nav document without a table of contents (the NCX is used), references whose letter
/// case differs from the archive's, a table of contents none of whose entries can be used.
final class BookEPUBLenientTests: XCTestCase {
    private var dir: URL!

    override func setUpWithError() throws {
        dir = FileManager.default.temporaryDirectory.appendingPathComponent("bookvox-epub-lenient-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(at: dir)
    }

    private func book(nav: String, ncx: String?) throws -> Book {
        var b = EPUBBuilder()
        b.addContainer(opfPath: "OPS/book.opf")
        b.add("OPS/book.opf", """
        <package xmlns="http://www.idpf.org/2007/opf" version="3.0"><metadata xmlns:dc="http://purl.org/dc/elements/1.1/">
        <dc:title>Mixed Case</dc:title><dc:language>English</dc:language></metadata>
        <manifest><item id="nav" href="Nav.xhtml" media-type="application/xhtml+xml" properties="nav"/>
        \(ncx == nil ? "" : "<item id=\"ncx\" href=\"toc.ncx\" media-type=\"application/x-dtbncx+xml\"/>")
        <item id="a" href="Text/One.xhtml" media-type="application/xhtml+xml"/>
        <item id="b" href="Text/Two.xhtml" media-type="application/xhtml+xml"/></manifest>
        <spine\(ncx == nil ? "" : " toc=\"ncx\"")><itemref idref="a"/><itemref idref="b"/></spine></package>
        """)
        b.add("OPS/nav.xhtml", nav)  // the manifest says Nav.xhtml
        if let ncx { b.add("OPS/toc.ncx", ncx) }
        b.add("OPS/text/one.xhtml", "<html><body><h1>One</h1><p>The first page has words.</p></body></html>")
        b.add("OPS/Text/Two.xhtml", "<html><body><h1>Two</h1><p>The second page has more words.</p></body></html>")
        let url = dir.appendingPathComponent("book.epub")
        try b.write(to: url)
        return try BookLoader.load(path: url.path)
    }

    func testNavWithoutTOCFallsBackToNCXAndCaseIsForgiven() throws {
        let book = try book(nav: "<html><body><nav epub:type=\"landmarks\"><ol></ol></nav></body></html>", ncx: """
        <ncx xmlns="http://www.daisy.org/z3986/2005/ncx/"><navMap>
        <navPoint id="x"><navLabel><text>First</text></navLabel><content src="text/one.xhtml"/></navPoint>
        <navPoint id="y"><navLabel><text>Second</text></navLabel><content src="TEXT/TWO.XHTML"/></navPoint>
        </navMap></ncx>
        """)
        XCTAssertEqual(book.chapters.map(\.title), ["First", "Second"])
        XCTAssertEqual(book.chapters[1].segments.map(\.text), ["Two", "The second page has more words."])
        XCTAssertEqual(book.metadata.language, "en", "'English' is not a language code; the default is used")
    }

    func testUnusableTOCFallsBackToOneChapterPerDocument() throws {
        let book = try book(nav: """
        <html><body><nav epub:type="toc"><ol><li><a href="missing.xhtml">Gone</a></li></ol></nav></body></html>
        """, ncx: nil)
        XCTAssertEqual(book.chapters.map(\.title), ["One", "Two"])
    }
}
