import XCTest
@testable import TextFrontend

final class BookErrorTests: XCTestCase {
    private var dir: URL!

    override func setUpWithError() throws {
        dir = FileManager.default.temporaryDirectory.appendingPathComponent("bookvox-text-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(at: dir)
    }

    private func write(_ name: String, _ bytes: [UInt8]) -> String {
        let url = dir.appendingPathComponent(name)
        _ = FileManager.default.createFile(atPath: url.path, contents: Data(bytes))
        return url.path
    }

    private func write(_ name: String, _ text: String) -> String { write(name, Array(text.utf8)) }

    private func expectError(_ path: String, file: StaticString = #filePath, line: UInt = #line,
                             _ check: (BookError) -> Void) {
        XCTAssertThrowsError(try BookLoader.load(path: path), file: file, line: line) { error in
            guard let e = error as? BookError else { return XCTFail("not a BookError: \(error)", file: file, line: line) }
            XCTAssertTrue(e.description.contains(path), "message must name the file: \(e)", file: file, line: line)
            check(e)
        }
    }

    func testFileNotFound() {
        let path = dir.appendingPathComponent("missing.md").path
        expectError(path) { e in
            XCTAssertEqual(e, .fileNotFound(path: path))
            XCTAssertTrue(e.description.contains("not found"))
            XCTAssertTrue(e.description.contains("Check the path"))
        }
    }

    func testEmptyFile() {
        let path = write("empty.md", "")
        expectError(path) { e in
            XCTAssertEqual(e, .emptyFile(path: path))
            XCTAssertTrue(e.description.contains("Add the book's text"))
        }
        let blank = write("blank.txt", "\u{FEFF}  \n\n \t\n")
        expectError(blank) { e in XCTAssertEqual(e, .emptyFile(path: blank)) }
    }

    func testBinaryFileWithNulBytes() {
        let path = write("book.txt", Array("line one\nline two\n".utf8) + [0x00, 0x01, 0x02])
        expectError(path) { e in
            XCTAssertEqual(e, .binaryFile(path: path, line: 3, reason: "a NUL byte at byte offset 18"))
            XCTAssertTrue(e.description.contains("\(path):3:"))
            XCTAssertTrue(e.description.contains("UTF-8"))
        }
    }

    func testBinaryFileWithInvalidUTF8() {
        // "caf\xE9" is Latin-1, not UTF-8.
        let path = write("latin1.md", Array("# Title\n\ncaf".utf8) + [0xE9, 0x0A])
        expectError(path) { e in
            XCTAssertEqual(e, .binaryFile(path: path, line: 3, reason: "a byte that is not valid UTF-8 (0xE9) at byte offset 12"))
            XCTAssertTrue(e.description.contains("iconv"))
        }
    }

    func testUnsupportedExtension() {
        let path = write("book.pdf", "Some text here.")
        expectError(path) { e in
            XCTAssertEqual(e, .unsupportedExtension(path: path, found: "pdf"))
            XCTAssertTrue(e.description.contains(".md, .markdown, .txt, .epub"))
        }
        let fakeEPUB = write("book.epub", "Some text here.")
        expectError(fakeEPUB) { e in
            guard case .invalidEPUB(_, nil, let reason) = e else { return XCTFail("\(e)") }
            XCTAssertTrue(reason.hasPrefix("it is not a ZIP archive"), reason)
        }
        let none = write("README", "Some text here.")
        expectError(none) { e in
            XCTAssertEqual(e, .unsupportedExtension(path: none, found: ""))
            XCTAssertTrue(e.description.contains("no extension"))
        }
    }

    func testMalformedFrontMatterYAML() {
        let path = write("bad.md", "---\ntitle: Fine\nauthor: [unclosed\nseed: 3\n---\n# One\n\nText here.")
        expectError(path) { e in
            guard case .malformedFrontMatter(_, let line, let reason) = e else { return XCTFail("\(e)") }
            XCTAssertTrue((3...5).contains(line), "line \(line) should point into the YAML near the error")
            XCTAssertTrue(reason.contains("invalid YAML"))
            XCTAssertTrue(e.description.contains("\(path):\(line): malformed front matter"))
        }
    }

    func testMalformedFrontMatterValues() {
        let seed = write("seed.md", "---\ntitle: Fine\nseed: lots\n---\nText here.")
        expectError(seed) { e in
            XCTAssertEqual(e, .malformedFrontMatter(path: seed, line: 3,
                                                    reason: "'seed' must be a whole number from 0 to 18446744073709551615 but is 'lots'"))
        }
        let list = write("list.md", "---\ntitle: Fine\nauthor:\n  - A\n  - B\n---\nText here.")
        expectError(list) { e in
            XCTAssertEqual(e, .malformedFrontMatter(path: list, line: 4, reason: "'author' must be text but is a list"))
        }
        let notMapping = write("scalar.md", "---\njust a sentence\n---\nText here.")
        expectError(notMapping) { e in
            guard case .malformedFrontMatter(_, 2, let reason) = e else { return XCTFail("\(e)") }
            XCTAssertTrue(reason.contains("mapping"))
        }
        let unclosed = write("open.md", "---\ntitle: Fine\n\n# One\n\nText here.")
        expectError(unclosed) { e in
            guard case .malformedFrontMatter(_, 1, let reason) = e else { return XCTFail("\(e)") }
            XCTAssertTrue(reason.contains("never closed"))
        }
    }

    func testNoSpeakableText() {
        let path = write("quiet.md", "---\ntitle: Quiet\n---\n<!-- only a comment -->\n\n***\n\n---\n")
        expectError(path) { e in
            XCTAssertEqual(e, .noSpeakableText(path: path))
            XCTAssertTrue(e.description.contains("no speakable text"))
        }
        let gutenberg = write("pg.txt", "*** START OF THE PROJECT GUTENBERG EBOOK X ***\n\n* * *\n\n*** END OF THE PROJECT GUTENBERG EBOOK X ***\nlicence")
        expectError(gutenberg) { e in XCTAssertEqual(e, .noSpeakableText(path: gutenberg)) }
    }

    func testDirectoryIsUnreadable() {
        let path = dir.appendingPathComponent("folder.md").path
        try? FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        expectError(path) { e in
            XCTAssertEqual(e, .unreadable(path: path, reason: "it is a directory"))
        }
    }

    func testLoadsFromDiskByExtension() throws {
        let md = write("ok.markdown", "# One\n\nHello there, world.")
        XCTAssertEqual(try BookLoader.load(path: md).chapters[0].title, "One")
        let txt = write("ok.TXT", "# One\n\nHello there, world.")
        let plain = try BookLoader.load(path: txt)
        XCTAssertEqual(plain.chapters[0].title, "ok")
        XCTAssertTrue(plain.chapters[0].segments[0].text.hasPrefix("# One"))
    }
}
