// DTW and the median filter against values the original timing.py functions (dtw_cpu, median_filter) returned for
// these inputs, and the punctuation merge rules.
@testable import Whisper
import Foundation
import XCTest

final class WhisperTimingTests: XCTestCase {
    func testDTWPathsMatchTheOriginal() {
        var (text, time) = WhisperDTW.align([0.1, 0.5, 0.9, 0.3, 0.7, 0.2, 0.4, 0.8, 0.6, 0.9, 0.1, 0.5], rows: 3, columns: 4)
        XCTAssertEqual(text, [0, 1, 2, 2])
        XCTAssertEqual(time, [0, 1, 2, 3])
        (text, time) = WhisperDTW.align([-0.9, -0.1, 0, 0, 0, -0.1, -0.8, -0.7, -0.1, 0, 0, 0, -0.2, -0.9, -0.8], rows: 3, columns: 5)
        XCTAssertEqual(text, [0, 1, 1, 1, 2, 2, 2])
        XCTAssertEqual(time, [0, 0, 1, 2, 2, 3, 4])
    }

    func testMedianFilterMatchesTheOriginal() {
        let x: [Float] = [3, 1, 4, 1, 5, 9, 2, 6, 5, 3, 2, 7, 1, 8, 2, 8, 1, 8, 2, 8]
        XCTAssertEqual(WhisperDTW.medianFilter(x, rowLength: 10, width: 7),
                       [1, 3, 3, 3, 4, 5, 5, 5, 5, 5, 7, 2, 7, 2, 7, 2, 8, 2, 8, 2])
        // A row no longer than width/2 is returned unchanged (F.pad's reflect needs pad < length).
        XCTAssertEqual(WhisperDTW.medianFilter([1, 5, 2], rowLength: 3, width: 7), [1, 5, 2])
    }

    func testPunctuationMerges() {
        func t(_ w: String, _ ids: [Int]) -> WhisperWordTiming { WhisperWordTiming(word: w, tokens: ids, start: 0, end: 1, probability: 1) }
        var a = [t(" \"", [1]), t("Hello", [2]), t(",", [3]), t(" world", [4]), t(".", [5]), t("\"", [6])]
        WhisperWordTimestamps.mergePunctuations(&a, prepended: "\"'“¿([{-", appended: "\"'.。,，!！?？:：”)]}、")
        XCTAssertEqual(a.map(\.word), ["", " \"Hello,", "", " world.\"", "", ""])
        XCTAssertEqual(a.map(\.tokens), [[], [1, 2, 3], [], [4, 5, 6], [], []])
    }

    func testRoundTwoIsPythonsRound() {
        XCTAssertEqual(WhisperWordTimestamps.round2(2.675), 2.67) // 2.675 is 2.67499999… in binary
        XCTAssertEqual(WhisperWordTimestamps.round2(0.125), 0.12) // exact tie: to even
        XCTAssertEqual(WhisperWordTimestamps.round2(1.0 + 0.02 * 7), 1.14)
    }
}
