// Damaged and hostile EPUBs: each gives a BookError that names the book and the file inside it, and nothing is
// written to disk.
import TestSupport
import XCTest
@testable import TextFrontend

final class BookEPUBErrorTests: XCTestCase {
    private var dir: URL!

    override func setUpWithError() throws {
        dir = FileManager.default.temporaryDirectory.appendingPathComponent("bookvox-epub-err-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(at: dir)
    }

    private func write(_ builder: EPUBBuilder) throws -> String {
        let url = dir.appendingPathComponent("book.epub")
        try builder.write(to: url)
        return url.path
    }

    private func expectError(_ path: String, limits: EPUBLimits = .init(), mentions: [String],
                             file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertThrowsError(try BookLoader.load(path: path, limits: limits), file: file, line: line) { error in
            guard let e = error as? BookError else { return XCTFail("not a BookError: \(error)", file: file, line: line) }
            for m in [path] + mentions {
                XCTAssertTrue(e.description.contains(m), "'\(m)' missing from: \(e)", file: file, line: line)
            }
        }
        let left = (try? FileManager.default.contentsOfDirectory(atPath: dir.path)) ?? []
        XCTAssertEqual(left, ["book.epub"], "nothing is extracted", file: file, line: line)
    }

    /// The EPUB 2 sample with `change` applied to its files.
    private func sample(_ change: (inout EPUBBuilder) -> Void) -> EPUBBuilder {
        var b = SampleEPUBs.epub2()
        change(&b)
        return b
    }

    func testMissingContainer() throws {
        let path = try write(sample { $0.files.removeAll { $0.path == "META-INF/container.xml" } })
        expectError(path, mentions: ["META-INF/container.xml", "missing"])
    }

    func testContainerNamesMissingPackage() throws {
        let path = try write(sample { b in
            b.files.removeAll { $0.path == "META-INF/container.xml" }
            b.addContainer(opfPath: "OPS/package.opf")
        })
        expectError(path, mentions: ["OPS/package.opf", "missing"])
    }

    func testMalformedPackageDocument() throws {
        let path = try write(sample { b in
            b.files.removeAll { $0.path == "content.opf" }
            b.add("content.opf", "this is not < xml at all")
        })
        expectError(path, mentions: ["content.opf"])
    }

    func testPathAboveTheRoot() throws {
        let path = try write(sample { b in
            let i = b.files.firstIndex { $0.path == "content.opf" }!
            let opf = String(decoding: b.files[i].data, as: UTF8.self)
                .replacingOccurrences(of: "href=\"chapter-two.html\"", with: "href=\"../../etc/passwd\"")
            b.files[i].data = Data(opf.utf8)
        })
        expectError(path, mentions: ["content.opf", "'../../etc/passwd' points above the archive's root"])
    }

    func testMissingSpineDocument() throws {
        let path = try write(sample { $0.files.removeAll { $0.path == "chapter-two.html" } })
        expectError(path, mentions: ["chapter-two.html", "missing from the archive"])
    }

    func testEncryptedContentIsRefused() throws {
        let path = try write(sample { b in
            b.add("META-INF/encryption.xml", """
            <encryption xmlns="urn:oasis:names:tc:opendocument:xmlns:container" xmlns:enc="http://www.w3.org/2001/04/xmlenc#">
              <enc:EncryptedData><enc:EncryptionMethod Algorithm="http://www.w3.org/2001/04/xmlenc#aes128-cbc"/>
                <enc:CipherData><enc:CipherReference URI="chapter-one.html"/></enc:CipherData></enc:EncryptedData>
            </encryption>
            """)
        })
        expectError(path, mentions: ["DRM", "META-INF/encryption.xml"])
    }

    func testRightsFileIsRefused() throws {
        let path = try write(sample { $0.add("META-INF/rights.xml", "<rights/>") })
        expectError(path, mentions: ["DRM", "META-INF/rights.xml"])
    }

    func testFontObfuscationIsNotDRM() throws {
        let path = try write(sample { b in
            b.add("META-INF/encryption.xml", """
            <encryption xmlns="urn:oasis:names:tc:opendocument:xmlns:container" xmlns:enc="http://www.w3.org/2001/04/xmlenc#">
              <enc:EncryptedData><enc:EncryptionMethod Algorithm="http://www.idpf.org/2008/embedding"/>
                <enc:CipherData><enc:CipherReference URI="fonts/a.otf"/></enc:CipherData></enc:EncryptedData>
            </encryption>
            """)
        })
        XCTAssertEqual(try BookLoader.load(path: path).chapters.count, 3)
    }

    func testEntryDeclaredLargerThanTheCap() throws {
        let path = try write(sample { b in
            let big = "<html><body><p>" + String(repeating: "All work and no play. ", count: 100_000) + "</p></body></html>"
            b.files.removeAll { $0.path == "chapter-two.html" }
            b.add("chapter-two.html", big)
        })
        expectError(path, limits: EPUBLimits(maxEntryBytes: 1 << 20, maxTotalBytes: 64 << 20),
                    mentions: ["chapter-two.html", "larger than the 1 MiB"])
    }

    func testEntryInflatingPastWhatItDeclares() throws {
        let path = try write(sample { b in
            let big = "<html><body><p>" + String(repeating: "All work and no play. ", count: 100_000) + "</p></body></html>"
            b.files.removeAll { $0.path == "chapter-two.html" }
            b.add("chapter-two.html", big)
        })
        try EPUBBuilder.patchDeclaredSize(of: "chapter-two.html", in: URL(fileURLWithPath: path), to: 100)
        expectError(path, limits: EPUBLimits(maxEntryBytes: 1 << 20, maxTotalBytes: 64 << 20),
                    mentions: ["chapter-two.html", "inflates to more than that"])
    }

    func testTotalInflatedSizeIsCapped() throws {
        let path = try write(sample { b in
            let big = "<html><body><p>" + String(repeating: "All work and no play. ", count: 40_000) + "</p></body></html>"
            for name in ["chapter-one.html", "chapter-two.html"] {
                b.files.removeAll { $0.path == name }
                b.add(name, big)
            }
        })
        expectError(path, limits: EPUBLimits(maxEntryBytes: 1 << 20, maxTotalBytes: 1 << 20),
                    mentions: ["chapter-two.html", "ZIP bomb"])
    }

    func testNotAZip() throws {
        let url = dir.appendingPathComponent("book.epub")
        try Data("just some text pretending".utf8).write(to: url)
        expectError(url.path, mentions: ["not a ZIP archive"])
    }

    func testWrongMimetype() throws {
        var b = sample { _ in }
        b.includesMimetype = false
        b.add("mimetype", "application/zip")
        expectError(try write(b), mentions: ["mimetype", "application/epub+zip"])
    }

    func testDeeplyNestedDocumentIsReadWithoutCrashing() throws {
        let path = try write(sample { b in
            let deep = String(repeating: "<div>", count: 50_000) + "Lost in the middle." + String(repeating: "</div>", count: 50_000)
            b.files.removeAll { $0.path == "chapter-two.html" }
            b.add("chapter-two.html", "<html><body><h1>The Second Tale</h1><p>The keeper kept on climbing.</p>\(deep)</body></html>")
        })
        let book = try BookLoader.load(path: path)
        XCTAssertEqual(book.chapters.last?.segments.map(\.text).prefix(2), ["The Second Tale", "The keeper kept on climbing."])
    }

    func testEntityExpansionInThePackageIsNotFollowed() throws {
        let path = try write(sample { b in
            let i = b.files.firstIndex { $0.path == "content.opf" }!
            var opf = String(decoding: b.files[i].data, as: UTF8.self)
            let entities = (1...9).map { n in "<!ENTITY e\(n) \"" + String(repeating: "&e\(n - 1);", count: 10) + "\">" }
            opf = opf.replacingOccurrences(of: "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n", with: """
                <?xml version="1.0" encoding="UTF-8"?>
                <!DOCTYPE package [<!ENTITY e0 "lol">\(entities.joined())]>

                """)
            opf = opf.replacingOccurrences(of: "<dc:title>Old Harbour Tales</dc:title>", with: "<dc:title>Tales &e9;</dc:title>")
            b.files[i].data = Data(opf.utf8)
        })
        // libxml2 stops at the amplification; what it recovered lacks the manifest, and the error says why.
        expectError(path, mentions: ["content.opf", "it has no <manifest> (XML error on line", "entity"])
    }
}
