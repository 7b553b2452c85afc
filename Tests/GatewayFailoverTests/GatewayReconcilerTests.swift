import TestSupport
import Foundation
import Logging
import OVSDB
import StatusProtocol
import XCTest
@testable import GatewayFailover

/// The reconciler against a real ovsdb-server, with the router port and gateway chassis rows created
/// exactly as kube-ovn-controller creates them.
final class GatewayReconcilerTests: XCTestCase {
    static let lrp = "ovn-cluster-external"
    static let chassis = ["node1", "node2", "node3"]
    var nb: OVSDBServerFixture!
    var reconcilers: [GatewayReconciler] = []

    override func setUp() async throws {
        nb = try OVSDBServerFixture()
        try nb.nbctl(["lr-add", "ovn-cluster"])
        try nb.nbctl(["lrp-add", "ovn-cluster", Self.lrp, "00:00:00:00:00:01", "10.4.19.254/24"])
        try createControllerRows()
    }

    override func tearDown() async throws {
        for r in reconcilers { await r.stop() }
        nb?.shutdown()
    }

    /// `lrp-set-gateway-chassis <lrp> <chassis> <100 - index>` for every gateway node, in order.
    func createControllerRows() throws {
        for (index, name) in Self.chassis.enumerated() {
            try nb.nbctl(["lrp-set-gateway-chassis", Self.lrp, name, String(100 - index)])
        }
    }

    func deleteRows() throws {
        for name in Self.chassis { try nb.nbctl(["lrp-del-gateway-chassis", Self.lrp, name]) }
    }

    /// `ovn-nbctl lrp-get-gateway-chassis`: chassis names, highest priority first, with their priorities.
    func gatewayChassis() throws -> [(String, Int)] {
        try nb.nbctl(["lrp-get-gateway-chassis", Self.lrp]).split(separator: "\n").compactMap { line in
            let fields = line.split(whereSeparator: \.isWhitespace)
            guard fields.count == 2, let priority = Int(fields[1]) else { return nil }
            return (String(fields[0].dropFirst(Self.lrp.count + 1)), priority)
        }
    }

    func order() -> [String] { ((try? gatewayChassis()) ?? []).map(\.0) }

    func reconciler(own: String, minHoldTime: Duration = .zero) async throws -> GatewayReconciler {
        let settings = GatewaySettings(
            remotes: try OVSDBRemote.parseList(nb.tcpRemote), logicalRouterPort: Self.lrp, ownChassis: own,
            minHoldTime: minHoldTime, routerId: 60,
            clientOptions: OVSDBClientOptions(echoInterval: .seconds(1), echoTimeout: .seconds(1),
                                              initialBackoff: .milliseconds(50), maxBackoff: .milliseconds(400)))
        var logger = Logger(label: "gateway-\(own)")
        logger.logLevel = ProcessInfo.processInfo.environment["GATEWAY_TEST_LOG"] == nil ? .warning : .debug
        let r = GatewayReconciler(config: settings, logger: logger)
        reconcilers.append(r)
        await r.start()
        return r
    }

    func ranking(_ names: [String], unhealthy: Set<String> = []) -> [GatewayMember] {
        names.map { GatewayMember(node: "m-\($0)", chassis: $0, healthy: !unhealthy.contains($0)) }
    }

    func testMasterPutsItsChassisOnTopAndReportsIt() async throws {
        let r = try await reconciler(own: "node3")
        await r.update(isMaster: true, ranking: ranking(["node3", "node1", "node2"]))
        let applied = await eventually(timeout: .seconds(3)) { order() == ["node3", "node1", "node2"] }
        XCTAssertTrue(applied, "order: \(order())")
        XCTAssertEqual(try gatewayChassis().map(\.1), [100, 99, 98])

        let settled = await eventually { await r.status().activeChassis == "node3" }
        XCTAssertTrue(settled)
        let status = await r.status()
        XCTAssertEqual(status.state, "MASTER")
        XCTAssertTrue(status.nbConnected)
        XCTAssertEqual(status.routerId, 60)
        XCTAssertEqual(status.members.map(\.chassis), ["node3", "node1", "node2"])
        XCTAssertEqual(status.members.map(\.rowPriority), [100, 99, 98])
        XCTAssertTrue(status.lastWriteResult?.hasPrefix("ok") == true, "\(status.lastWriteResult ?? "nil")")
        XCTAssertNotNil(status.lastWrite.flatMap(parseIsoTimestamp))
        let counters = await r.counters
        XCTAssertEqual(counters.succeeded, 1)
    }

    func testBackupNeverWritesButReportsTheRows() async throws {
        let r = try await reconciler(own: "node3")
        await r.update(isMaster: false, ranking: ranking(["node2", "node3", "node1"]))
        let seen = await eventually { await r.status().members.compactMap(\.rowPriority) == [99, 98, 100] }
        let shown = await r.status()
        XCTAssertTrue(seen, "\(shown)")
        try await Task.sleep(for: .milliseconds(500))
        XCTAssertEqual(order(), Self.chassis)
        let status = await r.status()
        XCTAssertEqual(status.state, "BACKUP")
        XCTAssertEqual(status.activeChassis, "node1")
        XCTAssertNil(status.lastWrite)
        let counters = await r.counters
        XCTAssertEqual(counters.succeeded, 0)
    }

    func testFollowsARankingChangeAndAnUnhealthyMember() async throws {
        let r = try await reconciler(own: "node2")
        await r.update(isMaster: true, ranking: ranking(["node2", "node1", "node3"]))
        var ok = await eventually { order() == ["node2", "node1", "node3"] }
        XCTAssertTrue(ok, "order: \(order())")
        await r.update(isMaster: true, ranking: ranking(["node2", "node1", "node3"], unhealthy: ["node1"]))
        ok = await eventually { order() == ["node2", "node3", "node1"] }
        XCTAssertTrue(ok, "order: \(order())")
    }

    func testReappliesWithinOneSecondAfterTheControllerRecreatesTheRows() async throws {
        // A long hold time: restoring our own order must not wait for it.
        let r = try await reconciler(own: "node3", minHoldTime: .seconds(60))
        await r.update(isMaster: true, ranking: ranking(["node3", "node2", "node1"]))
        let applied = await eventually { order() == ["node3", "node2", "node1"] }
        XCTAssertTrue(applied, "order: \(order())")

        try deleteRows()
        let gone = await eventually { await r.status().members.allSatisfy { $0.rowPriority == nil } }
        XCTAssertTrue(gone)
        try createControllerRows()
        let recreated = ContinuousClock.now
        let restored = await eventually(timeout: .seconds(1)) { order() == ["node3", "node2", "node1"] }
        XCTAssertTrue(restored, "order \(order()) after \(ContinuousClock.now - recreated)")

        // The same when someone else merely changes a priority.
        try nb.nbctl(["lrp-set-gateway-chassis", Self.lrp, "node1", "200"])
        let changedBack = await eventually(timeout: .seconds(1)) { order() == ["node3", "node2", "node1"] }
        XCTAssertTrue(changedBack, "order: \(order())")
    }

    func testReportsMembersWithoutARow() async throws {
        let r = try await reconciler(own: "node1")
        await r.update(isMaster: true, ranking: ranking(["node1", "node4", "node2", "node3"]))
        let applied = await eventually { await r.status().nbDetail.contains("node4") }
        let shown = await r.status().nbDetail
        XCTAssertTrue(applied, "\(shown)")
        XCTAssertEqual(order(), ["node1", "node2", "node3"])
        let members = await r.status().members
        XCTAssertEqual(members.first { $0.chassis == "node4" }?.rowPriority, nil)
    }

    func testSurvivesTheNorthboundStoppingAndReconcilesAfterRestart() async throws {
        let r = try await reconciler(own: "node2")
        await r.update(isMaster: true, ranking: ranking(["node2", "node3", "node1"]))
        var ok = await eventually { order() == ["node2", "node3", "node1"] }
        XCTAssertTrue(ok, "order: \(order())")

        nb.stop()
        let down = await eventually { await !r.status().nbConnected }
        XCTAssertTrue(down)
        let detail = await r.status().nbDetail
        XCTAssertTrue(detail.contains("disconnected") || detail.contains("connecting"), detail)
        // The election moves on while the database is away; the wish is kept.
        await r.update(isMaster: true, ranking: ranking(["node2", "node1", "node3"]))
        try await Task.sleep(for: .milliseconds(300))

        try nb.start()
        ok = await eventually { order() == ["node2", "node1", "node3"] }
        XCTAssertTrue(ok, "order: \(order())")
        let up = await r.status().nbConnected
        XCTAssertTrue(up)
    }

    func testHoldTimeLimitsReordersToOnePerPeriod() async throws {
        let r = try await reconciler(own: "node1", minHoldTime: .milliseconds(1500))
        await r.update(isMaster: true, ranking: ranking(["node1", "node3", "node2"]))
        var ok = await eventually { order() == ["node1", "node3", "node2"] }
        XCTAssertTrue(ok, "order: \(order())")
        let firstWrite = ContinuousClock.now
        await r.update(isMaster: true, ranking: ranking(["node1", "node2", "node3"]))
        try await Task.sleep(for: .milliseconds(600))
        XCTAssertEqual(order(), ["node1", "node3", "node2"], "reordered within minHoldTime")
        ok = await eventually(timeout: .seconds(3)) { order() == ["node1", "node2", "node3"] }
        XCTAssertTrue(ok, "order: \(order())")
        XCTAssertGreaterThanOrEqual(ContinuousClock.now - firstWrite, .milliseconds(1400))
        let counters = await r.counters
        XCTAssertGreaterThanOrEqual(counters.held, 1)
        XCTAssertEqual(counters.succeeded, 2)
    }

    func testAStaleWriteIsRefusedByTheWaitGuard() async throws {
        let client = OVSDBClient(remotes: try OVSDBRemote.parseList(nb.unixRemote), logger: Logger(label: "store"))
        try await client.connect()
        let store = GatewayChassisStore(client: client, logicalRouterPort: Self.lrp)
        let stale = try await store.read()
        XCTAssertEqual(stale.rows.map(\.chassisName), Self.chassis)
        try nb.nbctl(["lrp-set-gateway-chassis", Self.lrp, "node2", "50"])
        let plan = GatewayPlan(masterChassis: "node3", ranking: ranking(["node3", "node2", "node1"]), rows: stale.rows)
        do {
            try await store.write(plan, over: stale, comment: "stale")
            XCTFail("a write planned from stale rows must be refused")
        } catch let error as OVSDBError {
            XCTAssertTrue(error.isWaitConflict, "\(error)")
        }
        XCTAssertEqual(try gatewayChassis().map(\.1), [100, 98, 50])
        let fresh = try await store.read()
        try await store.write(GatewayPlan(masterChassis: "node3", ranking: ranking(["node3", "node2", "node1"]),
                                          rows: fresh.rows), over: fresh, comment: "fresh")
        XCTAssertEqual(order(), ["node3", "node2", "node1"])
        await client.close()
    }

    func testTwoMastersRacingNeverLeaveAMixedOrder() async throws {
        let a = try await reconciler(own: "node1")
        let b = try await reconciler(own: "node3")
        let orderA = ["node1", "node2", "node3"]
        let orderB = ["node3", "node2", "node1"]
        // Split brain: both believe they are master, each with its own ranking.
        await a.update(isMaster: true, ranking: ranking(orderA))
        await b.update(isMaster: true, ranking: ranking(orderB))
        var samples = 0
        let deadline = ContinuousClock.now + .seconds(2)
        while ContinuousClock.now < deadline {
            let rows = try gatewayChassis()
            XCTAssertEqual(Set(rows.map(\.1)).count, 3, "tied priorities: \(rows)")
            let current = rows.map(\.0)
            XCTAssertTrue(current == orderA || current == orderB, "mixed order \(rows)")
            samples += 1
        }
        XCTAssertGreaterThan(samples, 10)
        let ca = await a.counters
        let cb = await b.counters
        XCTAssertGreaterThan(ca.succeeded + cb.succeeded, 2, "the two masters did not race: \(ca) \(cb)")
        // One steps down: the other's order stays.
        await b.update(isMaster: false, ranking: ranking(orderA))
        let settled = await eventually { order() == orderA }
        XCTAssertTrue(settled, "order: \(order())")
    }
}
