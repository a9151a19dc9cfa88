import AudioDSP
import Foundation
import TestSupport
import XCTest

final class AudioFileTests: XCTestCase {
    private var dir: URL!

    override func setUpWithError() throws { dir = try TestSignal.tempDir() }
    override func tearDownWithError() throws { try? FileManager.default.removeItem(at: dir) }

    private func path(_ name: String) -> String { dir.appendingPathComponent(name).path }

    func testWav16RoundTrip() throws {
        let sine = TestSignal.sine(frequency: 440, amplitude: 0.5, seconds: 0.5, rate: 24_000)
        try AudioFile.write(sine, to: path("a.wav"), format: .wav16)
        let back = try AudioFile.read(path: path("a.wav"))
        XCTAssertEqual(back.sampleRate, 24_000)
        XCTAssertEqual(back.samples.count, sine.samples.count)
        let err = zip(back.samples, sine.samples).map { abs($0 - $1) }.max()!
        XCTAssertLessThanOrEqual(err, 1.0 / 32_768 + 1e-6, "16-bit quantization error only")
    }

    func testWavFloatRoundTripIsExact() throws {
        let sine = TestSignal.sine(frequency: 1000, amplitude: 0.9, seconds: 0.25, rate: 22_050)
        try AudioFile.write(sine, to: path("f.wav"), format: .wavFloat)
        XCTAssertEqual(try AudioFile.read(path: path("f.wav")), sine)
    }

    func testFlacRoundTrip() throws {
        let sine = TestSignal.sine(frequency: 300, amplitude: 0.7, seconds: 0.5, rate: 44_100)
        try AudioFile.write(sine, to: path("a.flac"), format: .flac)
        let data = try Data(contentsOf: URL(fileURLWithPath: path("a.flac")))
        XCTAssertEqual(String(decoding: data.prefix(4), as: UTF8.self), "fLaC")
        let back = try AudioFile.read(path: path("a.flac"))
        XCTAssertEqual(back.sampleRate, 44_100)
        XCTAssertEqual(back.samples.count, sine.samples.count)
        XCTAssertLessThanOrEqual(zip(back.samples, sine.samples).map { abs($0 - $1) }.max()!, 1.0 / 32_768 + 1e-6)
    }

    func testRewriteWithNewTagsEqualsAFreshWrite() throws {
        let sine = TestSignal.sine(frequency: 300, amplitude: 0.99, seconds: 0.7, rate: 22_050)
        let a = ID3Tags(title: "One", album: "Book", artist: "Author", track: 1, trackCount: 3)
        let b = ID3Tags(title: "One", album: "Book", artist: "Author", track: 2, trackCount: 4)
        try AudioFile.write(sine, to: path("a.flac"), format: .flac, tags: a)
        try AudioFile.write(sine, to: path("b.flac"), format: .flac, tags: b)
        try AudioFile.rewrite(from: path("a.flac"), to: path("a-as-b.flac"), format: .flac, tags: b)
        let fresh = try Data(contentsOf: URL(fileURLWithPath: path("b.flac")))
        XCTAssertNotEqual(try Data(contentsOf: URL(fileURLWithPath: path("a.flac"))), fresh)
        XCTAssertEqual(try Data(contentsOf: URL(fileURLWithPath: path("a-as-b.flac"))), fresh)
        XCTAssertEqual(try AudioFile.readTags(path: path("a-as-b.flac"))["track"], "2/4")
        XCTAssertThrowsError(try AudioFile.rewrite(from: path("a.flac"), to: path("x.wav"), format: .wav16, tags: b))
    }

    func testEqualAudioGivesEqualBytes() throws {
        let sine = TestSignal.sine(frequency: 440, amplitude: 0.5, seconds: 0.3, rate: 24_000)
        let formats = AudioFileFormat.allCases
        for f in formats { try AudioFile.write(sine, to: path("1-\(f.rawValue)"), format: f) }
        Thread.sleep(forTimeInterval: 1.1)  // a timestamp stored in the file would now differ
        for f in formats { try AudioFile.write(sine, to: path("2-\(f.rawValue)"), format: f) }
        for f in formats {
            XCTAssertEqual(try Data(contentsOf: URL(fileURLWithPath: path("1-\(f.rawValue)"))),
                           try Data(contentsOf: URL(fileURLWithPath: path("2-\(f.rawValue)"))), "\(f)")
        }
    }

    func testIntegerFormatsClipInsteadOfWrapping() throws {
        let hot = AudioBuffer(samples: [0, 1.5, -1.5, 0.25], sampleRate: 16_000)
        try AudioFile.write(hot, to: path("hot.wav"), format: .wav16)
        let back = try AudioFile.read(path: path("hot.wav"))
        XCTAssertGreaterThan(back.samples[1], 0.99)
        XCTAssertLessThan(back.samples[2], -0.99)
        XCTAssertEqual(back.samples[3], 0.25, accuracy: 1e-4)
    }

    func testStereoIsMixedDownToMono() throws {
        let left = TestSignal.sine(frequency: 440, amplitude: 0.5, seconds: 0.2, rate: 16_000)
        let right = TestSignal.sine(frequency: 660, amplitude: 0.3, seconds: 0.2, rate: 16_000)
        try AudioFile.write(left, to: path("l.wav"), format: .wav16)
        try AudioFile.write(right, to: path("r.wav"), format: .wav16)
        let sox = Process()
        sox.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        sox.arguments = ["sox", "-M", path("l.wav"), path("r.wav"), path("st.wav")]
        try sox.run()
        sox.waitUntilExit()
        XCTAssertEqual(sox.terminationStatus, 0, "sox (scripts/install-deps.sh installs it) must merge two channels")
        let mono = try AudioFile.read(path: path("st.wav"))
        XCTAssertEqual(mono.samples.count, left.samples.count)
        for i in stride(from: 0, to: mono.samples.count, by: 97) {
            XCTAssertEqual(mono.samples[i], (left.samples[i] + right.samples[i]) / 2, accuracy: 2.0 / 32_768)
        }
    }

    func testReadsShippedVoiceClips() throws {
        let clip = try AudioFile.read(path: Fixtures.data.appendingPathComponent("voices/apollo11_24k.wav").path)
        XCTAssertEqual(clip.sampleRate, 24_000)
        XCTAssertGreaterThan(clip.duration, 1)
        XCTAssertGreaterThan(TestSignal.rms(clip.samples), 0.001)
    }

    func testMissingFileIsNotFound() {
        XCTAssertThrowsError(try AudioFile.read(path: path("nope.wav"))) { e in
            XCTAssertEqual(e as? AudioFileError, .notFound(path: path("nope.wav")))
            XCTAssertTrue("\(e)".contains("nope.wav"))
        }
    }

    func testTextFileIsUnsupportedFormat() throws {
        try "Chapter 1\nIt was a dark and stormy night.\n".write(toFile: path("book.txt"), atomically: true, encoding: .utf8)
        XCTAssertThrowsError(try AudioFile.read(path: path("book.txt"))) { e in
            guard case .unsupportedFormat(let p, _)? = e as? AudioFileError else { return XCTFail("got \(e)") }
            XCTAssertEqual(p, path("book.txt"))
            XCTAssertTrue("\(e)".contains("book.txt") && "\(e)".contains("Convert"))
        }
    }

    func testEmptyFileIsUnsupportedFormat() throws {
        XCTAssertTrue(FileManager.default.createFile(atPath: path("empty.wav"), contents: Data()))
        XCTAssertThrowsError(try AudioFile.read(path: path("empty.wav"))) { e in
            guard case .unsupportedFormat? = e as? AudioFileError else { return XCTFail("got \(e)") }
        }
    }

    func testDirectoryIsUnreadable() {
        XCTAssertThrowsError(try AudioFile.read(path: dir.path)) { e in
            guard case .unreadable(let p, _)? = e as? AudioFileError else { return XCTFail("got \(e)") }
            XCTAssertEqual(p, dir.path)
        }
    }

    func testWriteIntoMissingFolderFails() {
        let target = path("no/such/folder/x.wav")
        XCTAssertThrowsError(try AudioFile.write(AudioBuffer(samples: [0, 0.1], sampleRate: 8000), to: target, format: .wav16)) { e in
            guard case .writeFailed(let p, _)? = e as? AudioFileError else { return XCTFail("got \(e)") }
            XCTAssertEqual(p, target)
        }
    }

    #if os(Linux)
    /// /dev/full fails every write with ENOSPC.
    func testFullDeviceIsReportedAsDiskFull() throws {
        let big = TestSignal.sine(frequency: 100, amplitude: 0.5, seconds: 2, rate: 48_000)
        XCTAssertThrowsError(try AudioFile.write(big, to: "/dev/full", format: .wavFloat)) { e in
            XCTAssertEqual(e as? AudioFileError, .diskFull(path: "/dev/full"), "got \(e)")
        }
    }
    #endif

    func testNonFiniteSamplesAreRejected() {
        let bad = AudioBuffer(samples: [0, .nan, 0], sampleRate: 8000)
        XCTAssertThrowsError(try AudioFile.write(bad, to: path("nan.wav"), format: .wavFloat)) { e in
            guard case .invalidBuffer? = e as? AudioFileError else { return XCTFail("got \(e)") }
        }
        XCTAssertFalse(FileManager.default.fileExists(atPath: path("nan.wav")))
    }
}
