import Foundation
import HealthChecks
import XCTest

final class CheckTrackerTests: XCTestCase {
    private let t0 = Date(timeIntervalSince1970: 1_800_000_000)

    private func outcome(_ success: Bool, _ detail: String) -> ProbeOutcome {
        ProbeOutcome(success: success, detail: detail, duration: .milliseconds(3))
    }

    func testFailuresGiveTheReasonOperatorsRead() {
        var tracker = CheckTracker(name: "apiserver", rise: 2, fall: 3, startedAt: t0)
        let first = tracker.record(outcome(false, "connection refused"), at: t0 + 1)
        let second = tracker.record(outcome(false, "connection refused"), at: t0 + 2)
        let third = tracker.record(outcome(false, "connection refused"), at: t0 + 3)

        XCTAssertFalse(first.changed)
        XCTAssertFalse(second.changed)
        XCTAssertEqual(second.report.state, .unknown)
        XCTAssertNil(second.report.changeReason)
        XCTAssertEqual(second.report.since, t0, "since stays at the start while the state is unknown")

        XCTAssertTrue(third.changed)
        XCTAssertEqual(third.report.state, .unhealthy)
        XCTAssertEqual(third.report.changeReason, "apiserver: 3 failures: connection refused")
        XCTAssertEqual(third.report.since, t0 + 3)
        XCTAssertEqual(third.report.failures, 3)
        XCTAssertEqual(third.report.successes, 0)
        XCTAssertFalse(third.report.everPassed)
        XCTAssertEqual(third.report.detail, "connection refused")
        XCTAssertEqual(third.report.lastDuration, .milliseconds(3))
    }

    func testRecoveryCountsSuccessesAndRemembersThePass() {
        var tracker = CheckTracker(name: "apiserver", rise: 2, fall: 1, startedAt: t0)
        _ = tracker.record(outcome(false, "HTTP 500: etcd not ready"), at: t0 + 1)
        let one = tracker.record(outcome(true, "200 OK"), at: t0 + 2)
        let two = tracker.record(outcome(true, "200 OK"), at: t0 + 3)
        let three = tracker.record(outcome(true, "200 OK"), at: t0 + 4)

        XCTAssertFalse(one.changed)
        XCTAssertEqual(one.report.state, .unhealthy)
        XCTAssertTrue(one.report.everPassed)
        XCTAssertTrue(two.changed)
        XCTAssertEqual(two.report.changeReason, "apiserver: 2 successes: 200 OK")
        XCTAssertEqual(two.report.since, t0 + 3)
        XCTAssertFalse(three.changed)
        XCTAssertNil(three.report.changeReason)
        XCTAssertEqual(three.report.since, t0 + 3)
        XCTAssertEqual(three.report.successes, 3)
        XCTAssertEqual(three.report.failures, 1)
    }

    func testSingularWordingAndEmptyDetail() {
        var tracker = CheckTracker(name: "uplink", rise: 1, fall: 1, startedAt: t0)
        XCTAssertEqual(tracker.record(outcome(false, ""), at: t0).report.changeReason, "uplink: 1 failure")
        XCTAssertEqual(tracker.record(outcome(true, "reply from 02:00:00:00:00:01"), at: t0).report.changeReason,
                       "uplink: 1 success: reply from 02:00:00:00:00:01")
    }
}
