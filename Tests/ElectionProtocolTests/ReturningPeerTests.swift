import XCTest
@testable import ElectionProtocol

/// When a partition heals, the kernel of the returning node delivers the adverts it queued while
/// it re-resolved its peers' addresses, oldest first, within a few milliseconds. Only the newest
/// of them may count: taken one by one they replay states that are over and make a backup flap.
final class ReturningPeerTests: XCTestCase {
    private let ms: Int64 = 1_000_000
    private let m1 = NodeIdentity(name: "m1", address: NodeAddress(bytes: [10, 77, 0, 11])!)
    private let m2 = NodeIdentity(name: "m2", address: NodeAddress(bytes: [10, 77, 0, 12])!)

    private func advert(healthy: Bool, master: Bool = true, priority: UInt8 = 150) -> AdvertBody {
        var flags: AdvertFlags = []
        if healthy { flags.insert(.healthy) }
        if master { flags.insert(.master) }
        return AdvertBody(routerId: 51, priority: priority, flags: flags, advertIntervalMilliseconds: 100,
                          nodeName: "m1", nodeAddress: m1.address)
    }

    private func at(_ t: Int64) -> Instant { Instant(nanoseconds: t * ms) }

    /// m2 (140) backs m1 (150) up; m1 falls silent, m2 takes over; the link returns.
    private func partitionedPair() -> Election {
        var e = Election(config: ElectionConfig(routerId: 51, priority: 140, advertInterval: .milliseconds(100), peerCount: 1),
                         me: m2)
        _ = e.handle(.start, at: at(0))
        for t in stride(from: Int64(5), through: 505, by: 100) { _ = e.handle(.advertReceived(advert(healthy: true)), at: at(t)) }
        XCTAssertEqual(e.state, .backup)
        _ = e.handle(.timerFired, at: at(900))   // 395 ms of silence
        XCTAssertEqual(e.state, .master)
        return e
    }

    private func transitions(_ actions: [ElectionAction]) -> [String] {
        actions.compactMap { if case .transition(let f, let t, _) = $0 { "\(f.rawValue)→\(t.rawValue)" } else { nil } }
    }

    func testAQueuedBurstCountsOnlyByItsNewestAdvert() {
        var e = partitionedPair()
        var seen: [String] = []
        // Queued while m1's link was down: healthy, then unhealthy (its carrier loss); then the
        // fresh one, healthy again — all within 3 ms.
        seen += transitions(e.handle(.advertReceived(advert(healthy: true)), at: at(2_000)))
        seen += transitions(e.handle(.advertReceived(advert(healthy: false)), at: at(2_001)))
        seen += transitions(e.handle(.advertReceived(advert(healthy: true)), at: at(2_003)))
        XCTAssertEqual(seen, [], "nothing is decided on a returning peer's first adverts")
        XCTAssertEqual(e.state, .master)
        seen += transitions(e.handle(.timerFired, at: at(2_100)))
        XCTAssertEqual(seen, ["MASTER→BACKUP"], "one hand-over to the better m1, no flap")
        for t in stride(from: Int64(2_150), through: 3_000, by: 100) {
            seen += transitions(e.handle(.advertReceived(advert(healthy: true)), at: at(t)))
        }
        XCTAssertEqual(seen, ["MASTER→BACKUP"])
        XCTAssertEqual(e.master(at: at(3_000))?.name, "m1")
    }

    func testTheNewestAdvertOfTheBurstDecidesEvenWhenItIsBad() {
        var e = partitionedPair()
        _ = e.handle(.advertReceived(advert(healthy: true)), at: at(2_000))
        _ = e.handle(.advertReceived(advert(healthy: false)), at: at(2_002))
        _ = e.handle(.timerFired, at: at(2_100))
        XCTAssertEqual(e.state, .master, "m1 is back but unhealthy: m2 keeps the VIP")
    }

    func testTheSettlingTimerIsArmed() {
        var e = partitionedPair()
        let actions = e.handle(.advertReceived(advert(healthy: true)), at: at(2_000))
        XCTAssertTrue(actions.contains(.armTimer(at: at(2_100))), "\(actions)")
    }

    func testAResignFromAReturningPeerCountsAtOnce() {
        var e = partitionedPair()
        _ = e.handle(.advertReceived(advert(healthy: true)), at: at(2_000))
        _ = e.handle(.advertReceived(advert(healthy: true, master: false, priority: 0)), at: at(2_001))
        _ = e.handle(.timerFired, at: at(2_100))
        XCTAssertEqual(e.state, .master)
        XCTAssertNil(e.peers.first { $0.name == "m1" }, "the resigned peer is forgotten")
    }

    func testAPeerThatNeverFellSilentIsHeardAtOnce() {
        var e = Election(config: ElectionConfig(routerId: 51, priority: 140, advertInterval: .milliseconds(100), peerCount: 1),
                         me: m2)
        _ = e.handle(.start, at: at(0))
        _ = e.handle(.advertReceived(advert(healthy: true)), at: at(5))
        XCTAssertEqual(e.master(at: at(5))?.name, "m1", "a first advert is not delayed")
    }
}
