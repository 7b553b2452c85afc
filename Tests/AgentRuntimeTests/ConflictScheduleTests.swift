import XCTest
@testable import AgentRuntime

/// The periodic conflict probes of many VIPs share rounds: one window per interface per period,
/// not one per VIP.
final class ConflictScheduleTests: XCTestCase {
    private let t0 = ContinuousClock.now
    private let names = (1...64).map { "vip\($0)" }

    func testVIPsNeverProbedAreAllInTheFirstRound() {
        let schedule = ConflictSchedule<ContinuousClock.Instant>()
        XCTAssertEqual(schedule.round(of: names, at: t0), names)
        XCTAssertEqual(schedule.next(of: names, at: t0), t0)
        XCTAssertNil(schedule.next(of: [], at: t0), "no VIP, no round")
    }

    func testSixtyFourVIPsProbedTogetherStayTogether() {
        var schedule = ConflictSchedule<ContinuousClock.Instant>()
        var now = t0
        var rounds = 0
        // Ten periods; the verdicts of one round arrive a little apart (one interface after another).
        while now < t0 + .seconds(10) {
            let round = schedule.round(of: names, at: now)
            XCTAssertEqual(round, names, "every VIP in every round at \(now - t0)")
            rounds += 1
            for (k, name) in round.enumerated() {
                schedule.probed(name, at: now + .milliseconds(300) + .microseconds(k * 10), next: ConflictTracker.interval)
            }
            now = schedule.next(of: names, at: now)!
        }
        XCTAssertEqual(rounds, 8, "one round per 1.3 s (the 300 ms window and the 1 s interval)")
    }

    func testPacedApartVIPsJoinTheNextRound() {
        var schedule = ConflictSchedule<ContinuousClock.Instant>()
        schedule.probed("a", at: t0, next: ConflictTracker.confirmDelay)  // a suspicion, checked after 250 ms
        schedule.probed("b", at: t0, next: ConflictTracker.interval)
        schedule.probed("c", at: t0, next: ConflictTracker.backoffMax)    // a standing conflict backing off
        let first = schedule.next(of: ["a", "b", "c"], at: t0)!
        XCTAssertEqual(first, t0 + ConflictTracker.confirmDelay)
        XCTAssertEqual(schedule.round(of: ["a", "b", "c"], at: first), ["a"], "b is 750 ms away: not yet")
        schedule.probed("a", at: first, next: ConflictTracker.interval)
        let second = schedule.next(of: ["a", "b", "c"], at: first)!
        XCTAssertEqual(second, t0 + ConflictTracker.interval)
        XCTAssertEqual(schedule.round(of: ["a", "b", "c"], at: second), ["a", "b"], "a (due in 250 ms) joins b's window")
        XCTAssertEqual(schedule.round(of: ["a", "b", "c"], at: t0 + .milliseconds(3600)), ["a", "b", "c"], "c within 500 ms of its backoff")
    }
}
