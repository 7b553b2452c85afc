import XCTest
@testable import ElectionProtocol

/// Named scenarios on a simulated three-node cluster (1 ms links, 100 ms adverts).
final class ElectionScenarioTests: XCTestCase {
    private func cluster(priorities: [UInt8] = [150, 140, 130], preempt: [Bool]? = nil, preemptDelay: Duration = .zero,
                         health: [Health]? = nil, startupGrace: Duration = .seconds(60)) -> SimCluster {
        let sim = SimCluster(seed: 1)
        for (i, p) in priorities.enumerated() {
            let cfg = ElectionConfig(routerId: 51, priority: p, preempt: preempt?[i] ?? true, preemptDelay: preemptDelay,
                                     advertInterval: .milliseconds(100), startupGrace: startupGrace,
                                     stepDownHold: .seconds(5), peerCount: priorities.count - 1)
            sim.addNode(name: "m\(i + 1)", address: [10, 77, 0, UInt8(11 + i)], config: cfg, health: health?[i] ?? .healthy)
        }
        return sim
    }

    private func assertOneHolder(_ sim: SimCluster, is i: Int, file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertEqual(sim.masters, [i], "masters", file: file, line: line)
        XCTAssertEqual(sim.holders, [i], "VIP holders", file: file, line: line)
        XCTAssertEqual(sim.actionErrors, [], file: file, line: line)
    }

    private func becameMaster(_ sim: SimCluster, _ i: Int, after t: Instant) -> Instant? {
        sim.nodes[i].transitions.first { $0.0 >= t && $0.2 == .master }?.0
    }

    func testColdStartElectsTheHighestPriorityWithinOneInterval() {
        let sim = cluster()
        sim.startAll()
        sim.run(for: 120 * ms)
        assertOneHolder(sim, is: 0)
        XCTAssertGreaterThan(sim.nodes[0].announces, 0)
        XCTAssertEqual(sim.nodes[1].transitions.map(\.2), [.backup])
    }

    func testMasterSilenceHandsOverToTheNextBestOnlyAndWithoutSkew() {
        let sim = cluster()
        sim.startAll()
        sim.run(for: 1_000 * ms)
        let t = sim.now
        sim.crash(0)
        sim.run(for: 1_000 * ms)
        assertOneHolder(sim, is: 1)
        let took = becameMaster(sim, 1, after: t)! - t
        XCTAssertLessThanOrEqual(took, 301 * ms, "3 × advertInterval plus at most the 1ms link")
        XCTAssertFalse(sim.nodes[2].transitions.contains { $0.2 == .master }, "m3 knew m2 was better")
        XCTAssertTrue(sim.nodes[1].transitions.last!.3.hasPrefix("no advert from m1 for "), sim.nodes[1].transitions.last!.3)
    }

    func testResignHandsOverAtOnce() {
        let sim = cluster()
        sim.startAll()
        sim.run(for: 1_000 * ms)
        let t = sim.now
        sim.shutdown(0)
        XCTAssertEqual(sim.holders, [], "the resigning master removed its VIP")
        sim.run(for: 50 * ms)
        assertOneHolder(sim, is: 1)
        XCTAssertLessThanOrEqual(becameMaster(sim, 1, after: t)! - t, 2 * ms)
        XCTAssertEqual(sim.nodes[1].transitions.last!.3, "m1 resigned")
    }

    func testPreemptionBackAfterRestartAndPreemptDelay() {
        let sim = cluster(preemptDelay: .milliseconds(500))
        sim.startAll()
        sim.run(for: 1_500 * ms)   // m1 waits preemptDelay only when someone else holds: at cold start nobody does
        assertOneHolder(sim, is: 0)
        sim.crash(0)
        sim.run(for: 1_000 * ms)
        assertOneHolder(sim, is: 1)
        let t = sim.now
        sim.restart(0)
        sim.run(for: 400 * ms)
        assertOneHolder(sim, is: 1)  // still inside preemptDelay
        sim.run(for: 400 * ms)
        assertOneHolder(sim, is: 0)
        let took = becameMaster(sim, 0, after: t)! - t
        XCTAssertGreaterThanOrEqual(took, 500 * ms)
        XCTAssertLessThanOrEqual(took, 620 * ms)
        XCTAssertTrue(sim.nodes[0].transitions.last!.3.hasPrefix("preempting m2: priority 150 > 140"))
    }

    func testNoPreemptionKeepsTheCurrentMaster() {
        let sim = cluster(preempt: [false, true, true])
        sim.startAll()
        sim.run(for: 500 * ms)
        sim.crash(0)
        sim.run(for: 1_000 * ms)
        sim.restart(0)
        sim.run(for: 3_000 * ms)
        assertOneHolder(sim, is: 1)
    }

    func testUnhealthyMasterIsReplacedAtOnceAndReturnsWhenHealthy() {
        let sim = cluster()
        sim.startAll()
        sim.run(for: 1_000 * ms)
        var t = sim.now
        sim.setHealth(0, .unhealthy)
        sim.run(for: 10 * ms)
        assertOneHolder(sim, is: 1)
        XCTAssertLessThanOrEqual(becameMaster(sim, 1, after: t)! - t, 2 * ms)
        XCTAssertEqual(sim.nodes[1].transitions.last!.3, "m1 is unhealthy")
        t = sim.now
        sim.setHealth(0, .healthy)
        sim.run(for: 10 * ms)
        assertOneHolder(sim, is: 0)
    }

    func testUnhealthyMasterStaysWithoutPreemptOnReturn() {
        let sim = cluster(preempt: [false, false, false])
        sim.startAll()
        sim.run(for: 1_000 * ms)
        sim.setHealth(0, .unhealthy)
        sim.run(for: 10 * ms)
        assertOneHolder(sim, is: 1)  // health takes over even without preempt
        sim.setHealth(0, .healthy)
        sim.run(for: 2_000 * ms)
        assertOneHolder(sim, is: 1)
    }

    func testWhenEveryNodeIsUnhealthyTheBestOfThemHolds() {
        let sim = cluster()
        sim.startAll()
        sim.run(for: 500 * ms)
        for i in 0..<3 { sim.setHealth(i, .unhealthy) }
        sim.run(for: 2_000 * ms)
        assertOneHolder(sim, is: 0)
        sim.setHealth(2, .healthy)
        sim.run(for: 10 * ms)
        assertOneHolder(sim, is: 2)
    }

    func testStepDownHandsOverWithinTheLinkDelayAndHolds() {
        let sim = cluster()
        sim.startAll()
        sim.run(for: 1_000 * ms)
        sim.stepDown(1)
        XCTAssertEqual(sim.nodes[1].notices.last, "m2 is BACKUP, not MASTER: nothing to hand over")
        let t = sim.now
        sim.stepDown(0)
        XCTAssertEqual(sim.nodes[0].notices.last, "m1 steps down: m2 takes over; m1 stays out for 5s")
        sim.run(for: 5 * ms)
        assertOneHolder(sim, is: 1)
        XCTAssertLessThanOrEqual(becameMaster(sim, 1, after: t)! - t, 2 * ms)
        sim.run(for: 4_000 * ms)
        assertOneHolder(sim, is: 1)  // m1 stays out for stepDownHold
        sim.run(for: 1_200 * ms)
        assertOneHolder(sim, is: 0)  // then preempts back
    }

    func testStepDownAloneKeepsTheVIP() {
        let sim = cluster(priorities: [150])
        sim.startAll()
        sim.run(for: 500 * ms)
        sim.stepDown(0)
        XCTAssertEqual(sim.nodes[0].notices.last, "no other eligible node is reachable: m1 stays MASTER")
        sim.run(for: 500 * ms)
        assertOneHolder(sim, is: 0)
    }

    func testFaultReleasesTheVIPAndClearsBack() {
        let sim = cluster()
        sim.startAll()
        sim.run(for: 1_000 * ms)
        sim.setFault(0, "interface eno1 does not exist")
        XCTAssertEqual(sim.state(0), .fault)
        sim.run(for: 10 * ms)
        assertOneHolder(sim, is: 1)
        sim.setFault(0, nil)
        sim.run(for: 300 * ms)
        assertOneHolder(sim, is: 0)
        XCTAssertTrue(sim.nodes[0].transitions.contains { $0.1 == .fault && $0.2 == .backup && $0.3 == "fault cleared" })
    }

    func testStartupGraceWaitsForAFirstPassingCheck() {
        let sim = cluster(priorities: [150], health: [.unknown], startupGrace: .seconds(2))
        sim.startAll()
        sim.run(for: 1_900 * ms)
        XCTAssertEqual(sim.masters, [])
        sim.run(for: 200 * ms)
        assertOneHolder(sim, is: 0)

        let early = cluster(priorities: [150], health: [.unknown], startupGrace: .seconds(2))
        early.startAll()
        early.run(for: 700 * ms)
        early.setHealth(0, .healthy)
        early.run(for: 5 * ms)
        assertOneHolder(early, is: 0)
    }

    func testStartupGraceAlsoHoldsBackACheckThatFailsFromTheStart() {
        let sim = cluster(priorities: [150], health: [.unhealthy], startupGrace: .seconds(2))
        sim.startAll()
        sim.run(for: 1_900 * ms)
        XCTAssertEqual(sim.masters, [], "a check that never passed holds the claim back for startupGrace")
        sim.run(for: 200 * ms)
        assertOneHolder(sim, is: 0)
    }

    func testAnUnhealthyNodeThatWasHealthyOnceDoesNotWait() {
        let sim = cluster(priorities: [150, 140], health: [.healthy, .healthy], startupGrace: .seconds(60))
        sim.startAll()
        sim.run(for: 500 * ms)
        assertOneHolder(sim, is: 0)
        sim.setHealth(0, .unhealthy)
        sim.setHealth(1, .unhealthy)
        sim.run(for: 50 * ms)
        assertOneHolder(sim, is: 0)
        sim.crash(0)
        sim.run(for: 400 * ms)
        assertOneHolder(sim, is: 1)
    }

    func testStartupGraceDoesNotDelayAHealthyPeer() {
        let sim = cluster(health: [.unknown, .healthy, .unknown], startupGrace: .seconds(60))
        sim.startAll()
        sim.run(for: 200 * ms)
        assertOneHolder(sim, is: 1)
    }

    /// Three nodes without preemption, m1 cut off from m2 and m3 for a second: m1 and m2 MASTER.
    private func splitIntoTwoMasters() -> SimCluster {
        let sim = cluster(preempt: [false, false, false])
        sim.startAll()
        sim.run(for: 500 * ms)
        sim.partition = [0, 1, 1]
        sim.run(for: 1_000 * ms)
        XCTAssertEqual(sim.masters.sorted(), [0, 1])
        return sim
    }

    func testPartitionMakesTwoMastersAndHealingLeavesTheBest() {
        let sim = splitIntoTwoMasters()
        let announcesBefore = sim.nodes[0].announces
        sim.partition = nil
        // Within two intervals: the first advert across may come up to one interval after the
        // heal, and a returning peer's adverts are collected for one interval.
        sim.run(for: 250 * ms)
        assertOneHolder(sim, is: 0)
        XCTAssertTrue(sim.nodes[1].transitions.last!.3.hasPrefix("yielding to m1: priority 150 > 140"))
        // Neighbours learnt m2's MAC during the split: the surviving master announces again, and
        // once more after m2 gave the VIP up (a neighbour that asked while both held it may have
        // got m2's MAC).
        XCTAssertGreaterThan(sim.nodes[0].announces, announcesBefore)
        let yielded = sim.nodes[1].transitions.last!.0
        XCTAssertTrue(sim.nodes[0].announcedAt.contains { $0 >= yielded },
                      "m1 announced at \(sim.nodes[0].announcedAt.suffix(3)), m2 yielded at \(yielded)")
        // … and only then: the healed cluster does not keep announcing.
        let settled = sim.nodes[0].announces
        sim.run(for: 2_000 * ms)
        XCTAssertEqual(sim.nodes[0].announces, settled)
    }

    /// A partition heals one way first (the surviving master's own adverts get through only
    /// later, as when its neighbour entries for the peers failed during the cut): both hold the
    /// VIP meanwhile, and a neighbour that resolved the VIP then may have got the other's MAC. So
    /// the surviving master announces again once the other has given the VIP up.
    func testAfterAOneWayHealTheMasterAnnouncesOnceTheOtherGaveUp() {
        let sim = splitIntoTwoMasters()
        sim.partition = nil
        sim.blocked = [[0, 1], [0, 2]]   // m1 hears m2 and m3; they do not hear m1 yet
        sim.run(for: 800 * ms)
        XCTAssertEqual(sim.masters.sorted(), [0, 1], "m2 cannot hear m1 yet")
        let announcedInOverlap = sim.nodes[0].announces
        sim.blocked = []
        sim.run(for: 500 * ms)
        assertOneHolder(sim, is: 0)
        let yielded = sim.nodes[1].transitions.last!.0
        XCTAssertTrue(sim.nodes[1].transitions.last!.3.hasPrefix("yielding to m1"), "\(sim.nodes[1].transitions.last!)")
        XCTAssertTrue(sim.nodes[0].announcedAt.contains { $0 > yielded },
                      "m1 announced at \(sim.nodes[0].announcedAt.suffix(3)) (\(announcedInOverlap) before the other way healed); m2 yielded at \(yielded)")
    }

    func testEqualPriorityHigherAddressWins() {
        let sim = cluster(priorities: [100, 100, 100])
        sim.startAll()
        sim.run(for: 300 * ms)
        assertOneHolder(sim, is: 2)
    }

    func testAdvertsKeepTheirIntervalAndCarryTheState() {
        let sim = cluster(priorities: [150])
        var e = sim.nodes[0].election
        var sent: [Instant] = []
        var now = Instant.zero
        var actions = e.handle(.start, at: now)
        for _ in 0..<50 {
            for a in actions { if case .send(let b) = a { sent.append(now); XCTAssertEqual(b.priority, 150) } }
            guard case .armTimer(let at)? = actions.last else { return XCTFail("every step arms the timer") }
            now = at
            actions = e.handle(.timerFired, at: now)
        }
        let gaps = zip(sent.dropFirst(), sent).map { $0 - $1 }
        XCTAssertEqual(Set(gaps), [100 * ms])
        XCTAssertEqual(e.advert(at: Instant(nanoseconds: 0)).flags, [.healthy, .master])
        let bye = e.handle(.shutdown, at: now)
        XCTAssertEqual(bye.first, .removeVIP)
        guard case .send(let last)? = bye.last else { return XCTFail("resign advert") }
        XCTAssertEqual(last.priority, 0)
        XCTAssertEqual(e.handle(.timerFired, at: now + 1), [], "a stopped machine does nothing")
    }
}
