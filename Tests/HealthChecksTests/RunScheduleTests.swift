import HealthChecks
import XCTest

final class RunScheduleTests: XCTestCase {
    func testFixedRateFromTheStartOfTheLastRun() {
        let schedule = RunSchedule(interval: .seconds(1))
        let start = ContinuousClock.now
        XCTAssertEqual(schedule.nextStart(after: start, now: start + .milliseconds(300)), start + .seconds(1))
    }

    func testAnOverrunRunIsFollowedAtOnceWithoutCatchUp() {
        let schedule = RunSchedule(interval: .seconds(1))
        let start = ContinuousClock.now
        let late = start + .milliseconds(3500)
        XCTAssertEqual(schedule.nextStart(after: start, now: late), late)
    }

    func testIntervalsBelowTheMinimumAreRaised() {
        XCTAssertEqual(RunSchedule(interval: .zero).interval, RunSchedule.minimumInterval)
        XCTAssertEqual(RunSchedule(interval: .seconds(-3)).interval, RunSchedule.minimumInterval)
        XCTAssertEqual(RunSchedule(interval: .milliseconds(250)).interval, .milliseconds(250))
    }
}
