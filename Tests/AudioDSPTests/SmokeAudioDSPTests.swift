import XCTest
import TestSupport

final class SmokeAudioDSPTests: XCTestCase {
    func testFixturesPresent() {
        XCTAssertFalse(Fixtures.allCases().isEmpty)
    }
}
