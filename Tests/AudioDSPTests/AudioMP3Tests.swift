import AudioDSP
import Foundation
import XCTest

final class AudioMP3Tests: XCTestCase {
    private let tags = ID3Tags(title: "Chapter 3: The Storm", album: "A Test Book", artist: "Jane Author", track: 3, trackCount: 12)

    func testEncodeDecodesWithExpectedDurationAndTags() throws {
        let seconds = 2.5
        let sine = TestSignal.sine(frequency: 440, amplitude: 0.5, seconds: seconds, rate: 44_100)
        let mp3 = try MP3Encoder.encode(sine, bitrateKbps: 128, tags: tags)

        let frames = ID3Reader.textFrames(mp3)
        XCTAssertEqual(frames["TIT2"], tags.title)
        XCTAssertEqual(frames["TALB"], tags.album)
        XCTAssertEqual(frames["TPE1"], tags.artist)
        XCTAssertEqual(frames["TRCK"], "3/12")
        let audioStart = ID3Reader.tagSize(mp3)
        XCTAssertGreaterThan(audioStart, 10)
        // MPEG-1 Layer III frame sync, 128 kbps, 44.1 kHz, mono (checked on the first audio frame header).
        let h = [UInt8](mp3[audioStart..<(audioStart + 4)])
        XCTAssertEqual(h[0], 0xFF)
        XCTAssertEqual(h[1] & 0xFE, 0xFA)
        XCTAssertEqual(h[2] >> 4, 9, "bitrate index 9 = 128 kbps")
        XCTAssertEqual((h[2] >> 2) & 3, 0, "sampling index 0 = 44.1 kHz")
        XCTAssertEqual(h[3] >> 6, 3, "channel mode 3 = mono")
        // CBR: byte count ≈ bitrate × duration (+ one Info frame, ID3 and flush padding).
        let expectedBytes = 128_000 / 8 * seconds
        XCTAssertEqual(Double(mp3.count - audioStart), expectedBytes, accuracy: 3 * 418)

        let dir = try TestSignal.tempDir()
        defer { try? FileManager.default.removeItem(at: dir) }
        let path = dir.appendingPathComponent("ch03.mp3").path
        try mp3.write(to: URL(fileURLWithPath: path))
        let (decoded, gapless) = try decodeMP3(path, dir: dir)
        XCTAssertEqual(decoded.sampleRate, 44_100)
        if gapless {
            // Exact: libsndfile's mpg123 decoder trims the encoder delay and padding that the LAME/Info tag
            // records, so this also proves the tag frame was filled in (without it the count grows by ~1.6k).
            XCTAssertEqual(decoded.samples.count, sine.samples.count)
        } else {
            XCTAssertEqual(Double(decoded.samples.count), Double(sine.samples.count), accuracy: 2 * 1152)
        }
        XCTAssertTrue(mp3[audioStart..<(audioStart + 418)].range(of: Data("Info".utf8)) != nil, "CBR Info tag frame")
        XCTAssertEqual(TestSignal.zeroCrossingFrequency(decoded, skip: 4000), 440, accuracy: 0.5)
        XCTAssertEqual(TestSignal.rms(decoded.samples[8000..<100_000]), 0.5 / 2.0.squareRoot(), accuracy: 0.02)
    }

    /// Decodes with libsndfile when it was built with MP3 support (gapless, via mpg123), else with `sox`.
    private func decodeMP3(_ path: String, dir: URL) throws -> (AudioBuffer, gapless: Bool) {
        do {
            return (try AudioFile.read(path: path), true)
        } catch AudioFileError.unsupportedFormat {
            let wav = dir.appendingPathComponent("decoded.wav").path
            let sox = Process()
            sox.executableURL = URL(fileURLWithPath: "/usr/bin/env")
            sox.arguments = ["sox", path, wav]
            try sox.run()
            sox.waitUntilExit()
            guard sox.terminationStatus == 0 else {
                XCTFail("neither libsndfile nor sox can decode MP3 here; install libsndfile with mpg123 or libsox-fmt-mp3")
                throw AudioFileError.unsupportedFormat(path: path, detail: "no MP3 decoder")
            }
            return (try AudioFile.read(path: wav), false)
        }
    }

    func testNonLatinTagsAreStoredAsUTF16() throws {
        let t = ID3Tags(title: "Глава 1 — «Начало»", album: "Война и мир", artist: "Лев Толстой", track: 1, trackCount: 0)
        let mp3 = try MP3Encoder.encode(AudioBuffer(samples: [Float](repeating: 0, count: 44_100), sampleRate: 44_100), tags: t)
        let frames = ID3Reader.textFrames(mp3)
        XCTAssertEqual(frames["TIT2"], t.title)
        XCTAssertEqual(frames["TALB"], t.album)
        XCTAssertEqual(frames["TPE1"], t.artist)
        XCTAssertEqual(frames["TRCK"], "1")
    }

    func testEncodingIsDeterministic() throws {
        let sine = TestSignal.sine(frequency: 440, amplitude: 0.5, seconds: 0.5, rate: 44_100)
        XCTAssertEqual(try MP3Encoder.encode(sine, tags: tags), try MP3Encoder.encode(sine, tags: tags))
    }

    func testRetagEqualsAFreshEncodeWithTheNewTags() throws {
        let sine = TestSignal.sine(frequency: 440, amplitude: 0.5, seconds: 1.2, rate: 44_100)
        let moved = ID3Tags(title: "Chapter 3: The Storm", album: "A Test Book", artist: "Jane Author; read by Ann Ré",
                            track: 4, trackCount: 13)
        let old = try MP3Encoder.encode(sine, bitrateKbps: 128, tags: tags)
        let fresh = try MP3Encoder.encode(sine, bitrateKbps: 128, tags: moved)
        XCTAssertNotEqual(old, fresh)
        XCTAssertEqual(try MP3Encoder.retag(old, bitrateKbps: 128, tags: moved), fresh)
        XCTAssertEqual(ID3Reader.textFrames(try MP3Encoder.retag(old, bitrateKbps: 128, tags: moved))["TRCK"], "4/13")
        XCTAssertThrowsError(try MP3Encoder.retag(Data("not an mp3".utf8), bitrateKbps: 128, tags: moved)) { e in
            XCTAssertTrue("\(e)".contains("ID3v2"), "\(e)")
        }
    }

    func testRejectsWrongRateAndBitrate() {
        XCTAssertThrowsError(try MP3Encoder.encode(AudioBuffer(samples: [0], sampleRate: 24_000), tags: tags)) { e in
            XCTAssertTrue("\(e)".contains("Resampler"))
        }
        XCTAssertThrowsError(try MP3Encoder.encode(AudioBuffer(samples: [0], sampleRate: 44_100), bitrateKbps: 100, tags: tags))
    }
}

/// Minimal ID3v2.3/2.4 text-frame reader for the tests (encodings 0 = Latin-1, 1 = UTF-16 with BOM, 3 = UTF-8).
enum ID3Reader {
    static func tagSize(_ d: Data) -> Int {
        let b = [UInt8](d.prefix(10))
        guard b.count == 10, b[0] == 0x49, b[1] == 0x44, b[2] == 0x33 else { return 0 }
        return 10 + (Int(b[6]) << 21 | Int(b[7]) << 14 | Int(b[8]) << 7 | Int(b[9]))
    }

    static func textFrames(_ d: Data) -> [String: String] {
        let bytes = [UInt8](d)
        let end = tagSize(d)
        guard end > 10 else { return [:] }
        let v4 = bytes[3] == 4
        var out: [String: String] = [:]
        var p = 10
        while p + 10 <= end, bytes[p] != 0 {
            let id = String(decoding: bytes[p..<(p + 4)], as: UTF8.self)
            let s = bytes[(p + 4)..<(p + 8)].map(Int.init)
            let size = v4 ? (s[0] << 21 | s[1] << 14 | s[2] << 7 | s[3]) : (s[0] << 24 | s[1] << 16 | s[2] << 8 | s[3])
            let body = Array(bytes[(p + 10)..<min(end, p + 10 + size)])
            if id.hasPrefix("T"), let enc = body.first {
                var text = Array(body.dropFirst())
                switch enc {
                case 0: out[id] = String(text.prefix { $0 != 0 }.map { Character(Unicode.Scalar($0)) })
                case 1:
                    let littleEndian = text.count >= 2 && text[0] == 0xFF && text[1] == 0xFE
                    text = Array(text.dropFirst(2))
                    var units: [UInt16] = []
                    for i in stride(from: 0, to: text.count - 1, by: 2) {
                        let u = littleEndian ? UInt16(text[i]) | UInt16(text[i + 1]) << 8 : UInt16(text[i]) << 8 | UInt16(text[i + 1])
                        if u == 0 { break }
                        units.append(u)
                    }
                    out[id] = String(decoding: units, as: UTF16.self)
                default: out[id] = String(decoding: text.prefix { $0 != 0 }, as: UTF8.self)
                }
            }
            p += 10 + size
        }
        return out
    }
}
