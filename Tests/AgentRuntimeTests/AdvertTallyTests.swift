@testable import AgentRuntime
import XCTest

final class AdvertTallyTests: XCTestCase {
    func testCountsPerGroupUntilTaken() {
        var tally = AdvertTally()
        XCTAssertTrue(tally.isEmpty)
        tally.sent(["api", "web"])
        tally.sent(["api", "web"])
        tally.received(["api"])
        tally.received(["api", "gateway"])
        XCTAssertFalse(tally.isEmpty)
        let first = tally.take()
        XCTAssertEqual(first.sent, ["api": 2, "web": 2])
        XCTAssertEqual(first.received, ["api": 2, "gateway": 1])
        XCTAssertTrue(tally.isEmpty, "taking starts again from zero")
        tally.received(["web"])
        let second = tally.take()
        XCTAssertEqual(second.sent, [:])
        XCTAssertEqual(second.received, ["web": 1])
    }
}
