import AgentConfig
import BasicTypes
import ElectionProtocol
import HostModel
import TestSupport
import XCTest
@testable import NodeCore

/// SIGHUP applied live (`NodeEvent.reconfigure`), under the deterministic simulation: a VIP that
/// stays keeps its state, a changed priority is advertised at once and acted on, VIPs come and
/// go, removed peers are forgotten.
final class ReloadTests: XCTestCase {
    static let web = IPAddress("10.0.0.150")!

    private func cluster(seed: UInt64 = 1, settle: Int64 = 3_000) -> NodeSim {
        let sim = NodeSim(seed: seed)
        for i in 0..<3 { sim.addNode(priority: UInt8(150 - 10 * i), count: 3) }
        sim.startAll()
        sim.run(for: settle * ms)
        XCTAssertEqual(sim.masters, [0])
        XCTAssertEqual(sim.holders, [0])
        return sim
    }

    private func webVIP(priority: UInt8) -> VIPConfig {
        VIPConfig(name: "web", address: Self.web, prefixLength: 24, interface: "eth0", routerId: 60,
                  priority: priority, advertInterval: .milliseconds(100), checks: ["api"])
    }

    private func webHolders(_ sim: NodeSim) -> [Int] {
        sim.nodes.indices.filter { i in sim.nodes[i].host.addresses.contains { $0.address == Self.web } }
    }

    private func webMasters(_ sim: NodeSim) -> [Int] {
        sim.nodes.indices.filter { i in sim.nodes[i].core.vips.first { $0.name == "web" }?.election.state == .master }
    }

    func testReloadOnTheMasterKeepsAnUnchangedVIPWithoutATransitionOrPlacement() {
        let sim = cluster()
        let before = sim.transitionCount
        let placements = sim.nodes.map(\.placements.count)
        let since = sim.nodes[0].core.vips[0].election.since
        // The same file, then one with neutral changes (preemptDelay, stepDownHold, announce).
        sim.reconfigure(0) { _ in }
        sim.reconfigure(0) { c in
            c.vips[0].preemptDelay = .milliseconds(500)
            c.vips[0].stepDownHold = .seconds(30)
            c.announce.refreshInterval = .seconds(10)
        }
        XCTAssertEqual(sim.nodes[0].core.vips[0].election.config.preemptDelay, 500 * ms, "applied in place")
        sim.run(for: 2_000 * ms) {
            XCTAssertEqual(sim.holders, [0], "the VIP never left the master")
        }
        XCTAssertEqual(sim.transitionCount, before, "no transition anywhere")
        XCTAssertEqual(sim.nodes.map(\.placements.count), placements, "no placement anywhere")
        XCTAssertEqual(sim.nodes[0].core.vips[0].election.since, since, "the master's state is the one it had")
        XCTAssertEqual(sim.masters, [0])
    }

    func testPriorityLoweredBelowAPeerIsAdvertisedAtOnceAndHandsOver() {
        let sim = cluster()
        let n0 = NodeAddress(sim.nodes[0].address)
        let t = sim.now
        sim.reconfigure(0) { $0.vips[0].priority = 120 }
        sim.run(for: 5 * ms)  // far less than the 100 ms interval
        let seen = sim.nodes[1].core.vips[0].election.peers.first { $0.address == n0 }?.body.priority
        XCTAssertEqual(seen, 120, "the new priority went out at once")
        sim.run(for: 500 * ms)
        XCTAssertEqual(sim.masters, [1], "n1 (140) preempts n0 (now 120)")
        XCTAssertEqual(sim.holders, [1])
        let took = sim.nodes[1].transitions.first { $0.to == .master }
        XCTAssertNotNil(took)
        XCTAssertLessThan((took?.time ?? t) - t, 50 * ms, "preempt without delay: within a few ms of the reload")
        XCTAssertEqual(sim.nodes[0].election.state, .backup)
    }

    func testVIPAddedEverywhereIsHeldByOneNodeAndRemovedFromItsHost() {
        let sim = cluster()
        let apiSince = sim.nodes.map { $0.core.vips[0].election.since }
        for i in 0..<3 {
            sim.reconfigure(i) { $0.vips.append(self.webVIP(priority: UInt8(100 + 10 * i))) }
            sim.run(for: 10 * ms)
        }
        XCTAssertEqual(sim.nodes[0].core.vips.map(\.name), ["api", "web"])
        sim.run(for: 2_000 * ms)
        XCTAssertEqual(webMasters(sim), [2], "the highest priority of the new VIP holds it")
        XCTAssertEqual(webHolders(sim), [2])
        XCTAssertEqual(sim.holders, [0], "api never moved")
        XCTAssertEqual(sim.masters, [0])
        XCTAssertEqual(sim.nodes.map { $0.core.vips[0].election.since }, apiSince, "api had no transition anywhere")

        // n2 removes it: off its host, priority 0 advertised, n1 takes it at once.
        let t = sim.now
        sim.reconfigure(2) { $0.vips.removeAll { $0.name == "web" } }
        XCTAssertEqual(sim.nodes[2].core.vips.map(\.name), ["api"])
        XCTAssertFalse(sim.nodes[2].host.addresses.contains { $0.address == Self.web }, "removed from the host at once")
        XCTAssertTrue(sim.nodes[2].placements.contains("web -eth0"))
        sim.run(for: 50 * ms)
        XCTAssertEqual(webHolders(sim), [1], "n1 took over on the resign, not after 3 intervals")
        let took = sim.nodes[1].transitions.last { $0.to == .master }
        XCTAssertTrue(took?.reason.contains("resigned") ?? false, took?.reason ?? "no transition")
        XCTAssertLessThan((took?.time ?? sim.now) - t, 10 * ms)

        // Removed everywhere: nobody holds it.
        for i in 0..<2 { sim.reconfigure(i) { $0.vips.removeAll { $0.name == "web" } } }
        sim.run(for: 1_000 * ms)
        XCTAssertEqual(webHolders(sim), [])
        XCTAssertEqual(sim.holders, [0])
    }

    func testChangedAddressIsAnotherVIP() {
        let sim = cluster()
        let other = IPAddress("10.0.0.101")!
        sim.reconfigure(0) { c in
            c.vips[0].address = other
            c.vips[0].routerId = 70
        }
        XCTAssertFalse(sim.nodes[0].host.addresses.contains { $0.address == NodeSim.vip }, "the old address resigned")
        XCTAssertEqual(sim.nodes[0].core.vips[0].election.state, .backup, "the new one starts as a starting node")
        XCTAssertEqual(sim.nodes[0].core.vips[0].election.config.routerId, 70)
        sim.run(for: 50 * ms)
        XCTAssertEqual(sim.holders, [1], "n1 took the old address on the resign")
        sim.run(for: 500 * ms)
        XCTAssertTrue(sim.nodes[0].host.addresses.contains { $0.address == other }, "n0 alone serves the new one after its listen period")
        XCTAssertEqual(sim.holders, [1])
    }

    func testRemovedPeerIsForgottenAndAddedCheckGatesFromItsFirstVerdict() {
        let sim = cluster()
        let n2 = NodeAddress(sim.nodes[2].address)
        sim.reconfigure(0) { c in
            c.cluster.peers.removeAll { NodeAddress($0) == n2 }
            c.vips[0].checks.append("extra")
            c.healthChecks.append(HealthCheckConfig(name: "extra", kind: .exec(command: ["/bin/true"])))
        }
        let core = sim.nodes[0].core
        XCTAssertNil(core.lastHeard[n2])
        XCTAssertFalse(core.intake.peers.contains(n2))
        XCTAssertFalse(core.vips[0].election.peers.contains { $0.address == n2 })
        XCTAssertEqual(core.vips[0].election.health, .healthy, "a check that has not run yet does not gate")
        sim.run(for: 500 * ms)
        XCTAssertEqual(sim.masters, [0])
        XCTAssertGreaterThan(sim.nodes[0].core.intake.drops[.unknownPeer] ?? 0, 0, "n2's datagrams are refused now")
        XCTAssertFalse(sim.nodes[0].core.vips[0].election.peers.contains { $0.address == n2 })
        // Its first verdict counts.
        _ = sim.nodes[0].core.handle(.check(name: "extra", state: .unhealthy, reason: "extra: exit 1"), at: sim.now)
        XCTAssertEqual(sim.nodes[0].core.vips[0].election.health, .unhealthy)
    }
}
