// The test books for the EPUB reader, written in code: an EPUB 3 (navigation document with nested entries, one
// pointing into the middle of a document, nested sections, footnotes, a cover image and cover page, a copyright
// page, an entity-heavy page, a dedication no entry covers, endnotes outside the reading order) and an EPUB 2
// (NCX, guide, `<meta name="cover">`, a windows-1252 document).
import Foundation

public enum SampleEPUBs {
    /// A complete 8×8 PNG (the M4B export attaches it as the cover).
    public static let pngBytes = Data(base64Encoded: "iVBORw0KGgoAAAANSUhEUgAAAAgAAAAICAIAAABLbSncAAAAbElEQVR4nBXNQRUAUQhCUaMYhShGeVGIQhSizB+XXA7ODDtouIHBQ4YOM8suWm5h8ZKl+0CskDiBsIioHhx76LiDw0eO3oN/4FVf+J8h0PduzBqZ8x/bxNQPwgaFy192SGgelC0q13/CJaXlA8Z7WAGfV950AAAAAElFTkSuQmCC")!
    public static let jpegBytes = Data([0xFF, 0xD8, 0xFF, 0xE0, 0, 16, 0x4A, 0x46, 0x49, 0x46, 0, 1])

    static func xhtml(_ title: String, _ body: String, bodyAttributes: String = "") -> String {
        """
        <?xml version="1.0" encoding="UTF-8"?>
        <!DOCTYPE html>
        <html xmlns="http://www.w3.org/1999/xhtml" xmlns:epub="http://www.idpf.org/2007/ops" lang="en">
        <head><title>\(title)</title><link rel="stylesheet" href="../css/style.css"/><style>p { margin: 0 }</style></head>
        <body\(bodyAttributes)>
        \(body)
        </body>
        </html>
        """
    }

    /// The EPUB 3 test book's files (without mimetype and container.xml).
    public static func epub3() -> EPUBBuilder {
        var b = EPUBBuilder()
        b.addContainer(opfPath: "OEBPS/content.opf")
        b.add("OEBPS/content.opf", """
        <?xml version="1.0" encoding="UTF-8"?>
        <package xmlns="http://www.idpf.org/2007/opf" version="3.0" unique-identifier="uid">
          <metadata xmlns:dc="http://purl.org/dc/elements/1.1/">
            <dc:identifier id="uid">urn:uuid:12345678-1234-1234-1234-123456789abc</dc:identifier>
            <dc:title id="t2">A Subtitle Nobody Wants</dc:title>
            <dc:title id="t1">The Test Voyage</dc:title>
            <meta refines="#t1" property="title-type">main</meta>
            <meta refines="#t2" property="title-type">subtitle</meta>
            <dc:creator id="c1">Ann Author</dc:creator>
            <meta refines="#c1" property="role" scheme="marc:relators">aut</meta>
            <dc:creator id="c2">Ed Itor</dc:creator>
            <meta refines="#c2" property="role" scheme="marc:relators">edt</meta>
            <dc:language>en-GB</dc:language>
            <dc:publisher>Tiny Press</dc:publisher>
            <dc:date>2021-03-04</dc:date>
            <dc:description>&lt;p&gt;A &lt;b&gt;short&lt;/b&gt; test book.&lt;/p&gt;</dc:description>
            <meta property="dcterms:modified">2021-03-04T00:00:00Z</meta>
          </metadata>
          <manifest>
            <item id="nav" href="nav.xhtml" media-type="application/xhtml+xml" properties="nav"/>
            <item id="cover-img" href="images/cover.png" media-type="image/png" properties="cover-image"/>
            <item id="coverpage" href="text/cover.xhtml" media-type="application/xhtml+xml"/>
            <item id="rights" href="text/rights.xhtml" media-type="application/xhtml+xml"/>
            <item id="dedication" href="text/dedication.xhtml" media-type="application/xhtml+xml"/>
            <item id="ch1" href="text/ch1.xhtml" media-type="application/xhtml+xml"/>
            <item id="ch2" href="text/ch2.xhtml" media-type="application/xhtml+xml"/>
            <item id="ch3a" href="text/ch3%20a.xhtml" media-type="application/xhtml+xml"/>
            <item id="ch3b" href="text/ch3b.xhtml" media-type="application/xhtml+xml"/>
            <item id="words" href="text/words.xhtml" media-type="application/xhtml+xml"/>
            <item id="endnotes" href="text/endnotes.xhtml" media-type="application/xhtml+xml"/>
            <item id="css" href="css/style.css" media-type="text/css"/>
          </manifest>
          <spine>
            <itemref idref="coverpage"/>
            <itemref idref="rights"/>
            <itemref idref="nav"/>
            <itemref idref="dedication"/>
            <itemref idref="ch1"/>
            <itemref idref="ch2"/>
            <itemref idref="ch3a"/>
            <itemref idref="ch3b"/>
            <itemref idref="words"/>
            <itemref idref="endnotes" linear="no"/>
          </spine>
        </package>
        """)
        b.add("OEBPS/nav.xhtml", xhtml("Contents", """
        <nav epub:type="toc" id="toc"><h1>Contents</h1>
          <ol>
            <li><a href="text/ch1.xhtml">Part One</a>
              <ol>
                <li><a href="text/ch1.xhtml#c1">Chapter 1: Departure</a>
                  <ol><li><a href="text/ch1.xhtml#storm">The Storm</a></li></ol>
                </li>
                <li><a href="text/ch2.xhtml">Chapter 2: Notes &amp; Asides</a></li>
              </ol>
            </li>
            <li><a href="text/ch3%20a.xhtml">Chapter 3</a></li>
            <li><a href="text/words.xhtml#words">Odd Words</a></li>
            <li><a href="text/endnotes.xhtml">Notes</a></li>
          </ol>
        </nav>
        <nav epub:type="landmarks" hidden="">
          <ol>
            <li><a epub:type="cover" href="text/cover.xhtml">Cover</a></li>
            <li><a epub:type="copyright-page" href="text/rights.xhtml">Copyright</a></li>
            <li><a epub:type="bodymatter" href="text/ch1.xhtml">Start</a></li>
          </ol>
        </nav>
        """))
        b.add("OEBPS/images/cover.png", data: pngBytes)
        b.add("OEBPS/css/style.css", "p { text-indent: 1em }")
        b.add("OEBPS/text/cover.xhtml", xhtml("Cover", """
        <section epub:type="cover"><img src="../images/cover.png" alt="The Test Voyage, a ship on a green sea"/></section>
        """))
        b.add("OEBPS/text/rights.xhtml", xhtml("Rights", """
        <section><p>Copyright &copy; 2021 Ann Author. All rights reserved.</p><p>Printed nowhere at all.</p></section>
        """))
        b.add("OEBPS/text/dedication.xhtml", xhtml("Dedication", """
        <section epub:type="dedication"><h2>Dedication</h2><p>For my patient friends, who listened twice.</p></section>
        """))
        b.add("OEBPS/text/ch1.xhtml", xhtml("Part One", """
        <section id="part1" epub:type="part">
          <h1>Part One</h1>
          <section id="c1" epub:type="chapter">
            <h2>Chapter 1</h2>
            <p>The ship left the harbour at dawn. Nobody waved from the pier.</p>
            <blockquote><p>Sail on, the old sign said in faded paint.</p></blockquote>
            <ul><li>Three barrels of water went aboard.</li><li>Two crates of apples followed them.</li></ul>
            <section id="storm">
              <h3>The Storm</h3>
              <p>By noon the sky had turned the colour of slate.</p>
              <hr/>
              <p>The storm passed in the night and left the deck clean.</p>
            </section>
          </section>
        </section>
        """))
        b.add("OEBPS/text/ch2.xhtml", xhtml("Chapter 2", """
        <h2>Chapter 2</h2>
        <p>The captain kept a diary<a epub:type="noteref" href="#fn1" id="r1">1</a> in a locked drawer.</p>
        <p>Every entry began with the weather<sup><a href="endnotes.xhtml#n2">2</a></sup> and ended with a list.</p>
        <p>The cook had opinions<a class="noteref" href="endnotes.xhtml#n3">[3]</a> about every list<span epub:type="pagebreak" id="page7" title="7">7</span> he saw.</p>
        <aside epub:type="footnote" id="fn1"><p>This footnote is never read aloud.</p></aside>
        <div class="footnote"><p>Neither is this one with a class.</p></div>
        <p role="doc-footnote">Nor this one with a role.</p>
        <p>The crew ate their apples in silence.</p>
        """))
        b.add("OEBPS/text/ch3 a.xhtml", xhtml("Chapter 3", """
        <h2>Chapter 3</h2>
        <p>Land appeared on the fourth morning.</p>
        """))
        b.add("OEBPS/text/ch3b.xhtml", xhtml("Chapter 3, continued", """
        <p>They rowed ashore before the tide turned.</p>
        <section epub:type="footnotes"><p>A chapter may end with its notes; they are not read.</p></section>
        """))
        b.add("OEBPS/text/words.xhtml", xhtml("Odd Words", """
        <section id="words">
        <h2>Odd&nbsp;Words</h2>
        <p>The caf&eacute; served cr&egrave;me br&ucirc;l&eacute;e&mdash;and nothing else&hellip;</p>
        <p>&ldquo;Don&rsquo;t go,&rdquo; said Zo&euml; &amp; her friend, &laquo;tr&egrave;s bien&raquo;.</p>
        <p>* * *</p>
        <p>A beau&shy;tiful line<br/>broke in two places.</p>
        <p><img src="../images/cover.png" alt="An image that is not read"/>The map was lost.</p>
        <table><tr><td>Tables are not read.</td></tr></table>
        <script>var notRead = "scripts are not read";</script>
        <p>Numbers like 3 and &#8220;numeric&#8221; entities &#x2014; work too.</p>
        </section>
        """))
        b.add("OEBPS/text/endnotes.xhtml", xhtml("Notes", """
        <section epub:type="endnotes"><h2>Notes</h2>
        <ol><li id="n2"><p>The weather was always bad.</p></li><li id="n3"><p>Strong ones.</p></li></ol></section>
        """))
        return b
    }

    /// The EPUB 2 test book's files.
    public static func epub2() -> EPUBBuilder {
        var b = EPUBBuilder()
        b.addContainer(opfPath: "content.opf")
        b.add("content.opf", """
        <?xml version="1.0" encoding="UTF-8"?>
        <package xmlns="http://www.idpf.org/2007/opf" version="2.0" unique-identifier="BookId">
          <metadata xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:opf="http://www.idpf.org/2007/opf">
            <dc:title>Old Harbour Tales</dc:title>
            <dc:creator opf:role="aut" opf:file-as="Writer, Wilma">Wilma Writer</dc:creator>
            <dc:creator opf:role="ill">Ian Illustrator</dc:creator>
            <dc:language>en</dc:language>
            <dc:date opf:event="creation">1999</dc:date>
            <dc:date opf:event="publication">1901</dc:date>
            <dc:identifier id="BookId">urn:isbn:0000000000</dc:identifier>
            <meta name="cover" content="cover-jpg"/>
          </metadata>
          <manifest>
            <item id="ncx" href="toc.ncx" media-type="application/x-dtbncx+xml"/>
            <item id="cover-jpg" href="images/cover.jpg" media-type="image/jpeg"/>
            <item id="cover" href="cover.html" media-type="application/xhtml+xml"/>
            <item id="title" href="title.html" media-type="application/xhtml+xml"/>
            <item id="contents" href="toc.html" media-type="application/xhtml+xml"/>
            <item id="one" href="chapter-one.html" media-type="application/xhtml+xml"/>
            <item id="two" href="chapter-two.html" media-type="application/xhtml+xml"/>
            <item id="colophon" href="colophon.html" media-type="application/xhtml+xml"/>
          </manifest>
          <spine toc="ncx">
            <itemref idref="cover"/>
            <itemref idref="title"/>
            <itemref idref="contents"/>
            <itemref idref="one"/>
            <itemref idref="two"/>
            <itemref idref="colophon"/>
          </spine>
          <guide>
            <reference type="cover" title="Cover" href="cover.html"/>
            <reference type="title-page" title="Title" href="title.html"/>
            <reference type="text" title="Start" href="chapter-one.html"/>
          </guide>
        </package>
        """)
        b.add("toc.ncx", """
        <?xml version="1.0" encoding="UTF-8"?>
        <ncx xmlns="http://www.daisy.org/z3986/2005/ncx/" version="2005-1">
          <head><meta name="dtb:uid" content="urn:isbn:0000000000"/></head>
          <docTitle><text>Old Harbour Tales</text></docTitle>
          <navMap>
            <navPoint id="p1" playOrder="1"><navLabel><text>The First Tale</text></navLabel><content src="chapter-one.html"/>
              <navPoint id="p2" playOrder="2"><navLabel><text>The Lighthouse</text></navLabel><content src="chapter-one.html#light"/></navPoint>
            </navPoint>
            <navPoint id="p3" playOrder="3"><navLabel><text>The Second Tale</text></navLabel><content src="chapter-two.html"/></navPoint>
          </navMap>
        </ncx>
        """)
        b.add("images/cover.jpg", data: jpegBytes)
        b.add("cover.html", "<html><body><div><img src=\"images/cover.jpg\" alt=\"cover\"/></div></body></html>")
        b.add("title.html", "<html><body><h1>Old Harbour Tales</h1><p>by Wilma Writer</p></body></html>")
        b.add("toc.html", "<html><body><h1>Contents</h1><p><a href=\"chapter-one.html\">The First Tale</a></p></body></html>")
        b.add("chapter-one.html", """
        <?xml version="1.0" encoding="UTF-8"?>
        <!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.1//EN" "http://www.w3.org/TR/xhtml11/DTD/xhtml11.dtd">
        <html xmlns="http://www.w3.org/1999/xhtml"><head><title>One</title></head><body>
        <h1>The First Tale</h1>
        <p>The harbour was quiet that winter.</p>
        <div><p>Fishermen mended their nets by the fire.</p></div>
        <h2><a name="light"></a>The Lighthouse</h2>
        <p>The keeper climbed the stairs every evening.</p>
        </body></html>
        """)
        // windows-1252, declared in the XML declaration: curly quotes are 0x93/0x94, é is 0xE9.
        var two = Data("""
        <?xml version="1.0" encoding="windows-1252"?>
        <html xmlns="http://www.w3.org/1999/xhtml"><head><title>Two</title></head><body>
        <h1>The Second Tale</h1>
        <p>
        """.utf8)
        two.append(contentsOf: [0x93])
        two.append(Data("Come in,".utf8))
        two.append(contentsOf: [0x94])
        two.append(Data(" said the keeper to the caf".utf8))
        two.append(contentsOf: [0xE9])
        two.append(Data(" owner.</p>\n</body></html>".utf8))
        b.add("chapter-two.html", data: two)
        b.add("colophon.html", "<html><body><p>Set in a typeface nobody remembers.</p></body></html>")
        return b
    }
}
