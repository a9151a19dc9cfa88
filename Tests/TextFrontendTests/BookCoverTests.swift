// Markdown front matter's cover (loaded relative to the book file; a missing or non-image file is an error naming
// it) and the publisher / date / description keys.
import TestSupport
import XCTest
@testable import TextFrontend

final class BookCoverTests: XCTestCase {
    private var dir: URL!

    override func setUpWithError() throws {
        dir = FileManager.default.temporaryDirectory.appendingPathComponent("bookvox-cover-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir.appendingPathComponent("art"), withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(at: dir)
    }

    private func book(cover: String) throws -> String {
        let url = dir.appendingPathComponent("book.md")
        try """
        ---
        title: Covered
        cover: \(cover)
        publisher: Tiny Press
        date: 2020-05-01
        description: A book with a picture on the front.
        ---
        # One

        Some text to read aloud here.
        """.write(to: url, atomically: true, encoding: .utf8)
        return url.path
    }

    func testCoverIsLoadedRelativeToTheBook() throws {
        try SampleEPUBs.pngBytes.write(to: dir.appendingPathComponent("art/front.png"))
        let book = try BookLoader.load(path: try book(cover: "art/front.png"))
        XCTAssertEqual(book.metadata.cover, "art/front.png")
        XCTAssertEqual(book.metadata.coverImage?.data, SampleEPUBs.pngBytes)
        XCTAssertEqual(book.metadata.coverImage?.mediaType, "image/png")
        XCTAssertEqual(book.metadata.coverImage?.source, dir.appendingPathComponent("art/front.png").standardizedFileURL.path)
        XCTAssertEqual(book.metadata.publisher, "Tiny Press")
        XCTAssertEqual(book.metadata.date, "2020-05-01")
        XCTAssertEqual(book.metadata.description, "A book with a picture on the front.")
    }

    func testJPEGNamedPNGGetsItsRealType() throws {
        try SampleEPUBs.jpegBytes.write(to: dir.appendingPathComponent("art/front.png"))
        let book = try BookLoader.load(path: try book(cover: "art/front.png"))
        XCTAssertEqual(book.metadata.coverImage?.mediaType, "image/jpeg")
    }

    func testMissingCoverIsAnErrorNamingIt() throws {
        let path = try book(cover: "art/missing.jpg")
        XCTAssertThrowsError(try BookLoader.load(path: path)) { error in
            guard case BookError.coverUnreadable(let p, let cover, _)? = error as? BookError else { return XCTFail("\(error)") }
            XCTAssertEqual(p, path)
            XCTAssertEqual(cover, dir.appendingPathComponent("art/missing.jpg").standardizedFileURL.path)
            XCTAssertTrue("\(error)".contains(cover) && "\(error)".contains("no such file"), "\(error)")
        }
    }

    func testCoverThatIsNotAnImageIsAnError() throws {
        try Data("not a picture".utf8).write(to: dir.appendingPathComponent("art/notes.txt"))
        XCTAssertThrowsError(try BookLoader.load(path: try book(cover: "art/notes.txt"))) { error in
            XCTAssertTrue("\(error)".contains("art/notes.txt") && "\(error)".contains("not a JPEG, PNG"), "\(error)")
        }
    }
}
