import XCTest
import TestSupport

final class SmokeNeuralTests: XCTestCase {
    func testFixturesPresent() {
        XCTAssertFalse(Fixtures.allCases().isEmpty)
    }
}
