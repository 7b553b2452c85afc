import TestSupport
import Foundation
import Logging
import OVSDB
import StatusProtocol
import XCTest
@testable import GatewayFailover

/// `externalGateway.logicalRouterPorts`: one election, several router ports (the default VPC's and a
/// tenant VPC's), against a real ovsdb-server with the rows kube-ovn-controller creates.
final class GatewayRouterPortsTests: XCTestCase {
    static let defaultPort = "ovn-cluster-external"
    static let tenantPort = "shalb-demo-ext-cloud"
    static let chassis = ["node1", "node2", "node3"]
    var nb: OVSDBServerFixture!
    var reconcilers: [GatewayReconciler] = []

    override func setUp() async throws {
        nb = try OVSDBServerFixture()
        try addPort(router: "ovn-cluster", port: Self.defaultPort, mac: "00:00:00:00:00:01", address: "10.4.19.254/24",
                    peer: "external-ovn-cluster")
        try addPort(router: "shalb-demo", port: Self.tenantPort, mac: "00:00:00:00:00:02", address: "10.5.0.254/24",
                    peer: "ext-cloud-shalb-demo")
    }

    override func tearDown() async throws {
        for r in reconcilers { await r.stop() }
        nb?.shutdown()
    }

    /// A VPC router with its port on an external switch, the switch's router-type peer, and one
    /// `Gateway_Chassis` row per gateway node with priority `100 - index`, as Kube-OVN makes them.
    func addPort(router: String, port: String, mac: String, address: String, peer: String) throws {
        try nb.nbctl(["--may-exist", "lr-add", router])
        try nb.nbctl(["lrp-add", router, port, mac, address])
        try nb.nbctl(["--may-exist", "ls-add", "external-\(router)"])
        try nb.nbctl(["lsp-add", "external-\(router)", peer, "--", "lsp-set-type", peer, "router",
                      "--", "lsp-set-addresses", peer, "router", "--", "lsp-set-options", peer, "router-port=\(port)"])
        for (index, name) in Self.chassis.enumerated() {
            try nb.nbctl(["lrp-set-gateway-chassis", port, name, String(100 - index)])
        }
    }

    /// `ovn-nbctl lrp-get-gateway-chassis <port>`: chassis names, highest priority first.
    func order(_ port: String) -> [String] {
        ((try? nb.nbctl(["lrp-get-gateway-chassis", port])) ?? "").split(separator: "\n").compactMap { line in
            line.split(whereSeparator: \.isWhitespace).first.map { String($0.dropFirst(port.count + 1)) }
        }
    }

    func reconciler(own: String, ports: [String]) async throws -> GatewayReconciler {
        let settings = GatewaySettings(
            remotes: try OVSDBRemote.parseList(nb.tcpRemote), logicalRouterPorts: ports, ownChassis: own,
            minHoldTime: .zero, routerId: 60,
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

    /// Polls both ports until each shows `wanted`; the time each got there, from `start`.
    func timesUntilBoth(show wanted: [String], since start: ContinuousClock.Instant,
                        timeout: Duration = .seconds(3)) async throws -> [String: Duration] {
        var reached: [String: Duration] = [:]
        while reached.count < 2 && ContinuousClock.now < start + timeout {
            for port in [Self.defaultPort, Self.tenantPort] where reached[port] == nil && order(port) == wanted {
                reached[port] = ContinuousClock.now - start
            }
            try await Task.sleep(for: .milliseconds(5))
        }
        return reached
    }

    func testOneElectionChangeReordersBothPortsAndStatusListsThem() async throws {
        let r = try await reconciler(own: "node3", ports: [Self.defaultPort, Self.tenantPort])
        XCTAssertEqual(order(Self.defaultPort), Self.chassis)
        XCTAssertEqual(order(Self.tenantPort), Self.chassis)

        var start = ContinuousClock.now
        await r.update(isMaster: true, ranking: ranking(["node3", "node1", "node2"]))
        var reached = try await timesUntilBoth(show: ["node3", "node1", "node2"], since: start)
        XCTAssertEqual(reached.count, 2, "orders: \(order(Self.defaultPort)) / \(order(Self.tenantPort))")
        var succeeded = await r.counters.succeeded
        XCTAssertEqual(succeeded, 2, "one write per port")

        // One more election change (node1's checks fail): both ports follow it, together.
        start = ContinuousClock.now
        await r.update(isMaster: true, ranking: ranking(["node3", "node1", "node2"], unhealthy: ["node1"]))
        reached = try await timesUntilBoth(show: ["node3", "node2", "node1"], since: start)
        XCTAssertEqual(reached.count, 2, "orders: \(order(Self.defaultPort)) / \(order(Self.tenantPort))")
        let spread = reached.values.max()! - reached.values.min()!
        print("both router ports reordered after \(reached.values.max()!), \(spread) apart")
        XCTAssertLessThan(reached.values.max()!, .milliseconds(1000))
        succeeded = await r.counters.succeeded
        XCTAssertEqual(succeeded, 4)
        for port in [Self.defaultPort, Self.tenantPort] {
            let priorities = try nb.nbctl(["lrp-get-gateway-chassis", port]).split(separator: "\n")
                .compactMap { $0.split(whereSeparator: \.isWhitespace).last.flatMap { Int($0) } }
            XCTAssertEqual(priorities, [100, 99, 98], port)
        }

        // Status: every port, in configured order, with its rows; the single-port fields are the first port's.
        let settled = await eventually {
            await r.status().ports.allSatisfy { $0.gatewayChassis.map(\.chassis) == ["node3", "node2", "node1"] }
        }
        let status = await r.status()
        XCTAssertTrue(settled, "\(status.ports)")
        XCTAssertEqual(status.ports.map(\.name), [Self.defaultPort, Self.tenantPort])
        XCTAssertEqual(status.ports.map(\.found), [true, true])
        XCTAssertEqual(status.ports.map(\.activeChassis), ["node3", "node3"])
        XCTAssertEqual(status.ports.map { $0.gatewayChassis.map(\.priority) }, [[100, 99, 98], [100, 99, 98]])
        XCTAssertEqual(status.ports.map(\.natAddressPorts), [["external-ovn-cluster"], ["ext-cloud-shalb-demo"]])
        XCTAssertTrue(status.ports.allSatisfy { $0.lastWriteResult == "ok: node3 > node2 > node1" }, "\(status.ports)")
        XCTAssertEqual(status.activeChassis, "node3")
        XCTAssertEqual(status.lastWriteResult, status.ports[0].lastWriteResult)
        XCTAssertEqual(status.members.map(\.rowPriority), [100, 98, 99])
        XCTAssertTrue(status.nbDetail.hasPrefix("connected") && !status.nbDetail.contains(";"), "no problem: \(status.nbDetail)")

        // The NAT-address announcement is ensured on the peer of every port.
        for peer in ["external-ovn-cluster", "ext-cloud-shalb-demo"] {
            let options = try nb.nbctl(["get", "Logical_Switch_Port", peer, "options"])
            XCTAssertTrue(options.contains("nat-addresses=router"), "\(peer): \(options)")
        }

        // The table shows both ports.
        let table = StatusFormatter.table(StatusDocument(node: "m3", version: "test", gateway: status))
        XCTAssertTrue(table.contains("\(Self.defaultPort)  node3"), table)
        XCTAssertTrue(table.contains("\(Self.tenantPort)  node3"), table)
    }

    func testAMissingPortIsReportedWhileTheOtherIsManaged() async throws {
        let missing = "gone-vpc-ext-cloud"
        XCTAssertEqual(try nb.nbctl(["--bare", "--columns=name", "find", "Logical_Router_Port", "name=\(missing)"])
                        .trimmingCharacters(in: .whitespacesAndNewlines), "", "the port must really be absent")
        // The missing port first: the one after it must not wait for it.
        let r = try await reconciler(own: "node2", ports: [missing, Self.tenantPort])
        await r.update(isMaster: true, ranking: ranking(["node2", "node3", "node1"]))
        let managed = await eventually { order(Self.tenantPort) == ["node2", "node3", "node1"] }
        XCTAssertTrue(managed, "order: \(order(Self.tenantPort))")
        XCTAssertEqual(order(Self.defaultPort), Self.chassis, "an unlisted port is left alone")

        let reported = await eventually { await r.status().ports.first?.found == false }
        let status = await r.status()
        XCTAssertTrue(reported, "\(status)")
        XCTAssertEqual(status.ports.map(\.name), [missing, Self.tenantPort])
        XCTAssertEqual(status.ports[0].detail, "Logical_Router_Port \"\(missing)\" not found")
        XCTAssertNil(status.ports[0].activeChassis)
        XCTAssertEqual(status.ports[1].found, true)
        XCTAssertEqual(status.ports[1].activeChassis, "node2")
        XCTAssertTrue(status.nbConnected)
        XCTAssertTrue(status.nbDetail.contains("Logical_Router_Port \"\(missing)\" not found"), status.nbDetail)
        XCTAssertNil(status.activeChassis, "the single-port fields describe the first (missing) port")
        let table = StatusFormatter.table(StatusDocument(node: "m2", version: "test", gateway: status))
        XCTAssertTrue(table.split(separator: "\n").contains { $0.hasPrefix("  \(missing)") && $0.hasSuffix("not found") }, table)
        let counters = await r.counters
        XCTAssertEqual(counters.failed, 0)

        // Kube-OVN creates the port later: it is ordered like the other at once.
        try addPort(router: "gone-vpc", port: missing, mac: "00:00:00:00:00:03", address: "10.6.0.254/24",
                    peer: "ext-cloud-gone-vpc")
        let adopted = await eventually { order(missing) == ["node2", "node3", "node1"] }
        XCTAssertTrue(adopted, "order: \(order(missing))")
        let found = await eventually {
            let status = await r.status()
            return status.ports.first?.found == true && !status.nbDetail.contains("not found")
        }
        let after = await r.status()
        XCTAssertTrue(found, "\(after)")
        XCTAssertEqual(after.activeChassis, "node2")
    }

    func testABackupReportsEveryPortAndWritesNone() async throws {
        let r = try await reconciler(own: "node3", ports: [Self.defaultPort, Self.tenantPort])
        await r.update(isMaster: false, ranking: ranking(["node2", "node3", "node1"]))
        let seen = await eventually { await r.status().ports.allSatisfy { $0.activeChassis == "node1" } }
        XCTAssertTrue(seen)
        try await Task.sleep(for: .milliseconds(300))
        XCTAssertEqual(order(Self.defaultPort), Self.chassis)
        XCTAssertEqual(order(Self.tenantPort), Self.chassis)
        let status = await r.status()
        XCTAssertEqual(status.state, "BACKUP")
        XCTAssertEqual(status.ports.map(\.lastWrite), [nil, nil])
        let succeeded = await r.counters.succeeded
        XCTAssertEqual(succeeded, 0)
    }
}
