import XCTest
import TestSupport

final class SmokeBookvoxTests: XCTestCase {
    func testFixturesPresent() {
        XCTAssertFalse(Fixtures.allCases().isEmpty)
    }
}
