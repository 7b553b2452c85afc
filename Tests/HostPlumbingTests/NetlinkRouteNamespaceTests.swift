import HostModel
import BasicTypes
import XCTest
import HostPlumbing

/// NetlinkRoute against the real kernel, inside a throw-away network namespace.
final class NetlinkRouteNamespaceTests: XCTestCase {
    private var ns: NetworkNamespace!

    override func setUpWithError() throws {
        ns = try NetworkNamespace()
        try ns.addLink("dummy0")
        try ns.addLink("dummy1")
        try ns.ip("addr", "add", "10.77.0.11/24", "dev", "dummy0")
    }

    override func tearDown() {
        ns?.destroy()
        ns = nil
    }

    private func addresses(_ device: String) throws -> String {
        try ns.ip("-o", "addr", "show", "dev", device)
    }

    func testAddAndRemoveIPv4HostAddress() throws {
        let vip = IPAddress("10.77.0.100")!
        let route = try ns.enter { try NetlinkRoute() }
        try route.addHostAddress(vip, interface: "dummy0")
        let line = try addresses("dummy0").split(separator: "\n").first { $0.contains("10.77.0.100") }
        let shown = try XCTUnwrap(line.map(String.init), "VIP not shown by ip addr")
        XCTAssertTrue(shown.contains("inet 10.77.0.100/32"), shown)
        XCTAssertTrue(shown.contains("noprefixroute"), shown)

        try route.addHostAddress(vip, interface: "dummy0")  // idempotent
        XCTAssertEqual(try addresses("dummy0").components(separatedBy: "10.77.0.100/32").count - 1, 1)

        try route.removeHostAddress(vip, interface: "dummy0")
        XCTAssertFalse(try addresses("dummy0").contains("10.77.0.100"))
        XCTAssertTrue(try addresses("dummy0").contains("10.77.0.11/24"), "node address untouched")
        try route.removeHostAddress(vip, interface: "dummy0")  // idempotent
        try route.removeHostAddress(vip, interface: "nosuch0") // an absent interface holds nothing
    }

    func testAddAndRemoveIPv6HostAddress() throws {
        let vip = IPAddress("fd00:77::100")!
        let route = try ns.enter { try NetlinkRoute() }
        try route.addHostAddress(vip, interface: "dummy1")
        let shown = try addresses("dummy1").split(separator: "\n").first { $0.contains("fd00:77::100") }
            .map(String.init) ?? "(no line for the VIP)"
        XCTAssertTrue(shown.contains("inet6 fd00:77::100/128"), shown)
        XCTAssertTrue(shown.contains("noprefixroute"), shown)
        XCTAssertFalse(shown.contains("tentative"), "added with nodad: \(shown)")
        XCTAssertTrue(shown.contains("deprecated") && shown.contains("preferred_lft 0sec"),
                      "never chosen as a source address: \(shown)")
        XCTAssertTrue(shown.contains("valid_lft forever"), shown)
        try route.addHostAddress(vip, interface: "dummy1")
        try route.removeHostAddress(vip, interface: "dummy1")
        XCTAssertFalse(try addresses("dummy1").contains("fd00:77::100"))
        try route.removeHostAddress(vip, interface: "dummy1")
    }

    func testAddOnMissingInterfaceNamesInterfaceAddressAndLibnlError() throws {
        let route = try ns.enter { try NetlinkRoute() }
        XCTAssertThrowsError(try route.addHostAddress(IPAddress("10.77.0.100")!, interface: "nosuch0")) { error in
            let text = String(describing: error)
            XCTAssertTrue(text.contains("nosuch0"), text)
            XCTAssertTrue(text.contains("10.77.0.100/32"), text)
            XCTAssertTrue(text.contains("adding"), text)
            XCTAssertGreaterThan((error as? HostError)?.libraryError.count ?? 0, 0, text)
        }
        XCTAssertThrowsError(try route.addHostAddress(IPAddress("10.77.0.100")!, interface: "much-too-long-name0")) {
            XCTAssertTrue(String(describing: $0).contains("much-too-long-name0"))
        }
        XCTAssertThrowsError(try route.addHostAddress(IPAddress("10.77.0.100")!, interface: ""))
    }

    func testRemoveAddressEverywhere() throws {
        let vip = IPAddress("10.77.0.100")!
        let route = try ns.enter { try NetlinkRoute() }
        try route.addHostAddress(vip, interface: "dummy0")
        try ns.ip("addr", "add", "10.77.0.100/24", "dev", "dummy1")
        try ns.ip("addr", "add", "10.77.0.100/28", "dev", "dummy1")
        XCTAssertEqual(try route.snapshot().interfacesHolding(vip), ["dummy0", "dummy1"])

        let touched = try route.removeAddressEverywhere(vip)
        XCTAssertEqual(touched.sorted(), ["dummy0", "dummy1"])
        let all = try ns.ip("-o", "addr", "show")
        XCTAssertFalse(all.contains("10.77.0.100"), all)
        XCTAssertTrue(all.contains("10.77.0.11/24"), all)
        XCTAssertEqual(try route.removeAddressEverywhere(vip), [])
        XCTAssertEqual(try route.snapshot().interfacesHolding(vip), [])
    }

    func testSnapshotReportsBridgePortsKindsAndAddresses() throws {
        try ns.ip("link", "add", "br0", "type", "bridge")
        try ns.ip("link", "add", "veth0", "address", "02:00:00:00:0a:01", "type", "veth", "peer", "name", "veth1")
        try ns.ip("link", "set", "veth0", "master", "br0")
        try ns.ip("link", "set", "br0", "up")
        try ns.ip("addr", "add", "fd00:77::11/64", "dev", "dummy0", "nodad")
        let route = try ns.enter { try NetlinkRoute() }
        let snapshot = try route.snapshot()

        let br0 = try XCTUnwrap(snapshot.link(named: "br0"))
        let veth0 = try XCTUnwrap(snapshot.link(named: "veth0"))
        XCTAssertEqual(br0.kind, "bridge")
        XCTAssertNil(br0.masterIndex)
        XCTAssertEqual(veth0.kind, "veth")
        XCTAssertEqual(veth0.masterIndex, br0.index)
        XCTAssertEqual(veth0.mac, [2, 0, 0, 0, 0x0a, 1])
        XCTAssertFalse(veth0.isUp)
        XCTAssertTrue(["dummy", "veth"].contains(snapshot.link(named: "dummy0")?.kind ?? "none"))
        XCTAssertEqual(snapshot.link(named: "dummy0")?.isUp, true)
        XCTAssertEqual(snapshot.link(named: "lo")?.hasCarrier, true)

        let dummy0 = snapshot.addresses(on: "dummy0")
        XCTAssertTrue(dummy0.contains(InterfaceAddress(interfaceIndex: snapshot.link(named: "dummy0")!.index,
                                                       interfaceName: "dummy0",
                                                       address: IPAddress("10.77.0.11")!, prefixLength: 24)), "\(dummy0)")
        XCTAssertTrue(dummy0.contains { $0.address == IPAddress("fd00:77::11") && $0.prefixLength == 64 }, "\(dummy0)")
        XCTAssertTrue(snapshot.addresses.contains { $0.interfaceName == "lo" && $0.address == IPAddress("127.0.0.1") })

        // The resolver on the real snapshot: veth0 is a port of br0 and nothing holds 10.88.0.0/24.
        let r = InterfaceResolver.resolve(configured: "veth0", vip: IPAddress("10.88.0.100")!, prefixLength: 24,
                                          snapshot: snapshot)
        XCTAssertEqual(r.interface, "br0")
        let auto = InterfaceResolver.resolve(configured: "auto", vip: IPAddress("10.77.0.100")!, prefixLength: 24,
                                             snapshot: snapshot)
        XCTAssertEqual(auto.interface, "dummy0")
    }

    func testRouteSocketStaysInItsNamespace() throws {
        let route = try ns.enter { try NetlinkRoute() }
        // Called from the original namespace, it still sees the test namespace.
        XCTAssertNotNil(try route.snapshot().link(named: "dummy1"))
    }
}
