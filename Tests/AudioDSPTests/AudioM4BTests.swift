// M4BWriter: AAC in MP4 read back through libavformat/libavcodec (M4BProbe): chapters, tags, cover, length,
// byte-identical output, 210 chapters, and the errors.
import AudioDSP
import Foundation
import XCTest

final class AudioM4BTests: XCTestCase {
    /// An 8×8 RGB PNG (made with zlib; see the test for the bytes' origin).
    static let png = Data(base64Encoded: "iVBORw0KGgoAAAANSUhEUgAAAAgAAAAICAIAAABLbSncAAAAbElEQVR4nBXNQRUAUQhCUaMYhShGeVGIQhSizB+XXA7ODDtouIHBQ4YOM8suWm5h8ZKl+0CskDiBsIioHhx76LiDw0eO3oN/4FVf+J8h0PduzBqZ8x/bxNQPwgaFy192SGgelC0q13/CJaXlA8Z7WAGfV950AAAAAElFTkSuQmCC")!

    private func tempPath(_ name: String) -> String {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("bookvox-m4b-\(getpid())-\(UInt32.random(in: 0...UInt32.max))")
        try? FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        addTeardownBlock { try? FileManager.default.removeItem(at: dir) }
        return dir.appendingPathComponent(name).path
    }

    private func tone(_ seconds: Double, hz: Double) -> [Float] {
        let n = Int(seconds * 44_100)
        return (0..<n).map { Float(0.3 * sin(2 * Double.pi * hz * Double($0) / 44_100)) }
    }

    private let tags = M4BTags(title: "A Book", artist: "An Author", albumArtist: "An Author", album: "A Book",
                               composer: "A Narrator", date: "2024", genre: "Audiobook", comment: "Read by A Narrator",
                               description: "A short description.")

    private func write(_ path: String, chapters: [[Float]], cover: M4BCover?) throws {
        var starts: [Int64] = []
        var total: Int64 = 0
        for c in chapters { starts.append(total); total += Int64(c.count) }
        let marks = starts.enumerated().map { M4BChapter(title: "Chapter \($0.offset + 1) — ü", startSample: $0.element) }
        let w = try M4BWriter(path: path, totalSamples: total, chapters: marks, tags: tags, cover: cover)
        // Appended in uneven pieces (longer and shorter than a 1024-sample frame): frames straddle the pieces
        // and the chapters.
        let sizes = [3_001, 500, 1_024, 7]
        var k = 0
        for c in chapters {
            var i = 0
            while i < c.count {
                let n = min(sizes[k % sizes.count], c.count - i)
                try w.append(Array(c[i..<i + n]))
                i += n
                k += 1
            }
        }
        try w.finish()
    }

    func testChaptersTagsCoverAndLengthReadBack() throws {
        let path = tempPath("book.m4b")
        let chapters = [tone(1.3, hz: 220), tone(0.77, hz: 330), tone(2.05, hz: 440)]
        try write(path, chapters: chapters, cover: try M4BCover(data: Self.png))
        let info = try M4BProbe.read(path: path, decode: true)
        XCTAssertEqual(info.audioCodec, "aac")
        XCTAssertEqual(info.sampleRate, 44_100)
        XCTAssertEqual(info.channels, 1)
        // libavformat's MP4 demuxer drops the encoder priming (from the edit list) but decodes the last frame
        // whole; the container's duration is the exact length.
        let total = Int64(chapters.map(\.count).reduce(0, +))
        let decoded = try XCTUnwrap(info.decodedSamples)
        XCTAssertTrue(decoded >= total && decoded < total + 1024, "\(decoded) decoded for \(total)")
        XCTAssertEqual(info.durationSeconds, Double(total) / 44_100, accuracy: 0.001)
        XCTAssertEqual(info.chapters.count, 3)
        var start = 0.0
        for (i, c) in info.chapters.enumerated() {
            XCTAssertEqual(c.title, "Chapter \(i + 1) — ü")
            XCTAssertEqual(c.startSeconds, start, accuracy: 1024.0 / 44_100, "chapter \(i + 1) start within one AAC frame")
            start += Double(chapters[i].count) / 44_100
            XCTAssertEqual(c.endSeconds, start, accuracy: 1024.0 / 44_100)
        }
        XCTAssertEqual(info.tags["title"], "A Book")
        XCTAssertEqual(info.tags["artist"], "An Author")
        XCTAssertEqual(info.tags["album_artist"], "An Author")
        XCTAssertEqual(info.tags["album"], "A Book")
        XCTAssertEqual(info.tags["composer"], "A Narrator")
        XCTAssertEqual(info.tags["date"], "2024")
        XCTAssertEqual(info.tags["genre"], "Audiobook")
        XCTAssertEqual(info.tags["comment"], "Read by A Narrator")
        XCTAssertEqual(info.tags["description"], "A short description.")
        XCTAssertEqual(info.tags["media_type"], "2", "iTunes media kind Audiobook")
        XCTAssertNil(info.tags["encoder"], "bit-exact: no encoder version string")
        XCTAssertNil(info.tags["creation_time"])
        XCTAssertEqual(info.coverBytes, Self.png.count)
        XCTAssertEqual(info.coverCodec, "png")
    }

    func testTheSameInputGivesTheSameBytes() throws {
        let a = tempPath("a.m4b"), b = tempPath("b.m4b")
        let chapters = [tone(0.9, hz: 200), tone(1.1, hz: 500)]
        try write(a, chapters: chapters, cover: try M4BCover(data: Self.png))
        try write(b, chapters: chapters, cover: try M4BCover(data: Self.png))
        let da = try Data(contentsOf: URL(fileURLWithPath: a))
        XCTAssertGreaterThan(da.count, 1000)
        XCTAssertEqual(da, try Data(contentsOf: URL(fileURLWithPath: b)))
    }

    func testTwoHundredTenChaptersWithoutCover() throws {
        let path = tempPath("many.m4b")
        // 210 chapters of 0.05 s silence (2205 samples: chapter starts fall inside AAC frames).
        let chapters = Array(repeating: [Float](repeating: 0, count: 2_205), count: 210)
        try write(path, chapters: chapters, cover: nil)
        let info = try M4BProbe.read(path: path)
        XCTAssertEqual(info.chapters.count, 210)
        XCTAssertEqual(info.coverBytes, 0)
        XCTAssertEqual(try XCTUnwrap(info.chapters.last).startSeconds, 209 * 0.05, accuracy: 1024.0 / 44_100)
        XCTAssertEqual(info.durationSeconds, 210 * 0.05, accuracy: 0.05)
    }

    func testErrors() throws {
        let path = tempPath("bad.m4b")
        XCTAssertThrowsError(try M4BCover(data: Data("GIF89a....".utf8))) { XCTAssertTrue("\($0)".contains("JPEG or PNG"), "\($0)") }
        // A JPEG's size comes from its SOF0 header after an APP0 segment.
        let jpeg = Data([0xFF, 0xD8, 0xFF, 0xE0, 0, 4, 0, 0, 0xFF, 0xC0, 0, 11, 8, 0x01, 0x2C, 0x02, 0x58, 3, 0, 0, 0])
        let cover = try M4BCover(data: jpeg)
        XCTAssertEqual([cover.width, cover.height], [600, 300])
        XCTAssertEqual(cover.kind, .jpeg)
        XCTAssertEqual([try M4BCover(data: Self.png).width, try M4BCover(data: Self.png).height], [8, 8])
        XCTAssertThrowsError(try M4BCover(data: Data([0xFF, 0xD8, 0xFF, 0xD9]))) { XCTAssertTrue("\($0)".contains("SOF"), "\($0)") }
        XCTAssertThrowsError(try M4BWriter(path: path, totalSamples: 100, chapters: [], tags: tags, cover: nil, bitrateKbps: 65)) {
            XCTAssertTrue("\($0)".contains("65 kbps"), "\($0)")
        }
        let unordered = [M4BChapter(title: "a", startSample: 0), M4BChapter(title: "b", startSample: 0)]
        XCTAssertThrowsError(try M4BWriter(path: path, totalSamples: 100, chapters: unordered, tags: tags, cover: nil)) {
            XCTAssertTrue("\($0)".contains("chapter 2 ('b')"), "\($0)")
        }
        // Declared length and appended audio must agree.
        let w = try M4BWriter(path: path, totalSamples: 5_000, chapters: [M4BChapter(title: "a", startSample: 0)], tags: tags, cover: nil)
        try w.append([Float](repeating: 0, count: 4_000))
        XCTAssertThrowsError(try w.finish()) { XCTAssertTrue("\($0)".contains("5000 samples"), "\($0)") }
        XCTAssertThrowsError(try M4BProbe.read(path: tempPath("missing.m4b"))) { XCTAssertTrue("\($0)".contains("avformat_open_input"), "\($0)") }
    }
}
