import AgentConfig
import ElectionProtocol
import XCTest
@testable import NodeCore

/// When a VIP is announced: a burst of `garpCount` rounds `garpInterval` apart, then a refresh.
final class AnnounceScheduleTests: XCTestCase {
    private func at(_ ms: Int64) -> Instant { Instant(nanoseconds: ms * 1_000_000) }

    /// Every instant between 0 and `until` ms at which a round is due, stepping 1 ms.
    private func rounds(_ schedule: inout AnnounceSchedule, until: Int64) -> [Int64] {
        var out: [Int64] = []
        for t in 0...until where schedule.roundDue(at: at(t)) { out.append(t) }
        return out
    }

    func testBurstThenRefresh() {
        var s = AnnounceSchedule(settings: AnnounceConfig(garpCount: 3, garpInterval: .milliseconds(100),
                                                          refreshInterval: .seconds(1)))
        s.start(at: at(0))
        XCTAssertEqual(rounds(&s, until: 3_300), [0, 100, 200, 1_200, 2_200, 3_200])
    }

    func testNoRefreshWhenOff() {
        var s = AnnounceSchedule(settings: AnnounceConfig(garpCount: 2, garpInterval: .milliseconds(50),
                                                          refreshInterval: .zero))
        s.start(at: at(0))
        XCTAssertEqual(rounds(&s, until: 2_000), [0, 50])
        XCTAssertNil(s.next)
    }

    func testStopAndRestart() {
        var s = AnnounceSchedule(settings: AnnounceConfig(garpCount: 5, garpInterval: .milliseconds(100),
                                                          refreshInterval: .zero))
        s.start(at: at(0))
        XCTAssertTrue(s.roundDue(at: at(0)))
        s.stop()
        XCTAssertFalse(s.roundDue(at: at(100)))
        s.start(at: at(150))
        XCTAssertEqual(rounds(&s, until: 1_000), [150, 250, 350, 450, 550])
    }
}

/// A loss counts only once it has lasted the hold.
final class LossHoldTests: XCTestCase {
    private func at(_ ms: Int64) -> Instant { Instant(nanoseconds: ms * 1_000_000) }

    func testShortLossNeverCounts() {
        var h = LossHold(hold: 200_000_000)
        XCTAssertFalse(h.counts(lost: true, at: at(0)))
        XCTAssertEqual(h.deadline, at(200))
        XCTAssertFalse(h.counts(lost: true, at: at(199)))
        XCTAssertFalse(h.counts(lost: false, at: at(150)))
        XCTAssertNil(h.deadline)
        XCTAssertFalse(h.counts(lost: true, at: at(300)), "a new loss starts a new hold")
        XCTAssertTrue(h.counts(lost: true, at: at(500)))
    }

    func testZeroHoldCountsAtOnce() {
        var h = LossHold(hold: 0)
        XCTAssertTrue(h.counts(lost: true, at: at(0)))
    }
}
