import HealthChecks
import XCTest

final class HysteresisTests: XCTestCase {
    /// Feeds a sequence ("+" success, "-" failure) and returns the state after each step.
    private func states(_ pattern: String, rise: Int, fall: Int) -> [CheckState] {
        var hysteresis = Hysteresis(rise: rise, fall: fall)
        return pattern.map { step in
            _ = hysteresis.record(success: step == "+")
            return hysteresis.state
        }
    }

    func testStartsUnknownAndRisesAfterRiseSuccesses() {
        XCTAssertEqual(Hysteresis(rise: 2, fall: 3).state, .unknown)
        XCTAssertEqual(states("++", rise: 2, fall: 3), [.unknown, .healthy])
    }

    func testFallsAfterFallFailuresFromUnknown() {
        XCTAssertEqual(states("---", rise: 2, fall: 3), [.unknown, .unknown, .unhealthy])
    }

    func testAnInterruptedStreakStartsAgain() {
        // healthy, then failures broken by a success never reach fall=3.
        XCTAssertEqual(states("++--+--+", rise: 2, fall: 3),
                       [.unknown, .healthy, .healthy, .healthy, .healthy, .healthy, .healthy, .healthy])
        // unhealthy, then successes broken by a failure never reach rise=2.
        XCTAssertEqual(states("---+-+-", rise: 2, fall: 3),
                       [.unknown, .unknown, .unhealthy, .unhealthy, .unhealthy, .unhealthy, .unhealthy])
    }

    func testRecoversAndFallsAgain() {
        XCTAssertEqual(states("--++---", rise: 2, fall: 3).suffix(5),
                       [.unknown, .healthy, .healthy, .healthy, .unhealthy])
        XCTAssertEqual(states("-", rise: 1, fall: 1), [.unhealthy])
        XCTAssertEqual(states("-+-", rise: 1, fall: 1), [.unhealthy, .healthy, .unhealthy])
    }

    func testRecordReturnsTheNewStateOnlyOnChange() {
        var hysteresis = Hysteresis(rise: 2, fall: 2)
        XCTAssertNil(hysteresis.record(success: true))
        XCTAssertEqual(hysteresis.record(success: true), .healthy)
        XCTAssertNil(hysteresis.record(success: true))
        XCTAssertNil(hysteresis.record(success: false))
        XCTAssertEqual(hysteresis.record(success: false), .unhealthy)
        XCTAssertNil(hysteresis.record(success: false))
        XCTAssertEqual(hysteresis.consecutiveFailures, 3)
        XCTAssertEqual(hysteresis.consecutiveSuccesses, 0)
    }

    func testNonPositiveRiseAndFallCountAsOne() {
        let hysteresis = Hysteresis(rise: 0, fall: -5)
        XCTAssertEqual(hysteresis.rise, 1)
        XCTAssertEqual(hysteresis.fall, 1)
        XCTAssertEqual(states("+-", rise: 0, fall: -5), [.healthy, .unhealthy])
    }
}
