// The read-along EPUB of a Markdown or plain-text book (and of an EPUB 2 book): generated from the project's
// segments. Layout inside the archive:
//   mimetype, META-INF/container.xml,
//   EPUB/package.opf, EPUB/nav.xhtml (table of contents), EPUB/title.xhtml (title, author, narrator, cover),
//   EPUB/style.css, EPUB/cover.<ext> (when the book has a cover),
//   EPUB/chapter-NN.xhtml (the heading, then a <p> per paragraph with a <span id="sN-K"> per sentence),
//   EPUB/chapter-NN.smil (its overlay), EPUB/audio/chapter-NN.mp3 (the chapter's export MP3).
// The identifier is a name-based UUID of the title, author and language; `dcterms:modified` is fixed
// (2000-01-01T00:00:00Z) so the same book gives the same bytes.
import Foundation

enum GeneratedReadAlongEPUB {
    static let modified = "2000-01-01T00:00:00Z"

    static func files(chapters: [ReadAlongChapter], metadata m: ReadAlongMetadata) -> [EPUBZipWriter.File] {
        var files: [EPUBZipWriter.File] = [EPUBZipWriter.File("META-INF/container.xml", Data("""
            <?xml version="1.0" encoding="UTF-8"?>
            <container version="1.0" xmlns="urn:oasis:names:tc:opendocument:xmlns:container">
              <rootfiles>
                <rootfile full-path="EPUB/package.opf" media-type="application/oebps-package+xml"/>
              </rootfiles>
            </container>

            """.utf8))]
        let coverExt = m.cover.flatMap { ReadAlongEPUB.imageExtensions[$0.mediaType.lowercased()] }
        var manifest = [
            #"<item id="nav" href="nav.xhtml" media-type="application/xhtml+xml" properties="nav"/>"#,
            #"<item id="title-page" href="title.xhtml" media-type="application/xhtml+xml"/>"#,
            #"<item id="style" href="style.css" media-type="text/css"/>"#,
        ]
        var spine = [#"<itemref idref="title-page"/>"#]
        var durations: [String] = []
        var total: Int64 = 0
        if let cover = m.cover, let coverExt {
            manifest.append("<item id=\"cover-image\" href=\"cover.\(coverExt)\" media-type=\"\(cover.mediaType.lowercased())\" properties=\"cover-image\"/>")
            files.append(EPUBZipWriter.File("EPUB/cover.\(coverExt)", cover.data))
        }
        for c in chapters {
            let b = c.baseName
            let clips = c.sentences.map { OverlayClip(textID: $0.id, audioHref: "audio/\(b).mp3", beginMs: $0.beginMs, endMs: $0.endMs) }
            let duration = MediaOverlaySMIL.duration(clips)
            total += duration
            manifest.append("<item id=\"\(b)\" href=\"\(b).xhtml\" media-type=\"application/xhtml+xml\" media-overlay=\"smil-\(b)\"/>")
            manifest.append("<item id=\"smil-\(b)\" href=\"\(b).smil\" media-type=\"application/smil+xml\"/>")
            manifest.append("<item id=\"audio-\(b)\" href=\"audio/\(b).mp3\" media-type=\"audio/mpeg\"/>")
            spine.append("<itemref idref=\"\(b)\"/>")
            durations.append("<meta property=\"media:duration\" refines=\"#smil-\(b)\">\(MediaOverlaySMIL.clock(duration))</meta>")
            files.append(EPUBZipWriter.File("EPUB/\(b).xhtml", chapterXHTML(c, language: m.language)))
            files.append(EPUBZipWriter.File("EPUB/\(b).smil", MediaOverlaySMIL.document(textHref: "\(b).xhtml", clips: clips)))
            files.append(EPUBZipWriter.File("EPUB/audio/\(b).mp3", file: c.audio))
        }
        files.insert(EPUBZipWriter.File("EPUB/package.opf", package(m, manifest: manifest, spine: spine, durations: durations, total: total)), at: 1)
        files.insert(EPUBZipWriter.File("EPUB/nav.xhtml", nav(chapters, metadata: m)), at: 2)
        files.insert(EPUBZipWriter.File("EPUB/title.xhtml", titlePage(m, coverHref: coverExt.map { "cover.\($0)" })), at: 3)
        files.insert(EPUBZipWriter.File("EPUB/style.css", Data(stylesheet.utf8)), at: 4)
        return files
    }

    static let stylesheet = """
        body { margin: 0 5%; line-height: 1.5; }
        h1 { text-align: center; margin: 2em 0 1em; }
        p { text-indent: 1.5em; margin: 0; }
        .title-page { text-align: center; }
        .title-page p { text-indent: 0; margin: 0.5em 0; }
        .title-page img { max-width: 100%; max-height: 60vh; }
        \(ReadAlongEPUB.css)

        """

    private static func page(title: String, language: String, body: String) -> Data {
        let lang = XMLText.attribute(language)
        return Data("""
            <?xml version="1.0" encoding="UTF-8"?>
            <!DOCTYPE html>
            <html xmlns="http://www.w3.org/1999/xhtml" xmlns:epub="http://www.idpf.org/2007/ops" xml:lang="\(lang)" lang="\(lang)">
            <head>
              <meta charset="utf-8"/>
              <title>\(XMLText.text(title))</title>
              <link rel="stylesheet" type="text/css" href="style.css"/>
            </head>
            <body>
            \(body)</body>
            </html>

            """.utf8)
    }

    static func chapterXHTML(_ c: ReadAlongChapter, language: String) -> Data {
        var body = "<section epub:type=\"chapter\" id=\"\(c.baseName)\">\n"
        let heading = c.sentences.filter { $0.paragraph == 0 }
        if heading.isEmpty {
            body += "<h1>\(XMLText.text(c.title))</h1>\n"
        } else {
            body += "<h1>" + heading.map(span).joined(separator: " ") + "</h1>\n"
        }
        var paragraph: [ReadAlongSentence] = []
        func flush() {
            if !paragraph.isEmpty { body += "<p>" + paragraph.map(span).joined(separator: " ") + "</p>\n" }
            paragraph = []
        }
        for s in c.sentences where s.paragraph != 0 {
            if let last = paragraph.last, last.paragraph != s.paragraph { flush() }
            paragraph.append(s)
        }
        flush()
        body += "</section>\n"
        return page(title: c.title, language: language, body: body)
    }

    private static func span(_ s: ReadAlongSentence) -> String {
        "<span id=\"\(s.id)\">\(XMLText.text(s.text.collapsingSpaces))</span>"
    }

    static func nav(_ chapters: [ReadAlongChapter], metadata m: ReadAlongMetadata) -> Data {
        var body = "<nav epub:type=\"toc\" id=\"toc\">\n<h1>Contents</h1>\n<ol>\n"
        for c in chapters { body += "  <li><a href=\"\(c.baseName).xhtml\">\(XMLText.text(c.title))</a></li>\n" }
        body += "</ol>\n</nav>\n"
        return page(title: m.title, language: m.language, body: body)
    }

    static func titlePage(_ m: ReadAlongMetadata, coverHref: String?) -> Data {
        var body = "<section class=\"title-page\" epub:type=\"titlepage\">\n"
        if let coverHref { body += "<p><img src=\"\(coverHref)\" alt=\"Cover of \(XMLText.attribute(m.title))\"/></p>\n" }
        body += "<h1>\(XMLText.text(m.title))</h1>\n"
        if let a = m.author { body += "<p>\(XMLText.text(a))</p>\n" }
        if let n = m.narrator { body += "<p>Read by \(XMLText.text(n))</p>\n" }
        body += "</section>\n"
        return page(title: m.title, language: m.language, body: body)
    }

    static func package(_ m: ReadAlongMetadata, manifest: [String], spine: [String], durations: [String], total: Int64) -> Data {
        var meta = [
            "<dc:identifier id=\"book-id\">\(identifier(m))</dc:identifier>",
            "<dc:title>\(XMLText.text(m.title))</dc:title>",
            "<dc:language>\(XMLText.text(m.language))</dc:language>",
        ]
        if let a = m.author { meta.append("<dc:creator id=\"author\">\(XMLText.text(a))</dc:creator>") }
        if let p = m.publisher { meta.append("<dc:publisher>\(XMLText.text(p))</dc:publisher>") }
        if let d = ReadAlongEPUB.w3cDate(m.date) { meta.append("<dc:date>\(d)</dc:date>") }
        if let d = m.description, !d.isEmpty { meta.append("<dc:description>\(XMLText.text(d))</dc:description>") }
        meta.append("<meta property=\"dcterms:modified\">\(modified)</meta>")
        meta += durations
        meta.append("<meta property=\"media:duration\">\(MediaOverlaySMIL.clock(total))</meta>")
        if let n = m.narrator { meta.append("<meta property=\"media:narrator\">\(XMLText.text(n))</meta>") }
        meta.append("<meta property=\"media:active-class\">\(ReadAlongEPUB.activeClass)</meta>")
        let lang = XMLText.attribute(m.language)
        return Data("""
            <?xml version="1.0" encoding="UTF-8"?>
            <package xmlns="http://www.idpf.org/2007/opf" version="3.0" unique-identifier="book-id" xml:lang="\(lang)">
              <metadata xmlns:dc="http://purl.org/dc/elements/1.1/">
                \(meta.joined(separator: "\n    "))
              </metadata>
              <manifest>
                \(manifest.joined(separator: "\n    "))
              </manifest>
              <spine>
                \(spine.joined(separator: "\n    "))
              </spine>
            </package>

            """.utf8)
    }

    /// "urn:uuid:…": a name-based (version 5 layout) UUID from the SHA-256 of the title, author and language.
    static func identifier(_ m: ReadAlongMetadata) -> String {
        var hex = Array(Hashing.sha256Hex(["bookvox-epub", m.title, m.author ?? "", m.language].joined(separator: "\u{1F}")).prefix(32))
        hex[12] = "5"
        hex[16] = ["8", "9", "a", "b"][Int(String(hex[16]), radix: 16)! & 3]
        let s = String(hex)
        func part(_ a: Int, _ b: Int) -> Substring { s.dropFirst(a).prefix(b - a) }
        return "urn:uuid:\(part(0, 8))-\(part(8, 12))-\(part(12, 16))-\(part(16, 20))-\(part(20, 32))"
    }
}

extension String {
    /// Whitespace runs (newlines included) as single spaces, ends trimmed.
    var collapsingSpaces: String {
        split(whereSeparator: { $0.isWhitespace }).joined(separator: " ")
    }
}
