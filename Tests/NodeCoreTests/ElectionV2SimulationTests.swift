import BasicTypes
import ElectionProtocol
import Foundation
import TestSupport
import XCTest
@testable import NodeCore

/// Election v2 under the whole node core: loss never fools the failure detection, one-way
/// links heal, a restart with any clock is believed, stalls are not evidence, one datagram per
/// peer carries every group, and conflicts are named. Deterministic (seeded) simulations.
final class ElectionV2SimulationTests: XCTestCase {
    private func cluster(seed: UInt64, nodes: Int = 3, interval: Int64 = 100, vipCount: Int = 1,
                         minHoldTime: Int64? = nil) -> NodeSim {
        let sim = NodeSim(seed: seed)
        for i in 0..<nodes {
            sim.addNode(priority: UInt8(150 - 10 * i), interval: interval, count: nodes, minHoldTime: minHoldTime,
                        vipCount: vipCount)
        }
        sim.startAll()
        sim.run(for: 1_000 * ms)
        return sim
    }

    private func transitions(_ sim: NodeSim, since t: Instant) -> [String] {
        sim.nodes.flatMap { n in
            n.transitions.filter { $0.time >= t }.map { "\($0.time) \(n.name) \($0.from.rawValue)→\($0.to.rawValue): \($0.reason)" }
        }
    }

    /// Counts false failovers over `duration` with `loss` on every link: transitions after the
    /// cluster settled with n0 as the holder.
    static func falseTransitions(seed: UInt64, loss: Double, duration: Int64, burst: Bool = false)
        -> (transitions: Int, saves: UInt64, extraDatagrams: Int) {
        let sim = NodeSim(seed: seed)
        for i in 0..<3 { sim.addNode(priority: UInt8(150 - 10 * i), count: 3) }
        sim.startAll()
        sim.run(for: 1_000 * ms)
        sim.trace = ProcessInfo.processInfo.environment["VIP_TRACE"] != nil
        let before = sim.transitionCount
        let sentBefore = sim.datagramsSent
        if burst {
            sim.burstStart = loss / 4  // bursts of 2 on average (burstEnd 0.5): about `loss` of datagrams lost
        } else {
            sim.loss = loss
        }
        sim.run(for: duration)
        let saves = sim.nodes.reduce(UInt64(0)) { $0 + $1.core.vips[0].election.evidenceSaves }
        // Beyond one datagram per peer per interval: the questions to silent peers and the answers.
        let regular = Int(duration / (100 * ms)) * 3 * 2
        return (sim.transitionCount - before, saves, sim.datagramsSent - sentBefore - regular)
    }

    func testTwentyPercentLossOnEveryLinkCausesNoTransition() {
        var report: [String] = []
        var extra = 0
        for seed in 1...10 as ClosedRange<UInt64> {
            let r = Self.falseTransitions(seed: seed, loss: 0.2, duration: 60_000 * ms)
            extra += r.extraDatagrams
            if r.transitions != 0 { report.append("seed \(seed): \(r.transitions) transitions") }
        }
        XCTAssertEqual(report, [], "10 × 60 s at 20 % loss, 100 ms")
        XCTAssertGreaterThan(extra, 100, "with 20 % loss peers go unheard for two intervals now and then: they were asked")
    }

    func testBurstyLossCausesNoTransition() {
        var report: [String] = []
        for seed in (ProcessInfo.processInfo.environment["VIP_SEED"].flatMap(UInt64.init).map { $0...$0 } ?? 1...5) {
            let r = Self.falseTransitions(seed: seed, loss: 0.2, duration: 60_000 * ms, burst: true)
            if r.transitions != 0 { report.append("seed \(seed): \(r.transitions) transitions") }
        }
        XCTAssertEqual(report, [])
    }

    /// A real loss is still detected within 3 intervals and one advert: every peer stops
    /// hearing the master at once, and they confirm each other's silence.
    func testNodeLossIsDetectedWithinThreeIntervalsAndOneAdvert() {
        var worst: Int64 = 0
        for seed in 1...20 as ClosedRange<UInt64> {
            let sim = cluster(seed: seed)
            XCTAssertEqual(sim.holders, [0])
            sim.run(for: Int64(seed * 7 % 100) * ms)  // cut at any phase of the advert cycle
            let cut = sim.now
            sim.crash(0)
            sim.run(for: 1_000 * ms)
            XCTAssertEqual(sim.holders, [1], "seed \(seed)")
            guard let took = sim.nodes[1].transitions.first(where: { $0.time > cut && $0.to == .master })?.time else { continue }
            worst = max(worst, took - cut)
        }
        XCTAssertLessThanOrEqual(worst, 300 * ms + 100 * ms + 10 * ms, "worst detection \(formatNanoseconds(worst))")
    }

    /// m0 → m1 delivers nothing: m1 still hears m2, which hears m0, so m1 stays BACKUP.
    func testOneWayLinkFromTheMasterLeavesOneHolder() {
        for seed in 1...10 as ClosedRange<UInt64> {
            let sim = cluster(seed: seed)
            let t = sim.now
            sim.blocked = [NodeSim.Link(from: 0, to: 1)]
            var twoSince: Instant?
            var worst: Int64 = 0
            sim.run(for: 5_000 * ms) {
                if sim.holders.count > 1 {
                    let since = twoSince ?? sim.now
                    twoSince = since
                    worst = max(worst, sim.now - since)
                } else { twoSince = nil }
            }
            XCTAssertEqual(sim.holders, [0], "seed \(seed): \(transitions(sim, since: t))")
            XCTAssertLessThanOrEqual(worst, 500 * ms, "one holder within 5 intervals")
        }
    }

    /// The master cannot hear the backup that took over (the other direction broken from the
    /// start of the split): the peer that hears both tells the worse master to yield.
    func testTwoMastersThatCannotHearEachOtherHealThroughAPeer() {
        for seed in 1...10 as ClosedRange<UInt64> {
            let sim = cluster(seed: seed, minHoldTime: 0)
            sim.blocked = [NodeSim.Link(from: 0, to: 1), NodeSim.Link(from: 1, to: 0)]
            sim.partition = [0, 1, 1]   // m1 and m2 lose m0 for a while: m1 takes over
            sim.run(for: 1_000 * ms)
            XCTAssertEqual(Set(sim.holders), [0, 1], "seed \(seed): a split brain to heal")
            let t = sim.now
            sim.partition = nil          // m2 hears both again; m0 and m1 still cannot hear each other
            sim.run(for: 1_000 * ms)
            XCTAssertEqual(sim.holders.count, 1, "seed \(seed): \(transitions(sim, since: t))")
            let healed = sim.nodes.compactMap { n in n.transitions.last { $0.time >= t && $0.from == .master }?.time }.max()
            XCTAssertLessThanOrEqual((healed ?? t) - t, 500 * ms, "seed \(seed): one holder within 5 intervals")
        }
    }

    /// m1 restarts (its new epoch is random: any clock), is believed within 3 intervals, and
    /// when m0 is then lost m1 alone takes over.
    func testARestartedNodeIsBelievedAndTakesOverAlone() {
        for seed in 1...10 as ClosedRange<UInt64> {
            let sim = cluster(seed: seed)
            sim.crash(1)
            sim.run(for: 500 * ms)
            let restart = sim.now
            sim.restart(1)
            sim.run(for: 300 * ms)
            let believed = [0, 2].allSatisfy { i in
                sim.nodes[i].core.vips[0].election.peers.contains { $0.name == "n1" && $0.lastHeard > restart }
            }
            XCTAssertTrue(believed, "seed \(seed): peers believe the restarted n1 within 3 intervals")
            sim.crash(0)
            sim.run(for: 1_000 * ms)
            XCTAssertEqual(sim.holders, [1], "seed \(seed)")
        }
    }

    /// SIGSTOP of the master for 2 s: the best backup takes over once; the master, running
    /// again, yields to the settling newcomer instead of taking the VIP back at once.
    func testAPausedMasterDoesNotCauseASecondFlap() {
        for seed in 1...10 as ClosedRange<UInt64> {
            let sim = cluster(seed: seed)
            let t = sim.now
            sim.pause(0, for: 2_000 * ms)
            // While n0 is stopped its kernel keeps the VIP (nothing runs to remove it): two
            // holders until it runs again. From then on, at most a few milliseconds.
            sim.run(for: 2_000 * ms)
            var twoHolders: Int64 = 0, last = sim.now
            sim.run(for: 200 * ms) {
                if sim.holders.count > 1 { twoHolders += sim.now - last }
                last = sim.now
            }
            XCTAssertEqual(sim.holders, [1], "seed \(seed): \(transitions(sim, since: t))")
            let m1 = sim.nodes[1].transitions.filter { $0.time >= t }
            XCTAssertEqual(m1.map(\.to), [.master], "seed \(seed): n1 took over once and kept it")
            XCTAssertLessThanOrEqual(twoHolders, 20 * ms, "seed \(seed)")
        }
    }

    /// A backup whose own process stalls (its timers fire late) does not take over on the
    /// silence it slept through.
    func testAStalledBackupDoesNotDeclareTheMasterDead() {
        for seed in 1...10 as ClosedRange<UInt64> {
            let sim = cluster(seed: seed)
            let t = sim.now
            sim.pause(1, for: Int64(300 + seed * 100) * ms)
            sim.run(for: 2_000 * ms)
            XCTAssertEqual(transitions(sim, since: t), [], "seed \(seed)")
        }
    }

    /// A VIP held for less than minHoldTime is not preempted by a better node that returns.
    func testMinHoldTimeDelaysPreemption() {
        let sim = cluster(seed: 3, minHoldTime: 2_000)
        sim.crash(0)
        sim.run(for: 500 * ms)
        XCTAssertEqual(sim.holders, [1])
        let tookOver = sim.nodes[1].transitions.last!.time
        sim.restart(0)
        sim.run(for: 1_000 * ms)
        XCTAssertEqual(sim.holders, [1], "n1 holds less than 2 s: n0 waits")
        sim.run(for: 1_000 * ms)
        XCTAssertEqual(sim.holders, [0], "then n0 preempts")
        let back = sim.nodes[0].transitions.last!.time
        XCTAssertGreaterThanOrEqual(back - tookOver, 2_000 * ms)
        XCTAssertLessThanOrEqual(back - tookOver, 2_000 * ms + 50 * ms)
    }

    /// The advert sent at once when the master settles (minHoldTime over, a new flag) does not
    /// push the next scheduled one back: no gap on the wire is longer than one interval.
    func testAnEarlyAdvertDoesNotStretchTheNextInterval() {
        let sim = cluster(seed: 1, minHoldTime: 1_500)
        XCTAssertTrue(sim.nodes[0].election.isSettling(at: sim.now), "n0 holds less than minHoldTime")
        sim.recordSends = true
        sim.run(for: 2_000 * ms)
        XCTAssertFalse(sim.nodes[0].election.isSettling(at: sim.now), "n0 settled meanwhile")
        for peer in 1...2 {
            let times = sim.sendTimes[NodeSim.Link(from: 0, to: peer)] ?? []
            let worst = zip(times.dropFirst(), times).map { $0 - $1 }.max() ?? 0
            XCTAssertGreaterThan(times.count, 15)
            XCTAssertLessThanOrEqual(worst, 100 * ms, "n0 → n\(peer): worst gap \(Double(worst) / 1e6) ms")
        }
    }

    /// A send due within half an interval goes with a peer's datagram: nodes started out of
    /// step fall into step (each interval's datagrams go out together, so a node wakes for them,
    /// not for a timer of its own as well), no gap on the wire is longer than one interval or
    /// shorter than half of one, and the rate stays one datagram per peer per interval.
    func testNodesAdvertiseInStepWithoutStretchingOrCrowdingTheCadence() {
        for (seed, delay) in [(UInt64(3), 1 * ms), (7, 1 * ms), (11, 5 * ms)] {
            let sim = NodeSim(seed: seed)
            sim.delayRange = (delay / 2)...delay
            for i in 0..<3 { sim.addNode(priority: UInt8(150 - 10 * i), count: 3) }
            sim.startAll()
            sim.run(for: 1_000 * ms)
            // Out of step to begin with: the backups restart 37 and 71 ms into an interval.
            sim.run(for: 37 * ms)
            sim.restart(1)
            sim.run(for: 34 * ms)
            sim.restart(2)
            sim.run(for: 3_000 * ms)
            sim.recordSends = true
            sim.run(for: 5_000 * ms)
            let all = sim.sendTimes.values.flatMap { $0 }.sorted()
            var bursts = 0, last = -1_000_000 * ms
            for t in all {
                if t - last > 2 * delay + ms { bursts += 1 }
                last = t
            }
            XCTAssertTrue((297...303).contains(all.count), "seed \(seed): 3 nodes × 2 peers × 50 intervals: \(all.count)")
            XCTAssertLessThanOrEqual(bursts, 52, "seed \(seed): one burst of datagrams per interval, not one per node: \(bursts)")
            for (link, times) in sim.sendTimes {
                let gaps = zip(times.dropFirst(), times).map { $0 - $1 }
                XCTAssertLessThanOrEqual(gaps.max() ?? 0, 100 * ms, "seed \(seed) \(link): never later than the interval")
                XCTAssertGreaterThanOrEqual(gaps.min() ?? 0, 50 * ms, "seed \(seed) \(link): never more than half early")
            }
        }
    }

    /// A peer on a shorter interval (a misconfiguration the status shows as a conflict) never
    /// pulls a node's sends forward: the node keeps its own rate.
    func testAPeerOnAShorterIntervalDoesNotSpeedANodeUp() {
        let sim = NodeSim(seed: 5)
        sim.addNode(priority: 150, interval: 100, count: 3)
        sim.addNode(priority: 140, interval: 100, count: 3)
        sim.addNode(priority: 130, interval: 1_000, count: 3)
        sim.startAll()
        sim.run(for: 3_000 * ms)
        sim.recordSends = true
        sim.run(for: 10_000 * ms)
        let slow = sim.sendTimes[NodeSim.Link(from: 2, to: 0)] ?? []
        let fast = sim.sendTimes[NodeSim.Link(from: 0, to: 1)] ?? []
        XCTAssertTrue((9...11).contains(slow.count), "the 1 s node sends once a second: \(slow.count) in 10 s")
        XCTAssertTrue((99...101).contains(fast.count), "the 100 ms nodes every 100 ms: \(fast.count) in 10 s")
    }

    /// 64 VIPs cost one datagram per peer per interval, like one VIP.
    func testOneDatagramPerPeerPerIntervalForAllGroups() {
        func rate(_ vips: Int) -> Int {
            let sim = cluster(seed: 1, vipCount: vips)
            let before = sim.datagramsSent
            sim.run(for: 10_000 * ms)
            return sim.datagramsSent - before
        }
        let one = rate(1), many = rate(64)
        XCTAssertTrue((600...606).contains(one), "3 nodes × 2 peers × 100 intervals (± the ends): \(one)")
        XCTAssertEqual(many, one, "64 VIPs: the same datagrams")
    }

    /// Two nodes with one name, and a node with another key: both are named conflicts on the
    /// other nodes, within a second, and the election still works by address.
    func testDuplicateNamesAndKeyMismatchAreNamedConflicts() {
        let sim = NodeSim(seed: 1)
        sim.addNode(priority: 150, count: 4)
        sim.addNode(priority: 140, count: 4, name: "n0")
        sim.addNode(priority: 130, count: 4)
        sim.addNode(priority: 120, count: 4, key: [UInt8](repeating: 9, count: 32))
        sim.startAll()
        sim.run(for: 1_000 * ms)
        let kinds = { (i: Int) in Set(sim.nodes[i].core.conflicts.active.map { "\($0.kind.rawValue) \($0.peer)" }) }
        XCTAssertTrue(kinds(0).contains("duplicateName 10.0.0.2"), "\(kinds(0))")
        XCTAssertTrue(kinds(2).contains("duplicateName 10.0.0.2") || kinds(2).contains("duplicateName 10.0.0.1"), "\(kinds(2))")
        XCTAssertTrue(kinds(0).contains("authentication 10.0.0.4"), "\(kinds(0))")
        XCTAssertTrue(kinds(3).contains("authentication 10.0.0.1"), "\(kinds(3))")
        XCTAssertEqual(sim.holders.filter { $0 < 3 }, [0], "one holder among the nodes that share the key")
    }

    /// Peers configured with another VIP address or interval for the same routerId are named.
    func testDisagreeingGroupsAreNamedConflicts() {
        let sim = NodeSim(seed: 1)
        sim.addNode(priority: 150, count: 3)
        sim.addNode(priority: 140, count: 3, vipAddress: IPAddress("10.0.0.200")!)
        sim.addNode(priority: 130, interval: 200, count: 3)
        sim.startAll()
        sim.run(for: 1_000 * ms)
        let conflicts = sim.nodes[0].core.conflicts.active
        XCTAssertTrue(conflicts.contains { $0.kind == .vipMismatch && $0.peer.description == "10.0.0.2" }, "\(conflicts)")
        XCTAssertTrue(conflicts.contains { $0.kind == .intervalMismatch && $0.peer.description == "10.0.0.3" }, "\(conflicts)")
        XCTAssertFalse(conflicts.contains { $0.peer.description == "10.0.0.3" && $0.kind == .vipMismatch })
    }

    /// The table of the bench script (`bench/election-loss`): false failovers per hour at
    /// 1/5/10/20/30 % loss, random and bursty, and the detection time of a real node loss.
    /// VIP_BENCH_LOSS_HOURS sets the simulated time per cell (default: one minute, in the suite,
    /// where up to 20 % loss must cause no transition at all).
    func testLossTable() throws {
        let hours = ProcessInfo.processInfo.environment["VIP_BENCH_LOSS_HOURS"].flatMap(Double.init) ?? 1.0 / 60
        let duration = Int64(hours * 3_600_000) * ms
        print("| loss | kind | transitions per hour | evidence saves per hour |")
        print("|---|---|---|---|")
        for kind in ["random", "bursty"] {
            for loss in [0.01, 0.05, 0.10, 0.20, 0.30] {
                let r = Self.falseTransitions(seed: 42, loss: loss, duration: duration, burst: kind == "bursty")
                print(String(format: "| %.0f %% | %@ | %.1f | %.0f |", loss * 100, kind, Double(r.transitions) / hours,
                             Double(r.saves) / hours))
                if kind == "random", loss <= 0.20 { XCTAssertEqual(r.transitions, 0, "\(kind) loss \(loss)") }
            }
        }
        // Detection of a real node loss: the master crashes at a random phase of its cycle.
        for loss in [0.0, 0.20] {
            var took: [Int64] = []
            for seed in 1...200 as ClosedRange<UInt64> {
                let sim = NodeSim(seed: seed)
                for i in 0..<3 { sim.addNode(priority: UInt8(150 - 10 * i), count: 3) }
                sim.startAll()
                sim.run(for: 1_000 * ms)
                sim.loss = loss
                sim.run(for: Int64(seed * 37 % 1_000) * ms)
                let cut = sim.now
                sim.crash(0)
                sim.run(for: 2_000 * ms)
                if let t = sim.nodes.compactMap({ n in n.transitions.first { $0.time > cut && $0.to == .master }?.time }).min() {
                    took.append(t - cut)
                }
            }
            took.sort()
            XCTAssertEqual(took.count, 200, "every crash was followed by a takeover")
            XCTAssertLessThanOrEqual(took.last ?? .max, 425 * ms, "3 intervals, a fourth when unconfirmed, and one advert")
            print(String(format: "| detection of a node loss at %.0f %% loss | median %.0f ms | max %.0f ms | %d crashes |", loss * 100,
                         Double(took[took.count / 2]) / 1e6, Double(took.last ?? 0) / 1e6, took.count))
        }
    }
}
