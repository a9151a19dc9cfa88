// The read-along EPUB 3 (`export --format epub3`): for a Markdown book a generated EPUB, for an EPUB 3 book the
// original with sentence spans; every sentence id has a SMIL clip whose clipBegin/clipEnd are the chapter timings
// (the subtitles' milliseconds); EPUBCheck finds no errors or warnings (when it is installed; CI installs it);
// two exports give the same bytes and a chapter change rewrites it. Also the M4B's year and description tags.
import AudioDSP
import Bookvox
import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif
import TestSupport
import XCTest
import ZIPFoundation

final class ReadAlongEPUBTests: XCTestCase {
    private func markdownBook(_ ws: TestWorkspace) throws -> String {
        try M4BExportTests.png.write(to: ws.root.appendingPathComponent("cover.png"))
        return try ws.write("book.md", """
            ---
            title: "Tiny & Book"
            author: Test Author
            narrator: Nora Narrator
            cover: cover.png
            date: 1813-01-28
            description: A tiny book about a road & the rain.
            seed: 7
            ---

            # One

            Hello there, friend. This is a test.

            A second paragraph. It has two sentences & more.

            # Two

            The road was long. The rain fell hard.

            """)
    }

    /// A small EPUB 3 whose sentences cross inline markup (emphasis, a link, a line break, a note reference).
    static func epubInput() -> EPUBBuilder {
        func page(_ title: String, _ body: String, css: String = "../css/book.css") -> String {
            """
            <?xml version="1.0" encoding="UTF-8"?>
            <!DOCTYPE html>
            <html xmlns="http://www.w3.org/1999/xhtml" xmlns:epub="http://www.idpf.org/2007/ops" xml:lang="en" lang="en">
            <head><title>\(title)</title><link rel="stylesheet" type="text/css" href="\(css)"/></head>
            <body>
            \(body)
            </body>
            </html>

            """
        }
        var b = EPUBBuilder()
        b.addContainer(opfPath: "OPS/book.opf")
        b.add("OPS/book.opf", """
            <?xml version="1.0" encoding="UTF-8"?>
            <package xmlns="http://www.idpf.org/2007/opf" version="3.0" unique-identifier="uid" xml:lang="en">
              <metadata xmlns:dc="http://purl.org/dc/elements/1.1/">
                <dc:identifier id="uid">urn:uuid:0b7e3d1c-5a43-4e0e-9f1e-6f3f7a2b9c11</dc:identifier>
                <dc:title>The Little Voyage</dc:title>
                <dc:creator>Ann Author</dc:creator>
                <dc:language>en</dc:language>
                <dc:date>2021-03-04</dc:date>
                <dc:description>A voyage in two chapters.</dc:description>
                <meta property="dcterms:modified">2021-03-04T00:00:00Z</meta>
              </metadata>
              <manifest>
                <item id="nav" href="nav.xhtml" media-type="application/xhtml+xml" properties="nav"/>
                <item id="cover" href="images/cover.png" media-type="image/png" properties="cover-image"/>
                <item id="css" href="css/book.css" media-type="text/css"/>
                <item id="c1" href="text/c1.xhtml" media-type="application/xhtml+xml"/>
                <item id="c2" href="text/c2.xhtml" media-type="application/xhtml+xml"/>
                <item id="notes" href="text/notes.xhtml" media-type="application/xhtml+xml"/>
              </manifest>
              <spine>
                <itemref idref="c1"/>
                <itemref idref="c2"/>
                <itemref idref="notes"/>
              </spine>
            </package>

            """)
        b.add("OPS/nav.xhtml", page("Contents", """
            <nav epub:type="toc" id="toc"><h1>Contents</h1><ol>
            <li><a href="text/c1.xhtml">Departure</a></li>
            <li><a href="text/c2.xhtml">Arrival</a></li>
            </ol></nav>
            """, css: "css/book.css"))
        b.add("OPS/css/book.css", "p { text-indent: 1em; }\nem { font-style: italic; }\n")
        b.add("OPS/images/cover.png", data: SampleEPUBs.pngBytes)
        b.add("OPS/text/c1.xhtml", page("Departure", """
            <section epub:type="chapter" id="c1">
            <h1 id="top">Departure</h1>
            <p>The ship left <em>at dawn</em>. Nobody <em>waved</em> goodbye.</p>
            <p><em>It was cold.</em> The sea was grey<a epub:type="noteref" href="notes.xhtml#n1" id="r1">1</a> and calm.</p>
            <p>She wrote:<br/>all is well. Then she slept.</p>
            </section>
            """))
        b.add("OPS/text/c2.xhtml", page("Arrival", """
            <section epub:type="chapter">
            <h1>Arrival</h1>
            <p>The harbour was <strong>bright and <em>loud</em></strong>. They had arrived.</p>
            </section>
            """))
        b.add("OPS/text/notes.xhtml", page("Notes", """
            <aside epub:type="footnote" id="n1"><p>Grey as slate.</p></aside>
            """))
        return b
    }

    /// The EPUB's files by path.
    private func entries(_ url: URL) throws -> [String: Data] {
        let archive = try Archive(url: url, accessMode: .read)
        var out: [String: Data] = [:]
        for e in archive where e.type == .file {
            var d = Data()
            _ = try archive.extract(e) { d.append($0) }
            out[e.path] = d
        }
        return out
    }

    /// Every `<par>` of a SMIL document: text fragment id → (audio src, clipBegin, clipEnd), through XMLParser.
    private final class SMILReader: NSObject, XMLParserDelegate {
        var text: String?
        var clips: [(id: String, textFile: String, audio: String, begin: String, end: String)] = []
        func parser(_ parser: XMLParser, didStartElement name: String, namespaceURI: String?, qualifiedName: String?,
                    attributes: [String: String] = [:]) {
            if name == "text" { text = attributes["src"] }
            if name == "audio", let src = text?.split(separator: "#", maxSplits: 1), src.count == 2 {
                clips.append((String(src[1]), String(src[0]), attributes["src"] ?? "", attributes["clipBegin"] ?? "",
                              attributes["clipEnd"] ?? ""))
            }
        }
    }

    private func smilClips(_ data: Data) throws -> [(id: String, textFile: String, audio: String, begin: String, end: String)] {
        let reader = SMILReader()
        let parser = XMLParser(data: data)
        parser.delegate = reader
        XCTAssertTrue(parser.parse(), "the SMIL parses: \(String(describing: parser.parserError))")
        return reader.clips
    }

    /// Ids of the `<span>`s of an XHTML document, through XMLParser.
    private final class SpanReader: NSObject, XMLParserDelegate {
        var ids: [String] = []
        func parser(_ parser: XMLParser, didStartElement name: String, namespaceURI: String?, qualifiedName: String?,
                    attributes: [String: String] = [:]) {
            if name == "span", let id = attributes["id"] { ids.append(id) }
        }
    }

    private func spanIDs(_ data: Data) -> [String] {
        let reader = SpanReader()
        let parser = XMLParser(data: data)
        parser.delegate = reader
        _ = parser.parse()
        return reader.ids
    }

    private static func clock(_ ms: Int64) -> String {
        String(format: "%d:%02d:%02d.%03d", Int(ms / 3_600_000), Int(ms / 60_000 % 60), Int(ms / 1000 % 60), Int(ms % 1000))
    }

    /// Every timed segment of the exported chapters has a span in `xhtml` and a SMIL clip with the timings' times.
    private func checkClips(_ files: [String: Data], layout: ProjectLayout, chapters: [Int], of count: Int,
                            file: StaticString = #filePath, line: UInt = #line) throws -> Int {
        var clips: [String: (textFile: String, audio: String, begin: String, end: String)] = [:]
        var spans = Set<String>()
        for (path, data) in files {
            if path.hasSuffix(".smil") {
                for c in try smilClips(data) { clips[c.id] = (c.textFile, c.audio, c.begin, c.end) }
            } else if path.hasSuffix(".xhtml") {
                spans.formUnion(spanIDs(data))
            }
        }
        var checked = 0
        for ch in chapters {
            let t = try JSONDecoder().decode(ChapterTimings.self, from: Data(contentsOf: layout.exportFile(chapter: ch, of: count, ext: "timings.json")))
            for s in t.segments {
                let id = "s" + s.key.replacingOccurrences(of: ".", with: "-")
                XCTAssertTrue(spans.contains(id), "span \(id)", file: file, line: line)
                let clip = try XCTUnwrap(clips[id], "no clip for \(id)", file: file, line: line)
                let begin = (Int64(s.startSample) * 2000 + Int64(t.sampleRate)) / (2 * Int64(t.sampleRate))
                let end = (Int64(s.endSample) * 2000 + Int64(t.sampleRate)) / (2 * Int64(t.sampleRate))
                XCTAssertEqual(clip.begin, Self.clock(begin), id, file: file, line: line)
                XCTAssertEqual(clip.end, Self.clock(end), id, file: file, line: line)
                XCTAssertTrue(clip.audio.hasSuffix(ProjectLayout.exportBaseName(chapter: ch, of: count) + ".mp3"), clip.audio,
                              file: file, line: line)
                checked += 1
            }
        }
        XCTAssertEqual(clips.count, checked, "no clip for anything else", file: file, line: line)
        return checked
    }

    /// The first executable `name` on PATH.
    private func onPath(_ name: String) -> String? {
        (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin").split(separator: ":").map { "\($0)/\(name)" }
            .first { FileManager.default.isExecutableFile(atPath: $0) }
    }

    /// EPUBCheck's verdict: no errors and no warnings. The validator is a test dependency (scripts/install-deps.sh
    /// installs it, and CI runs that), so its absence fails the test rather than letting an unchecked EPUB pass.
    /// Debian's `epubcheck` is the jar itself (run through binfmt where that is set up): a jar is run with `java -jar`.
    private func epubcheck(_ url: URL, file: StaticString = #filePath, line: UInt = #line) throws {
        let program = try XCTUnwrap(onPath("epubcheck"),
                                    "epubcheck is not installed: run scripts/install-deps.sh (Debian package epubcheck)",
                                    file: file, line: line)
        let p = Process()
        let isJar = (try? FileHandle(forReadingFrom: URL(fileURLWithPath: program)).read(upToCount: 2)) == Data("PK".utf8)
        if isJar {
            let java = try XCTUnwrap(onPath("java"), "epubcheck is a jar and needs java", file: file, line: line)
            p.executableURL = URL(fileURLWithPath: java)
            p.arguments = ["-jar", program, url.path]
        } else {
            p.executableURL = URL(fileURLWithPath: program)
            p.arguments = [url.path]
        }
        let out = Pipe()
        p.standardOutput = out
        p.standardError = out
        try p.run()
        let text = String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        p.waitUntilExit()
        XCTAssertEqual(p.terminationStatus, 0, text, file: file, line: line)
        XCTAssertTrue(text.contains("No errors or warnings detected"), text, file: file, line: line)
        XCTAssertFalse(text.contains("WARNING") || text.contains("ERROR"), text, file: file, line: line)
    }

    func testMarkdownBookGivesAGeneratedReadAlongEPUB() throws {
        let ws = try TestWorkspace()
        var options = RenderOptions(projectDir: ws.path("p"), engine: "espeak")
        options.exportChanges = ExportChanges(addFormats: [.epub3])
        let report = try RenderSession.render(book: try markdownBook(ws), options: options, progress: SilentProgress())
        let layout = report.project
        let epub = layout.exportDir.appendingPathComponent("Tiny & Book.epub")
        let bytes = try Data(contentsOf: epub)

        // OCF: `mimetype` first, stored, no extra field.
        XCTAssertEqual(Array(bytes.prefix(4)), [0x50, 0x4B, 0x03, 0x04])
        XCTAssertEqual(bytes[8], 0, "stored")
        XCTAssertEqual(bytes[26], 8, "name length")
        XCTAssertEqual(bytes[28], 0, "no extra field")
        XCTAssertEqual(String(decoding: bytes[30..<58], as: UTF8.self), "mimetypeapplication/epub+zip")

        let files = try entries(epub)
        let store = try JobStore(layout: layout)
        XCTAssertEqual(try checkClips(files, layout: layout, chapters: [1, 2], of: 2), try store.segments().count)
        // The chapter MP3s are carried as exported.
        for ch in [1, 2] {
            XCTAssertEqual(files["EPUB/audio/chapter-0\(ch).mp3"], try Data(contentsOf: layout.exportFile(chapter: ch, of: 2, ext: "mp3")))
        }
        XCTAssertEqual(files["EPUB/cover.png"], M4BExportTests.png)
        let opf = String(decoding: try XCTUnwrap(files["EPUB/package.opf"]), as: UTF8.self)
        for needle in ["<meta property=\"media:active-class\">-epub-media-overlay-active</meta>",
                       "<meta property=\"media:narrator\">Nora Narrator</meta>", "media-overlay=\"smil-chapter-01\"",
                       "<meta property=\"media:duration\" refines=\"#smil-chapter-02\">", "<dc:date>1813-01-28</dc:date>"] {
            XCTAssertTrue(opf.contains(needle), "\(needle) in\n\(opf)")
        }
        XCTAssertTrue(String(decoding: try XCTUnwrap(files["EPUB/style.css"]), as: UTF8.self).contains(".-epub-media-overlay-active"))
        let one = String(decoding: try XCTUnwrap(files["EPUB/chapter-01.xhtml"]), as: UTF8.self)
        XCTAssertTrue(one.contains("<span id=\"s1-4\">It has two sentences &amp; more.</span>"), one)

        // Recorded and verified like the other book files; two exports give the same bytes.
        XCTAssertEqual(try store.bookExports().first { $0.format == "epub3" }?.sha256, Hashing.sha256Hex(bytes))
        var result = try ProjectCommands.export(project: layout)
        XCTAssertFalse(result.bookWritten.contains("Tiny & Book.epub"))
        result = try ProjectCommands.export(project: layout, force: true)
        XCTAssertTrue(result.bookWritten.contains("Tiny & Book.epub"))
        XCTAssertEqual(try Data(contentsOf: epub), bytes, "two exports are byte-identical")
        // A damaged file is rewritten; a chapter change (new MP3s) rewrites it.
        try bytes.prefix(100).write(to: epub)
        result = try ProjectCommands.export(project: layout)
        XCTAssertEqual(result.bookWritten, ["Tiny & Book.epub"])
        XCTAssertEqual(try Data(contentsOf: epub), bytes)
        result = try ProjectCommands.export(project: layout, changes: ExportChanges(bitrateKbps: 128))
        XCTAssertEqual(result.written, [1, 2])
        XCTAssertEqual(result.bookWritten, ["Tiny & Book.epub"], "the EPUB carries the chapters' MP3s")
        XCTAssertNotEqual(try Data(contentsOf: epub), bytes)

        // The M4B's year and description come from the front matter.
        let m4b = try M4BProbe.read(path: layout.exportDir.appendingPathComponent("Tiny & Book.m4b").path)
        XCTAssertEqual(m4b.tags["date"], "1813")
        XCTAssertEqual(m4b.tags["description"], "A tiny book about a road & the rain.")

        try epubcheck(epub)
    }

    func testEPUBInputKeepsTheOriginalWithSentenceSpans() throws {
        let ws = try TestWorkspace()
        let book = ws.root.appendingPathComponent("voyage.epub")
        try Self.epubInput().write(to: book)
        var options = RenderOptions(projectDir: ws.path("p"), engine: "espeak")
        options.exportChanges = ExportChanges(addFormats: [.epub3])
        let report = try RenderSession.render(book: book.path, options: options, progress: SilentProgress())
        let layout = report.project
        let epub = layout.exportDir.appendingPathComponent("The Little Voyage.epub")
        let files = try entries(epub)
        let original = try entries(book)

        XCTAssertEqual(try checkClips(files, layout: layout, chapters: [1, 2], of: 2), try JobStore(layout: layout, readOnly: true).segments().count)
        // The original's other files are kept as they were; its text documents keep their markup.
        for path in ["OPS/css/book.css", "OPS/images/cover.png", "OPS/nav.xhtml", "OPS/text/notes.xhtml", "META-INF/container.xml"] {
            XCTAssertEqual(files[path], original[path], path)
        }
        let c1 = String(decoding: try XCTUnwrap(files["OPS/text/c1.xhtml"]), as: UTF8.self)
        for needle in ["<h1 id=\"top\"><span id=\"s1-0\">Departure</span></h1>",
                       "<span id=\"s1-1\">The ship left <em>at dawn</em>.</span>",
                       "<a epub:type=\"noteref\" href=\"notes.xhtml#n1\" id=\"r1\">1</a>", "<br/>",
                       ".-epub-media-overlay-active"] {
            XCTAssertTrue(c1.contains(needle), "\(needle) in\n\(c1)")
        }
        let opf = String(decoding: try XCTUnwrap(files["OPS/book.opf"]), as: UTF8.self)
        XCTAssertTrue(opf.contains("media-overlay=\"bookvox-smil-c1\""), opf)
        XCTAssertTrue(opf.contains("href=\"bookvox-audio/chapter-01.mp3\" media-type=\"audio/mpeg\""), opf)
        XCTAssertNotNil(files["OPS/text/c1.smil"])

        // The M4B's year and description come from the OPF.
        let m4b = try M4BProbe.read(path: layout.exportDir.appendingPathComponent("The Little Voyage.m4b").path)
        XCTAssertEqual(m4b.tags["date"], "2021")
        XCTAssertEqual(m4b.tags["description"], "A voyage in two chapters.")

        try epubcheck(epub)
    }

    /// The reader's test book (nested TOC, a document holding three chapters, a chapter across two documents,
    /// footnotes): every sentence is found in the original XHTML — but those of its last document, which uses HTML
    /// entities XML does not know (not well-formed XML, so it is not edited).
    func testSampleEPUBSentencesAreAllLocated() throws {
        let ws = try TestWorkspace()
        let book = ws.root.appendingPathComponent("voyage.epub")
        try SampleEPUBs.epub3().write(to: book)
        let engine = FakeEngine()
        var options = RenderOptions(projectDir: ws.path("p"), engine: "fake", registry: engine.registry())
        options.exportChanges = ExportChanges(addFormats: [.epub3])
        let report = try RenderSession.render(book: book.path, options: options, progress: SilentProgress())
        let layout = report.project
        let store = try JobStore(layout: layout, readOnly: true)
        let count = try store.chapters().count
        XCTAssertEqual(count, 7)
        let files = try entries(layout.exportDir.appendingPathComponent("The Test Voyage.epub"))
        XCTAssertEqual(try checkClips(files, layout: layout, chapters: Array(1...6), of: count),
                       try store.segments().filter { $0.chapter <= 6 }.count)
        XCTAssertEqual(files["OEBPS/text/words.xhtml"], try entries(book)["OEBPS/text/words.xhtml"])
    }

    /// An EPUB 2 cannot carry Media Overlays: the read-along EPUB is a generated book of its chapters (with a warning).
    func testEPUB2InputGivesAGeneratedBook() throws {
        let ws = try TestWorkspace()
        let book = ws.root.appendingPathComponent("old.epub")
        try SampleEPUBs.epub2().write(to: book)
        let engine = FakeEngine()
        var options = RenderOptions(projectDir: ws.path("p"), engine: "fake", registry: engine.registry())
        // Only the EPUB (and the MP3s it carries): the book's cover is a stub JPEG the M4B would refuse.
        options.exportChanges = ExportChanges(formats: [.epub3])
        let layout = try RenderSession.render(book: book.path, options: options, progress: SilentProgress()).project
        let store = try JobStore(layout: layout, readOnly: true)
        let count = try store.chapters().count
        let epub = try XCTUnwrap(try FileManager.default.contentsOfDirectory(atPath: layout.exportDir.path).first { $0.hasSuffix(".epub") })
        let files = try entries(layout.exportDir.appendingPathComponent(epub))
        XCTAssertNotNil(files["EPUB/package.opf"], "a generated book")
        XCTAssertEqual(try checkClips(files, layout: layout, chapters: Array(1...count), of: count), try store.segments().count)
    }
}
