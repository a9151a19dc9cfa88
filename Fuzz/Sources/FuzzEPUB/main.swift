// libFuzzer target: an EPUB whose first content document is arbitrary bytes. The first byte picks the segment
// limit (1–256) and the merge threshold (0–3); the rest is the XHTML of chapter one, which the table of contents
// also points into at the ids `a` and `b`. The archive is built in memory and written to one temporary file per
// input. Besides not crashing, every segment must be within the limit and the segments must give back each
// chapter's text.
import Foundation
import FuzzDriver
import TextFrontend
import ZIPFoundation

let bookURL = FileManager.default.temporaryDirectory.appendingPathComponent("bookvox-fuzz-\(getpid()).epub")

let fixedFiles: [(String, String)] = [
    ("META-INF/container.xml", """
    <container version="1.0" xmlns="urn:oasis:names:tc:opendocument:xmlns:container"><rootfiles>
    <rootfile full-path="OEBPS/book.opf" media-type="application/oebps-package+xml"/></rootfiles></container>
    """),
    ("OEBPS/book.opf", """
    <package xmlns="http://www.idpf.org/2007/opf" version="3.0"><metadata xmlns:dc="http://purl.org/dc/elements/1.1/">
    <dc:title>Fuzz</dc:title><dc:language>en</dc:language></metadata><manifest>
    <item id="nav" href="nav.xhtml" media-type="application/xhtml+xml" properties="nav"/>
    <item id="one" href="one.xhtml" media-type="application/xhtml+xml"/>
    <item id="two" href="two.xhtml" media-type="application/xhtml+xml"/></manifest>
    <spine><itemref idref="one"/><itemref idref="two"/></spine></package>
    """),
    ("OEBPS/nav.xhtml", """
    <html xmlns:epub="http://www.idpf.org/2007/ops"><body><nav epub:type="toc"><ol>
    <li><a href="one.xhtml">One</a><ol><li><a href="one.xhtml#a">A</a></li><li><a href="one.xhtml#b">B</a></li></ol></li>
    <li><a href="two.xhtml">Two</a></li></ol></nav></body></html>
    """),
    ("OEBPS/two.xhtml", "<html><body><h1>Two</h1><p>The second chapter is plain.</p></body></html>"),
]

func add(_ archive: Archive, _ path: String, _ data: Data, stored: Bool = false) throws {
    try archive.addEntry(with: path, type: .file, uncompressedSize: Int64(data.count),
                         compressionMethod: stored ? .none : .deflate) { pos, size in
        data.subdata(in: Int(pos)..<Int(pos) + size)
    }
}

func fuzzEPUB(_ input: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    guard let data = input, size > 0 else { return 0 }
    let options = SegmenterOptions(maxCharacters: 1 + Int(data[0]), mergeWordsBelow: Int(data[0] >> 6))
    let chapter = Data(UnsafeBufferPointer(start: data + 1, count: size - 1))
    do {
        let archive = try Archive(data: Data(), accessMode: .create)
        try add(archive, "mimetype", Data("application/epub+zip".utf8), stored: true)
        for (path, text) in fixedFiles { try add(archive, path, Data(text.utf8)) }
        try add(archive, "OEBPS/one.xhtml", chapter)
        guard let bytes = archive.data else { return 0 }
        try bytes.write(to: bookURL)
    } catch {
        fatalError("could not build the EPUB: \(error)")
    }
    guard let book = try? BookLoader.load(path: bookURL.path, options: options) else { return 0 }
    for chapter in book.chapters {
        precondition(chapter.isLossless, "chapter \(chapter.index) loses text")
        for s in chapter.segments {
            precondition(s.text.count <= options.maxCharacters, "segment \(s.key) has \(s.text.count) > \(options.maxCharacters) characters")
        }
    }
    return 0
}

exit(FuzzDriver.run(fuzzEPUB))
