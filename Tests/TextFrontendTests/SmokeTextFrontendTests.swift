import XCTest
import TestSupport

final class SmokeTextFrontendTests: XCTestCase {
    func testFixturesPresent() {
        XCTAssertFalse(Fixtures.allCases().isEmpty)
    }
}
