import TestSupport
import Foundation
import Logging
import OVSDB
import StatusProtocol
import XCTest
@testable import GatewayFailover

/// EIP announcements after a gateway move, against a real ovn-northd between a northbound and a
/// southbound ovsdb-server: once the agent's master sets `options:nat-addresses=router` on the
/// external switch's router port, northd publishes the router port's MAC with its address and
/// every EIP / SNAT address in the southbound `Port_Binding.nat_addresses`, which is what
/// ovn-controller on the active chassis sends gratuitous ARPs for.
final class NATAddressAnnouncementTests: XCTestCase {
    static let lrp = "ovn-cluster-external"
    static let lsp = "external-ovn-cluster"
    var nb: OVSDBServerFixture!
    var sb: OVSDBServerFixture!
    var northd: Process?

    override func setUp() async throws {
        try OVSDBServerFixture.skipUnlessInstalled()
        guard FileManager.default.isExecutableFile(atPath: "/usr/bin/ovn-northd") else {
            throw XCTSkip("/usr/bin/ovn-northd is missing: install Debian's ovn-central")
        }
        nb = try OVSDBServerFixture()
        sb = try OVSDBServerFixture(schema: "/usr/share/ovn/ovn-sb.ovsschema")
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/ovn-northd")
        p.arguments = ["--ovnnb-db=\(nb.unixRemote)", "--ovnsb-db=\(sb.unixRemote)", "--no-chdir",
                       "--unixctl=\(nb.file("northd.ctl"))", "--log-file=\(nb.file("northd.log"))"]
        p.standardOutput = FileHandle.nullDevice
        p.standardError = FileHandle.nullDevice
        try p.run()
        northd = p
        // The Kube-OVN objects: the VPC router, its port on the external switch, the switch's
        // router-type peer port, the gateway chassis, an EIP (dnat_and_snat) and an SNAT.
        try nb.nbctl(["lr-add", "ovn-cluster"])
        try nb.nbctl(["lrp-add", "ovn-cluster", Self.lrp, "00:00:00:4e:3d:01", "10.4.19.254/24"])
        try nb.nbctl(["ls-add", "external"])
        try nb.nbctl(["lsp-add", "external", Self.lsp, "--", "lsp-set-type", Self.lsp, "router",
                      "--", "lsp-set-addresses", Self.lsp, "router",
                      "--", "lsp-set-options", Self.lsp, "router-port=\(Self.lrp)"])
        for (index, name) in ["node1", "node2"].enumerated() {
            try nb.nbctl(["lrp-set-gateway-chassis", Self.lrp, name, String(100 - index)])
        }
        try nb.nbctl(["lr-nat-add", "ovn-cluster", "dnat_and_snat", "10.4.19.50", "10.16.0.5"])
        try nb.nbctl(["lr-nat-add", "ovn-cluster", "snat", "10.4.19.60", "10.16.0.0/16"])
    }

    override func tearDown() async throws {
        if let northd, northd.isRunning {
            // SIGKILL: a SIGTERM may be blocked in the mask the child inherits from a test thread.
            kill(northd.processIdentifier, SIGKILL)
            northd.waitUntilExit()
        }
        nb?.shutdown()
        sb?.shutdown()
    }

    /// `ovn-sbctl get Port_Binding <lsp> nat_addresses`.
    func southboundNATAddresses() -> String {
        (try? OVSDBServerFixture.run("/usr/bin/ovn-sbctl", ["--db=\(sb.unixRemote)", "--timeout=5",
                                                            "--columns=nat_addresses", "--bare", "find", "Port_Binding",
                                                            "logical_port=\(Self.lsp)"]))?
            .trimmingCharacters(in: .whitespacesAndNewlines) ?? ""
    }

    func testTheMasterMakesNorthdPublishTheNATAddresses() async throws {
        // northd has translated the port, without NAT addresses: nothing would be announced.
        let bound = await eventually(timeout: .seconds(10)) {
            (try? OVSDBServerFixture.run("/usr/bin/ovn-sbctl", ["--db=\(sb.unixRemote)", "--timeout=5", "--bare",
                                                                "--columns=logical_port", "find", "Port_Binding",
                                                                "logical_port=\(Self.lsp)"]))?.contains(Self.lsp) == true
        }
        XCTAssertTrue(bound, "northd should create the Port_Binding of \(Self.lsp)")
        // OVN 23.03 publishes the router port's own address already, but no EIP/SNAT address.
        let before = southboundNATAddresses()
        XCTAssertFalse(before.contains("10.4.19.50") || before.contains("10.4.19.60"), "before the option: \(before)")
        print("SB Port_Binding \(Self.lsp) nat_addresses before: \(before)")

        let settings = GatewaySettings(remotes: try OVSDBRemote.parseList(nb.tcpRemote), logicalRouterPort: Self.lrp,
                                       ownChassis: "node2", minHoldTime: .zero, routerId: 60)
        let reconciler = GatewayReconciler(config: settings, logger: Logger(label: "nat-test"))
        await reconciler.start()
        defer { Task { await reconciler.stop() } }
        await reconciler.update(isMaster: true, ranking: [GatewayMember(node: "m2", chassis: "node2", healthy: true),
                                                          GatewayMember(node: "m1", chassis: "node1", healthy: true)])
        let published = await eventually(timeout: .seconds(10)) {
            let text = southboundNATAddresses()
            return text.contains("10.4.19.50") && text.contains("10.4.19.60")
        }
        let text = southboundNATAddresses()
        XCTAssertTrue(published, "SB nat_addresses: \(text)")
        // The router port's MAC, its own address, every EIP/SNAT address, resident on the active chassis.
        XCTAssertTrue(text.contains("00:00:00:4e:3d:01"), text)
        XCTAssertTrue(text.contains("10.4.19.254"), text)
        XCTAssertTrue(text.contains("is_chassis_resident(\\\"cr-\(Self.lrp)\\\")") || text.contains("cr-\(Self.lrp)"), text)
        print("SB Port_Binding \(Self.lsp) nat_addresses: \(text)")
        let options = try nb.nbctl(["get", "Logical_Switch_Port", Self.lsp, "options"])
        XCTAssertTrue(options.contains("nat-addresses=router"), options)
        XCTAssertTrue(options.contains("router-port=\(Self.lrp)"), "other options are kept: \(options)")
        // And the gateway order was written as usual.
        let order = try nb.nbctl(["lrp-get-gateway-chassis", Self.lrp])
        XCTAssertTrue(order.hasPrefix("\(Self.lrp)-node2"), order)
    }

    func testOperationsOnlyTouchTheOneKey() {
        let ops = NATAddressAnnouncement.operations(for: .init(uuid: "u1", name: "p", natAddresses: nil))
        XCTAssertEqual(ops.count, 3)
        XCTAssertTrue("\(ops[0].json)".contains("delete"))
        XCTAssertTrue("\(ops[1].json)".contains("nat-addresses"))
    }
}
