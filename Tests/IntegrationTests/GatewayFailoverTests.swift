import Foundation
import XCTest

/// Kube-OVN centralized external gateway failover, end to end: three agents in namespaces as
/// gateway nodes, a real ovsdb-server with the OVN Northbound schema (on a unix socket, which
/// every namespace reaches), rows created the way kube-ovn-controller creates them.
final class GatewayFailoverTests: XCTestCase {
    private var lab: Lab!
    private var nb: URL!
    private var nbServer: Process?
    private let lrp = "ovn-cluster-external"

    override func setUpWithError() throws {
        guard sh("command -v ovsdb-server && command -v ovn-nbctl && test -f /usr/share/ovn/ovn-nb.ovsschema").status == 0 else {
            throw XCTSkip("ovsdb-server, ovn-nbctl or the OVN NB schema is not installed (Debian: ovn-central)")
        }
        lab = try Lab(count: 3, test: "gateway")
        nb = lab.dir.appendingPathComponent("nb")
        try FileManager.default.createDirectory(at: nb, withIntermediateDirectories: true)
        try lab.run("ovsdb-tool create \(nb.path)/nb.db /usr/share/ovn/ovn-nb.ovsschema")
        try startNB()
        // As kube-ovn-controller does for external-gw-nodes m1,m2,m3: priority 100 - index.
        try nbctl("lr-add ovn-cluster")
        try nbctl("lrp-add ovn-cluster \(lrp) 00:00:00:00:00:01 10.4.19.254/24")
        try createGatewayRows()
        try configureAgents()
    }

    /// The three agents' configurations; `portsLine` names the router ports (default: none, the
    /// default VPC's port).
    private func configureAgents(portsLine: String = "") throws {
        for (i, priority) in [(1, 150), (2, 140), (3, 130)] {
            let extra = """
                healthChecks:
                  - name: uplink
                    exec: { command: ["/bin/sh", "-c", "test ! -e \(lab.dir.path)/uplink-down-m\(i)"] }
                    interval: 200ms
                    timeout: 150ms
                    rise: 2
                    fall: 2
                externalGateway:
                  nb: "unix:\(nb.path)/nb.sock"
                  chassis: chassis-m\(i)
                  routerId: 60
                  priority: \(priority)
                  checks: [uplink]
                  minHoldTime: 1s
                  \(portsLine)
                """
            try lab.configure(i, priority: priority, extra: extra)
        }
    }

    override func tearDown() {
        if let lab, testRun?.hasSucceeded == false { print(lab.logs()) }
        lab?.down()
        stopNB()
        lab = nil
    }

    /// ovsdb-server in the foreground as a child of the test (a `--detach`ed daemon would inherit
    /// the test's pipes and keep them open).
    private func startNB() throws {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: sh("command -v ovsdb-server").output.trimmingCharacters(in: .whitespacesAndNewlines))
        p.arguments = ["\(nb.path)/nb.db", "--remote=punix:\(nb.path)/nb.sock", "--unixctl=\(nb.path)/nb.ctl",
                       "--log-file=\(nb.path)/nb.log"]
        p.standardInput = FileHandle.nullDevice
        p.standardOutput = FileHandle.nullDevice
        p.standardError = FileHandle.nullDevice
        try p.run()
        nbServer = p
        guard waitFor(5, { FileManager.default.fileExists(atPath: "\(nb.path)/nb.sock") }) != nil else {
            throw LabError("ovsdb-server did not open \(nb.path)/nb.sock")
        }
    }

    private func stopNB() {
        guard let p = nbServer else { return }
        p.terminate()
        p.waitUntilExit()
        nbServer = nil
        try? FileManager.default.removeItem(atPath: "\(nb.path)/nb.sock")
    }

    @discardableResult
    private func nbctl(_ args: String) throws -> String {
        let r = sh("ovn-nbctl --db=unix:\(nb.path)/nb.sock \(args)")
        if r.status != 0 { throw LabError("ovn-nbctl \(args): \(r.output)") }
        return r.output
    }

    private func createGatewayRows(port: String? = nil) throws {
        for (index, chassis) in ["chassis-m1", "chassis-m2", "chassis-m3"].enumerated() {
            try nbctl("lrp-set-gateway-chassis \(port ?? lrp) \(chassis) \(100 - index)")
        }
    }

    /// Chassis names as `ovn-nbctl lrp-get-gateway-chassis` lists them (highest priority first).
    private func order(_ port: String? = nil) -> [String] {
        let lrp = port ?? self.lrp
        let out = (try? nbctl("lrp-get-gateway-chassis \(lrp)")) ?? ""
        return out.split(separator: "\n").compactMap { line in
            line.split(separator: " ").first.map { String($0.dropFirst(lrp.count + 1)) }
        }
    }

    private func gatewayJSON(_ i: Int) -> [String: Any]? {
        let out = lab.vipctl(i, "status --json").output
        let doc = (try? JSONSerialization.jsonObject(with: Data(out.utf8))) as? [String: Any]
        return doc?["gateway"] as? [String: Any]
    }

    func testHealthyNodeIsPutOnTopAndTheOrderIsDefended() throws {
        for i in 1...3 { try lab.start(i) }
        XCTAssertNotNil(waitFor(10) { gatewayJSON(1)?["state"] as? String == "MASTER" }, "m1 masters the gateway group")
        XCTAssertEqual(order().first, "chassis-m1")

        // m1's uplink fails: a healthy node is on top within fall × interval + 1 s.
        FileManager.default.createFile(atPath: lab.dir.appendingPathComponent("uplink-down-m1").path, contents: nil)
        let moved = waitFor(2 * 0.2 + 1 + 1) { order().first == "chassis-m2" }
        XCTAssertNotNil(moved, "chassis-m2 should be on top, order is \(order())")
        print("gateway moved to chassis-m2 after \(moved.map { String(format: "%.2fs", $0) } ?? "-")")
        XCTAssertLessThanOrEqual(moved ?? 99, 2 * 0.2 + 1 + 0.2)

        // A controller restart deletes and re-creates the rows with its own priorities (m1 on top):
        // the master restores its order within 1 s.
        for chassis in ["chassis-m1", "chassis-m2", "chassis-m3"] { try nbctl("lrp-del-gateway-chassis \(lrp) \(chassis)") }
        try createGatewayRows()
        let restored = waitFor(1.5) { order().first == "chassis-m2" }
        XCTAssertNotNil(restored, "the agent's order should be back, order is \(order())")
        XCTAssertLessThanOrEqual(restored ?? 99, 1.2)

        // The NB stops: agents keep running and report it; it returns: they reconcile.
        stopNB()
        XCTAssertNotNil(waitFor(5) { gatewayJSON(2)?["nbConnected"] as? Bool == false }, "the NB outage is reported")
        XCTAssertEqual(lab.agents.values.filter(\.isRunning).count, 3)
        try FileManager.default.removeItem(at: lab.dir.appendingPathComponent("uplink-down-m1"))
        try startNB()
        XCTAssertNotNil(waitFor(12) { order().first == "chassis-m1" }, "after the NB returns m1 (healthy again, preempt) is put back, order is \(order())")
        XCTAssertNotNil(waitFor(5) { gatewayJSON(1)?["nbConnected"] as? Bool == true })
        // The status reads the rows back through the monitor: it follows the write shortly.
        XCTAssertNotNil(waitFor(2) { gatewayJSON(1)?["activeChassis"] as? String == "chassis-m1" }, "\(gatewayJSON(1) ?? [:])")
        let status = gatewayJSON(1)
        XCTAssertEqual((status?["members"] as? [[String: Any]])?.count, 3)
    }

    func testTwoRouterPortsMoveTogetherAndAreBothReported() throws {
        // A tenant VPC with its own gateway port, next to the default VPC's (Kube-OVN: <vpc>-<subnet>).
        let tenant = "shalb-demo-ext-cloud"
        try nbctl("lr-add shalb-demo")
        try nbctl("lrp-add shalb-demo \(tenant) 00:00:00:00:00:02 10.5.0.254/24")
        try createGatewayRows(port: tenant)
        try configureAgents(portsLine: "logicalRouterPorts: [\(lrp), \(tenant)]")
        for i in 1...3 { try lab.start(i) }
        XCTAssertNotNil(waitFor(10) { gatewayJSON(1)?["state"] as? String == "MASTER" }, "m1 masters the gateway group")
        XCTAssertEqual(order().first, "chassis-m1")
        XCTAssertEqual(order(tenant).first, "chassis-m1")

        // One election change (m1's uplink fails): both ports get the same new order.
        FileManager.default.createFile(atPath: lab.dir.appendingPathComponent("uplink-down-m1").path, contents: nil)
        let moved = waitFor(2 * 0.2 + 1 + 1) { order().first == "chassis-m2" && order(tenant).first == "chassis-m2" }
        XCTAssertNotNil(moved, "orders: \(order()) / \(order(tenant))")
        print("both router ports moved to chassis-m2 after \(moved.map { String(format: "%.2fs", $0) } ?? "-")")
        XCTAssertEqual(order(), order(tenant))
        XCTAssertEqual(order(), ["chassis-m2", "chassis-m3", "chassis-m1"])

        // Every node's status lists both ports with their active chassis (read back through the monitor).
        let listed = waitFor(3) {
            (1...3).allSatisfy { i in
                let ports = gatewayJSON(i)?["ports"] as? [[String: Any]] ?? []
                return ports.map { $0["name"] as? String } == [lrp, tenant]
                    && ports.allSatisfy { $0["activeChassis"] as? String == "chassis-m2" && $0["found"] as? Bool == true }
            }
        }
        XCTAssertNotNil(listed, "\(gatewayJSON(2) ?? [:])")
        XCTAssertEqual(gatewayJSON(2)?["activeChassis"] as? String, "chassis-m2", "the single-port field stays: the first port")
        let table = lab.vipctl(2, "status").output
        print(table)
        XCTAssertTrue(table.contains("ROUTER PORT"), table)
        for port in [lrp, tenant] {
            XCTAssertTrue(table.split(separator: "\n").contains { $0.hasPrefix("  \(port)  chassis-m2") }, table)
        }
    }
}
