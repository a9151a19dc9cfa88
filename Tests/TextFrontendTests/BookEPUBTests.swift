// The EPUB reader on the test books written in TestSupport/SampleEPUBs.swift: chapters, segment texts, skipped
// front and back matter, metadata and cover.
import TestSupport
import XCTest
@testable import TextFrontend

final class BookEPUBTests: XCTestCase {
    private var dir: URL!

    override func setUpWithError() throws {
        dir = FileManager.default.temporaryDirectory.appendingPathComponent("bookvox-epub-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(at: dir)
    }

    private func write(_ builder: EPUBBuilder, name: String = "book.epub") throws -> String {
        let url = dir.appendingPathComponent(name)
        try builder.write(to: url)
        return url.path
    }

    private func texts(_ chapter: Chapter) -> [String] { chapter.segments.map(\.text) }

    func testEPUB3Chapters() throws {
        let book = try BookLoader.load(path: try write(SampleEPUBs.epub3()))
        XCTAssertEqual(book.chapters.map(\.title), [
            "Dedication", "Part One", "Chapter 1: Departure", "The Storm", "Chapter 2: Notes & Asides", "Chapter 3",
            "Odd Words",
        ])
        XCTAssertEqual(texts(book.chapters[0]), ["Dedication", "For my patient friends, who listened twice."])
        XCTAssertEqual(texts(book.chapters[1]), ["Part One"])
        XCTAssertEqual(texts(book.chapters[2]), [
            "Chapter 1", "The ship left the harbour at dawn.", "Nobody waved from the pier.",
            "Sail on, the old sign said in faded paint.", "Three barrels of water went aboard.",
            "Two crates of apples followed them.",
        ])
        XCTAssertEqual(texts(book.chapters[3]), [
            "The Storm", "By noon the sky had turned the colour of slate.",
            "The storm passed in the night and left the deck clean.",
        ])
        XCTAssertEqual(book.chapters[3].segments.map(\.boundary), [.paragraph, .scene, .chapter])
        // Footnote markers (epub:type, class, a linked <sup> number), note bodies and page numbers are not read.
        XCTAssertEqual(texts(book.chapters[4]), [
            "Chapter 2", "The captain kept a diary in a locked drawer.",
            "Every entry began with the weather and ended with a list.", "The cook had opinions about every list he saw.",
            "The crew ate their apples in silence.",
        ])
        // Two spine documents under one entry are joined.
        XCTAssertEqual(texts(book.chapters[5]), [
            "Chapter 3", "Land appeared on the fourth morning.", "They rowed ashore before the tide turned.",
        ])
        XCTAssertEqual(texts(book.chapters[6]), [
            "Odd Words", "The café served crème brûlée\u{2014}and nothing else\u{2026}",
            "\u{201C}Don\u{2019}t go,\u{201D} said Zoë & her friend, «très bien».",
            "A beautiful line broke in two places.", "The map was lost.",
            "Numbers like 3 and \u{201C}numeric\u{201D} entities \u{2014} work too.",
        ])
        XCTAssertEqual(book.chapters[6].segments[2].boundary, .scene, "a '* * *' paragraph is a scene break")
        XCTAssertEqual(book.chapters[2].segments[1].sourceLine, 10, "lines are the XHTML document's")
    }

    func testEPUB3SkippedItemsAndMetadata() throws {
        let path = try write(SampleEPUBs.epub3())
        let book = try BookLoader.load(path: path)
        XCTAssertEqual(book.sourceItems, [
            SourceItem(path: "OEBPS/text/cover.xhtml", skipReason: "cover page (landmarks), no text to read"),
            SourceItem(path: "OEBPS/text/rights.xhtml", skipReason: "copyright page (landmarks)", includable: true),
            SourceItem(path: "OEBPS/nav.xhtml", skipReason: "table of contents (epub:type)", includable: true),
            SourceItem(path: "OEBPS/text/dedication.xhtml", chapters: [1]),
            SourceItem(path: "OEBPS/text/ch1.xhtml", chapters: [2, 3, 4]),
            SourceItem(path: "OEBPS/text/ch2.xhtml", chapters: [5]),
            SourceItem(path: "OEBPS/text/ch3 a.xhtml", chapters: [6]),
            SourceItem(path: "OEBPS/text/ch3b.xhtml", chapters: [6]),
            SourceItem(path: "OEBPS/text/words.xhtml", chapters: [7]),
            SourceItem(path: "OEBPS/text/endnotes.xhtml", skipReason: "notes (epub:type), no text to read"),
        ])
        let m = book.metadata
        XCTAssertEqual(m.title, "The Test Voyage")
        XCTAssertEqual(m.author, "Ann Author", "an editor is not an author")
        XCTAssertEqual(m.language, "en-GB")
        XCTAssertEqual(m.publisher, "Tiny Press")
        XCTAssertEqual(m.date, "2021-03-04")
        XCTAssertEqual(m.description, "A short test book.")
        XCTAssertEqual(m.cover, "OEBPS/images/cover.png")
        XCTAssertEqual(m.coverImage, CoverImage(data: SampleEPUBs.pngBytes, mediaType: "image/png", source: "OEBPS/images/cover.png"))
        XCTAssertFalse(book.segments.contains { $0.text.contains("Copyright") || $0.text.contains("Contents") })
    }

    func testIncludingSkippedMatterReadsIt() throws {
        let book = try BookLoader.load(path: try write(SampleEPUBs.epub3()),
                                       reading: BookReadingOptions(includeSkippedMatter: true))
        // Each included document no entry covers is a chapter of its own (its heading, else what it is), and the
        // dedication after them is still its own chapter; the cover page has no text and the endnotes none that
        // is read, so they stay skipped.
        XCTAssertEqual(book.chapters.map(\.title), [
            "Copyright page", "Contents", "Dedication", "Part One", "Chapter 1: Departure", "The Storm",
            "Chapter 2: Notes & Asides", "Chapter 3", "Odd Words",
        ])
        XCTAssertEqual(texts(book.chapters[0]), [
            "Copyright © 2021 Ann Author.", "All rights reserved.", "Printed nowhere at all.",
        ])
        XCTAssertEqual(texts(book.chapters[1]).first, "Contents")
        XCTAssertEqual(texts(book.chapters[2]), ["Dedication", "For my patient friends, who listened twice."])
        XCTAssertEqual(book.sourceItems.first { $0.path == "OEBPS/text/rights.xhtml" }?.chapters, [1])
        XCTAssertEqual(book.sourceItems.first { $0.path == "OEBPS/text/rights.xhtml" }?.skipReason, nil)
        XCTAssertEqual(book.sourceItems.first { $0.path == "OEBPS/text/cover.xhtml" }?.skipReason,
                       "cover page (landmarks), no text to read")
    }

    func testImageAltTextWhenAsked() throws {
        let book = try BookLoader.load(path: try write(SampleEPUBs.epub3()),
                                       reading: BookReadingOptions(readsImageAltText: true))
        let words = try XCTUnwrap(book.chapters.first { $0.title == "Odd Words" })
        XCTAssertTrue(texts(words).contains("An image that is not read The map was lost."), "\(texts(words))")
    }

    func testEPUB2WithNCXGuideAndCoverMeta() throws {
        let book = try BookLoader.load(path: try write(SampleEPUBs.epub2()))
        XCTAssertEqual(book.chapters.map(\.title), ["The First Tale", "The Lighthouse", "The Second Tale"])
        XCTAssertEqual(texts(book.chapters[0]), [
            "The First Tale", "The harbour was quiet that winter.", "Fishermen mended their nets by the fire.",
        ])
        XCTAssertEqual(texts(book.chapters[1]), ["The Lighthouse", "The keeper climbed the stairs every evening."])
        // windows-1252 declared in the XML declaration: 0x93/0x94 are curly quotes, 0xE9 is é.
        XCTAssertEqual(texts(book.chapters[2]), ["The Second Tale", "\u{201C}Come in,\u{201D} said the keeper to the café owner."])
        XCTAssertEqual(book.sourceItems.map(\.skipReason), [
            "cover page (guide), no text to read", "title page (guide)", "table of contents (file name)", nil, nil,
            "colophon (file name)",
        ])
        XCTAssertEqual(book.sourceItems.map(\.chapters), [[], [], [], [1, 2], [3], []])
        XCTAssertEqual(book.metadata.title, "Old Harbour Tales")
        XCTAssertEqual(book.metadata.author, "Wilma Writer")
        XCTAssertEqual(book.metadata.date, "1901", "the publication date, not the creation date")
        XCTAssertEqual(book.metadata.coverImage?.mediaType, "image/jpeg")
        XCTAssertEqual(book.metadata.coverImage?.data, SampleEPUBs.jpegBytes)
        XCTAssertEqual(book.metadata.cover, "images/cover.jpg")
    }

    func testWithoutTableOfContentsEachDocumentIsAChapter() throws {
        var b = EPUBBuilder()
        b.addContainer(opfPath: "book.opf")
        b.add("book.opf", """
        <package xmlns="http://www.idpf.org/2007/opf" version="3.0"><metadata xmlns:dc="http://purl.org/dc/elements/1.1/">
        <dc:title>Loose Pages</dc:title></metadata>
        <manifest><item id="a" href="a.xhtml" media-type="application/xhtml+xml"/>
        <item id="b" href="b.xhtml" media-type="application/xhtml+xml"/></manifest>
        <spine><itemref idref="a"/><itemref idref="b"/></spine></package>
        """)
        b.add("a.xhtml", "<html><body><h1>First Page</h1><p>Some words are written here.</p></body></html>")
        b.add("b.xhtml", "<html><body><p>No heading on this page at all.</p></body></html>")
        let book = try BookLoader.load(path: try write(b))
        XCTAssertEqual(book.chapters.map(\.title), ["First Page", "Chapter 2"])
        XCTAssertEqual(texts(book.chapters[1]), ["No heading on this page at all."])
    }

    func testRecognizedByContentWhateverTheName() throws {
        let book = try BookLoader.load(path: try write(SampleEPUBs.epub2(), name: "download.bin"))
        XCTAssertEqual(book.chapters.count, 3)
    }
}
