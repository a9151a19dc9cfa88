// Word error rate, the English number normalizer's big integers and a few normalizer cases written out by hand
// (the normalizers' parity against the original is the whisper/text_normalizer fixture).
@testable import Whisper
import Foundation
import TestSupport
import XCTest

final class WhisperTextTests: XCTestCase {
    func testWordErrorRateCountsEachKindOfEdit() {
        var w = WordErrorRate.compute(reference: "the cat sat on the mat", hypothesis: "the cat sat on the mat")
        XCTAssertEqual([w.substitutions, w.insertions, w.deletions, w.hits], [0, 0, 0, 6])
        XCTAssertEqual(w.rate, 0)
        w = WordErrorRate.compute(reference: "the cat sat on the mat", hypothesis: "the bat sat on mat")
        XCTAssertEqual([w.substitutions, w.insertions, w.deletions, w.hits], [1, 0, 1, 4])
        XCTAssertEqual(w.rate, 2.0 / 6, accuracy: 1e-12)
        w = WordErrorRate.compute(reference: "the cat sat", hypothesis: "so the cat sat down")
        XCTAssertEqual([w.substitutions, w.insertions, w.deletions, w.hits], [0, 2, 0, 3])
        // Equally short edit paths: a substitution is preferred to a deletion plus an insertion.
        w = WordErrorRate.compute(reference: "the cat sat on the mat", hypothesis: "the bat sat on mat today")
        XCTAssertEqual(w.errors, 3)
        XCTAssertEqual([w.substitutions, w.insertions, w.deletions], [3, 0, 0])
        w = WordErrorRate.compute(reference: "", hypothesis: "")
        XCTAssertEqual(w.rate, 0)
        w = WordErrorRate.compute(reference: "", hypothesis: "noise")
        XCTAssertEqual(w.insertions, 1)
        XCTAssertEqual(w.rate, .infinity)
        w = WordErrorRate.compute(reference: "one two three", hypothesis: "")
        XCTAssertEqual(w.deletions, 3)
        XCTAssertEqual(w.rate, 1)
        // Whitespace runs separate words; comparison is exact (normalize first).
        w = WordErrorRate.compute(reference: "a  b\tc", hypothesis: "a B c")
        XCTAssertEqual([w.substitutions, w.hits], [1, 2])
    }

    func testWordErrorRateWithTheEnglishNormalizer() throws {
        let n = try EnglishTextNormalizer(directory: Fixtures.caseDir("whisper/transcribe_tiny_en/hf"))
        let w = WordErrorRate.compute(reference: n.normalize("Mr. Smith paid $20 for the colour print."),
                                      hypothesis: n.normalize("mister smith paid twenty dollars for the color print"))
        XCTAssertEqual(w.errors, 0, "\(n.normalize("Mr. Smith paid $20 for the colour print.")) vs \(n.normalize("mister smith paid twenty dollars for the color print"))")
    }

    func testDecimalIntegerArithmetic() {
        let big = DecimalInteger(digitString: "123456789012345678901234567890")!
        XCTAssertEqual((big + 10).description, "123456789012345678901234567900")
        XCTAssertEqual(big.mod(pow10: 3), 890)
        XCTAssertEqual(big.thousandsFloor.description, "123456789012345678901234567000")
        XCTAssertEqual(DecimalInteger(7).timesPow10(33).description, "7" + String(repeating: "0", count: 33))
        XCTAssertEqual(DecimalInteger(digitString: "007")!.description, "7")
        XCTAssertEqual(DecimalInteger(digitString: "٣٤")!.description, "34") // Arabic-Indic digits, as Python's int()
        XCTAssertNil(DecimalInteger(digitString: "1.5"))
        XCTAssertEqual(DecimalInteger.scaled(decimalString: "1.5", pow10: 6), .integer(DecimalInteger(1_500_000)))
        XCTAssertEqual(DecimalInteger.scaled(decimalString: "1.25", pow10: 1), .notIntegral)
        XCTAssertEqual(DecimalInteger.scaled(decimalString: "1.", pow10: 0), .integer(DecimalInteger(1)))
        XCTAssertEqual(DecimalInteger.scaled(decimalString: ".", pow10: 2), .invalid)
        XCTAssertEqual(DecimalInteger.scaled(decimalString: "1.2.3", pow10: 2), .invalid)
    }

    func testNumberNormalizerReachesDecillions() {
        let n = EnglishNumberNormalizer()
        XCTAssertEqual(n.normalize("three decillion and five"), "3000000000000000000000000000000005")
        XCTAssertEqual(n.normalize("one point five million dollars"), "$1500000")
        XCTAssertEqual(n.normalize("twenty twenty one"), "2021")
    }

    func testBasicNormalizerCleaners() {
        XCTAssertEqual(BasicTextNormalizer().normalize("Hello, [noise] World! (laughs)"), "hello world ")
        XCTAssertEqual(BasicTextNormalizer(removeDiacritics: true).normalize("Ærøskøbing café"), "aeroskobing cafe")
    }
}
