// The book's M4B through render and export: chapter marks where the timings put the chapters, tags, cover,
// byte-identical re-exports, repair of a damaged file, a killed export's temp file, the cover errors, the
// safe file name. (ChapterSelectionTests checks the M4B of Pride and Prejudice's first chapter.)
import AudioDSP
import Bookvox
import Foundation
import TestSupport
import XCTest

final class M4BExportTests: XCTestCase {
    /// An 8×8 RGB PNG.
    static let png = Data(base64Encoded: "iVBORw0KGgoAAAANSUhEUgAAAAgAAAAICAIAAABLbSncAAAAbElEQVR4nBXNQRUAUQhCUaMYhShGeVGIQhSizB+XXA7ODDtouIHBQ4YOM8suWm5h8ZKl+0CskDiBsIioHhx76LiDw0eO3oN/4FVf+J8h0PduzBqZ8x/bxNQPwgaFy192SGgelC0q13/CJaXlA8Z7WAGfV950AAAAAElFTkSuQmCC")!

    private func coverBook(_ ws: TestWorkspace, cover: String = "cover.png") throws -> String {
        try Self.png.write(to: ws.root.appendingPathComponent("cover.png"))
        return try ws.write("book.md", """
            ---
            title: "Tiny: Book"
            author: Test Author
            narrator: Nora Narrator
            cover: \(cover)
            seed: 7
            ---

            # One

            Hello there, friend. This is a test.

            # Two

            The road was long. The rain fell hard.

            # Three

            "Is it done?" she asked. It was done.

            """)
    }

    /// Chapter starts (44.1 kHz samples) as the timings files lay the book out: masters back to back, each
    /// round(n · 44100 / rate) samples long.
    private func expectedStarts(_ layout: ProjectLayout, chapters: [Int], of count: Int) throws -> (starts: [Int64], total: Int64) {
        var starts: [Int64] = []
        var total: Int64 = 0
        for ch in chapters {
            let t = try JSONDecoder().decode(ChapterTimings.self,
                                             from: Data(contentsOf: layout.exportFile(chapter: ch, of: count, ext: "timings.json")))
            starts.append(total)
            total += Int64((Double(t.totalSamples) * 44_100 / Double(t.sampleRate)).rounded())
        }
        return (starts, total)
    }

    func testRenderWritesTheBookM4BWithChaptersTagsAndCover() throws {
        let ws = try TestWorkspace()
        let report = try RenderSession.render(book: try coverBook(ws), options: RenderOptions(projectDir: ws.path("p"), engine: "espeak"),
                                              progress: SilentProgress())
        let layout = report.project
        let m4b = layout.exportDir.appendingPathComponent("Tiny_ Book.m4b")
        let info = try M4BProbe.read(path: m4b.path, decode: true)
        XCTAssertEqual(info.audioCodec, "aac")
        XCTAssertEqual(info.sampleRate, 44_100)
        XCTAssertEqual(info.channels, 1)
        let (starts, total) = try expectedStarts(layout, chapters: [1, 2, 3], of: 3)
        XCTAssertEqual(info.chapters.map(\.title), ["One", "Two", "Three"])
        for (c, start) in zip(info.chapters, starts) {
            XCTAssertEqual(c.startSeconds, Double(start) / 44_100, accuracy: 1024.0 / 44_100, "\(c.title ?? "")")
        }
        XCTAssertEqual(info.durationSeconds, Double(total) / 44_100, accuracy: 0.001)
        XCTAssertEqual(info.tags["title"], "Tiny: Book")
        XCTAssertEqual(info.tags["album"], "Tiny: Book")
        XCTAssertEqual(info.tags["artist"], "Test Author")
        XCTAssertEqual(info.tags["album_artist"], "Test Author")
        XCTAssertEqual(info.tags["composer"], "Nora Narrator")
        XCTAssertEqual(info.tags["genre"], "Audiobook")
        XCTAssertEqual(info.coverBytes, Self.png.count)
        XCTAssertEqual(info.coverCodec, "png")

        // Up to date: nothing rewritten. Forced: the same bytes again.
        let store = try JobStore(layout: layout)
        let recorded = try store.bookExports()
        XCTAssertEqual(recorded.map(\.fileName).sorted(), ["Tiny_ Book.m4b", "Tiny_ Book.srt", "Tiny_ Book.vtt"])
        let bytes = try Data(contentsOf: m4b)
        var result = try ProjectCommands.export(project: layout)
        XCTAssertEqual(result.bookWritten, [])
        XCTAssertEqual(result.bookUpToDate.count, 3)
        result = try ProjectCommands.export(project: layout, force: true)
        XCTAssertEqual(result.bookWritten.count, 3)
        XCTAssertEqual(try Data(contentsOf: m4b), bytes, "two exports of the same book are byte-identical")
        XCTAssertEqual(Hashing.sha256Hex(bytes), try store.bookExports().first { $0.format == "m4b" }?.sha256)

        // Another MP3 bitrate rewrites the chapters' MP3s, not the book files (their audio is the same).
        result = try ProjectCommands.export(project: layout, changes: ExportChanges(bitrateKbps: 128))
        XCTAssertEqual(result.written, [1, 2, 3])
        XCTAssertEqual(result.bookWritten, [])

        // A truncated M4B and a killed export's temp file: the next export rewrites the one and removes the other.
        try bytes.prefix(bytes.count / 2).write(to: m4b)
        let leftover = layout.exportDir.appendingPathComponent(".tmp-99999-1-Tiny_ Book.m4b")
        try Data("partial".utf8).write(to: leftover)
        result = try ProjectCommands.export(project: layout)
        XCTAssertEqual(result.bookWritten, ["Tiny_ Book.m4b"])
        XCTAssertEqual(try Data(contentsOf: m4b), bytes)
        XCTAssertFalse(FileManager.default.fileExists(atPath: leftover.path))

        // Without the cover (front matter changed): rewritten, no picture.
        try String(contentsOfFile: ws.path("book.md"), encoding: .utf8).replacingOccurrences(of: "cover: cover.png\n", with: "")
            .write(toFile: ws.path("book.md"), atomically: true, encoding: .utf8)
        result = try ProjectCommands.export(project: layout)
        XCTAssertEqual(result.bookWritten, ["Tiny_ Book.m4b"], "only the M4B depends on the cover")
        XCTAssertEqual(try M4BProbe.read(path: m4b.path).coverBytes, 0)
    }

    func testMissingCoverIsBadInputNamingIt() throws {
        let ws = try TestWorkspace()
        let book = try coverBook(ws, cover: "art/missing.jpg")
        var options = RenderOptions(projectDir: ws.path("p"), engine: "espeak")
        options.exportChanges = ExportChanges(formats: [.m4b])
        XCTAssertThrowsError(try RenderSession.render(book: book, options: options, progress: SilentProgress())) {
            XCTAssertTrue("\($0)".contains("art/missing.jpg"), "\($0)")
        }
        try Data("GIF89a".utf8).write(to: ws.root.appendingPathComponent("cover.png"))
        try String(contentsOfFile: book, encoding: .utf8).replacingOccurrences(of: "art/missing.jpg", with: "cover.png")
            .write(toFile: book, atomically: true, encoding: .utf8)
        // The missing cover stopped the render before it created the project; a GIF cover fails the M4B export.
        XCTAssertThrowsError(try RenderSession.render(book: book, options: options, progress: SilentProgress())) {
            XCTAssertTrue("\($0)".contains("not a JPEG or PNG"), "\($0)")
        }
    }

    func testSafeFileNames() {
        XCTAssertEqual(BookExporter.fileBase(title: "Pride and Prejudice"), "Pride and Prejudice")
        XCTAssertEqual(BookExporter.fileBase(title: "a/b\\c: d*?\"<>|"), "a_b_c_ d______")
        XCTAssertEqual(BookExporter.fileBase(title: "..hidden.  "), "hidden")
        XCTAssertEqual(BookExporter.fileBase(title: " \u{202E} "), "book")
        XCTAssertEqual(BookExporter.fileBase(title: "chapter-01"), "book chapter-01")
        XCTAssertEqual(BookExporter.fileBase(title: String(repeating: "x", count: 300)).count, 100)
    }
}
