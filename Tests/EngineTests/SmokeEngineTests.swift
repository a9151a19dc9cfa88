import XCTest
import TestSupport

final class SmokeEngineTests: XCTestCase {
    func testFixturesPresent() {
        XCTAssertFalse(Fixtures.allCases().isEmpty)
    }
}
