import AudioDSP
import EspeakEngine
import Foundation
import SpeechEngine
import XCTest

final class EspeakEngineTests: XCTestCase {
    private let pangram = "The quick brown fox jumps over the lazy dog."

    private func speak(_ engine: EspeakEngine, _ text: String, key: String = "1.1") throws -> AudioBuffer {
        let voice = try engine.prepareVoice(nil)
        let request = SegmentRequest(key: key, text: text, seed: 7)
        return try engine.render(try engine.generate(request, voice: voice), request: request, voice: voice)
    }

    private func rms(_ s: [Float]) -> Double {
        (s.reduce(0.0) { $0 + Double($1) * Double($1) } / Double(max(1, s.count))).squareRoot()
    }

    func testIdentityAndContract() throws {
        let engine = try EspeakEngine()
        XCTAssertEqual(engine.name, "espeak")
        XCTAssertFalse(engine.canCloneVoice)
        XCTAssertEqual(engine.sampleRate, 22_050)
        XCTAssertTrue(engine.modelHash.hasPrefix("builtin-espeak-ng-1."), engine.modelHash)
        XCTAssertEqual(engine.settingsDescription, "language=en variant=default wpm=175")
        let ref = VoiceReference(path: "/x/narrator.wav", audio: AudioBuffer(samples: [0], sampleRate: 24_000), sha256: "abc")
        let profile = try EspeakEngine(options: EspeakOptions(variant: "f3")).prepareVoice(ref)
        XCTAssertEqual(profile.metadata["variant"], "f3")
        XCTAssertEqual(profile.metadata["voice"], "en+f3")
        XCTAssertEqual(profile.metadata["referenceIgnored"], "true")
        let codes = try engine.generate(SegmentRequest(key: "1.1", text: pangram, seed: 1), voice: profile)
        XCTAssertTrue(codes.values.isEmpty)
        XCTAssertNotNil(codes.metadata["textHash"])
    }

    func testRendersSpeechOfPlausibleDuration() throws {
        let audio = try speak(try EspeakEngine(), pangram)
        XCTAssertEqual(audio.sampleRate, 22_050)
        // 9 words at 175 words per minute ≈ 3.1 s.
        XCTAssertGreaterThan(audio.duration, 1.5)
        XCTAssertLessThan(audio.duration, 6)
        XCTAssertGreaterThan(rms(audio.samples), 0.01)
        XCTAssertLessThanOrEqual(audio.samples.map { abs($0) }.max()!, 1)
    }

    func testOutputIsBitIdenticalRegardlessOfHistory() throws {
        let engine = try EspeakEngine(options: EspeakOptions(variant: "f3"))
        let first = try speak(engine, pangram)
        _ = try speak(engine, "She sells sea shells by the sea shore, breathily.")
        let again = try speak(engine, pangram, key: "9.9")
        XCTAssertEqual(first.samples, again.samples)
        XCTAssertEqual(try speak(try EspeakEngine(options: EspeakOptions(variant: "f3")), pangram).samples, first.samples)
        // Concurrent callers are serialized and get the same samples.
        var results = [[Float]](repeating: [], count: 4)
        let lock = NSLock()
        DispatchQueue.concurrentPerform(iterations: 4) { i in
            let s = (try? speak(engine, pangram).samples) ?? []
            lock.withLock { results[i] = s }
        }
        for r in results { XCTAssertEqual(r, first.samples) }
    }

    func testVariantAndRateChangeTheAudio() throws {
        let m1 = try speak(try EspeakEngine(options: EspeakOptions(variant: "m1")), pangram)
        let f3 = try speak(try EspeakEngine(options: EspeakOptions(variant: "f3")), pangram)
        XCTAssertNotEqual(m1.samples, f3.samples)
        let slow = try speak(try EspeakEngine(options: EspeakOptions(wordsPerMinute: 120)), pangram)
        let fast = try speak(try EspeakEngine(options: EspeakOptions(wordsPerMinute: 350)), pangram)
        XCTAssertGreaterThan(slow.duration, fast.duration * 1.8)
    }

    func testBadOptionsAreRejected() {
        XCTAssertThrowsError(try EspeakEngine(options: EspeakOptions(variant: "nosuchvariant"))) { e in
            guard case .unknownVariant(let v, let available)? = e as? EspeakError else { return XCTFail("got \(e)") }
            XCTAssertEqual(v, "nosuchvariant")
            XCTAssertTrue(available.contains("f3"))
        }
        XCTAssertThrowsError(try EspeakEngine(options: EspeakOptions(wordsPerMinute: 20))) { e in
            XCTAssertEqual(e as? EspeakError, .invalidRate(20))
        }
        XCTAssertThrowsError(try EspeakEngine(options: EspeakOptions(language: "qq-nolang"))) { e in
            guard case .unknownLanguage? = e as? EspeakError else { return XCTFail("got \(e)") }
        }
    }

    func testCodesForOtherTextAreRefused() throws {
        let engine = try EspeakEngine()
        let voice = try engine.prepareVoice(nil)
        let codes = try engine.generate(SegmentRequest(key: "2.3", text: "One text.", seed: 1), voice: voice)
        XCTAssertThrowsError(try engine.render(codes, request: SegmentRequest(key: "2.3", text: "Another text.", seed: 1), voice: voice)) { e in
            XCTAssertEqual(e as? EspeakError, .codesMismatch(key: "2.3"))
        }
        let empty = SegmentRequest(key: "2.4", text: "  ", seed: 1)
        XCTAssertEqual(try engine.render(try engine.generate(empty, voice: voice), request: empty, voice: voice).samples.count, 0)
    }
}
