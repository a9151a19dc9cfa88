import XCTest
import TestSupport

final class SmokeTensorsTests: XCTestCase {
    func testFixturesPresent() {
        XCTAssertFalse(Fixtures.allCases().isEmpty)
    }
}
