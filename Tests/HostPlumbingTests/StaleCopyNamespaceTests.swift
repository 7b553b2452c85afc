import BasicTypes
import XCTest
import HostPlumbing

/// The agent marks the VIP copies it adds (IFA_PROTO, and an IPv4 label) and later removes
/// exactly those: never the node's own address, never another program's.
final class StaleCopyNamespaceTests: XCTestCase {
    private var ns: NetworkNamespace!

    override func setUpWithError() throws {
        ns = try NetworkNamespace()
        try ns.addLink("dummy0")
        try ns.addLink("dummy1")
        try ns.ip("addr", "add", "10.77.0.11/24", "dev", "dummy0")
        try ns.ip("addr", "add", "fd00:77::11/64", "dev", "dummy0", "nodad")
    }

    override func tearDown() {
        ns?.destroy()
        ns = nil
    }

    private func record(_ route: NetlinkRoute, _ address: String) throws -> AddressRecord? {
        try route.addressRecords().first { $0.address == IPAddress(address)! }
    }

    func testAddedCopiesCarryTheAgentsProtocolAndLabel() throws {
        let route = try ns.enter { try NetlinkRoute() }
        try route.addHostAddress(IPAddress("10.77.0.100")!, interface: "dummy0")
        try route.addHostAddress(IPAddress("fd00:77::100")!, interface: "dummy0")
        let v4 = try XCTUnwrap(try record(route, "10.77.0.100"))
        XCTAssertEqual(v4.proto, AddressMark.proto, "IFA_PROTO on a kernel ≥ 5.18")
        XCTAssertEqual(v4.label, "dummy0:vip")
        XCTAssertEqual(v4.prefixLength, 32)
        let v6 = try XCTUnwrap(try record(route, "fd00:77::100"))
        XCTAssertEqual(v6.proto, AddressMark.proto)
        XCTAssertEqual(v6.prefixLength, 128)
        // The node's addresses carry no mark.
        XCTAssertNil(try record(route, "10.77.0.11")?.proto)
        // iproute2 shows the mark too.
        XCTAssertTrue(try ns.ip("-4", "addr", "show", "dev", "dummy0").contains("dummy0:vip"))
    }

    func testRemovingStaleCopiesTakesOnlyTheAgentsOwn() throws {
        let route = try ns.enter { try NetlinkRoute() }
        try route.addHostAddress(IPAddress("10.77.0.100")!, interface: "dummy0")
        try route.addHostAddress(IPAddress("10.77.0.100")!, interface: "dummy1")
        try route.addHostAddress(IPAddress("fd00:77::100")!, interface: "dummy1")
        // An unmarked copy as agents before the mark added it (/32, noprefixroute): ours too.
        try ns.ip("addr", "add", "10.77.0.101/32", "dev", "dummy1", "noprefixroute")
        // A plain static /32: not ours. (Another program's IFA_PROTO value is covered by
        // AddressDumpParserTests: iproute2 6.1 cannot set one.)
        try ns.ip("addr", "add", "10.77.0.103/32", "dev", "dummy1")

        let vips = ["10.77.0.100", "fd00:77::100", "10.77.0.101", "10.77.0.103", "10.77.0.11", "fd00:77::11"]
            .map { IPAddress($0)! }
        let removed = try route.removeAgentCopies(of: vips)
        XCTAssertEqual(Set(removed.map(\.description)),
                       ["10.77.0.100/32 on dummy0", "10.77.0.100/32 on dummy1", "fd00:77::100/128 on dummy1",
                        "10.77.0.101/32 on dummy1"])
        let left = try ns.ip("-o", "addr", "show")
        for kept in ["10.77.0.11/24", "fd00:77::11/64", "10.77.0.103/32"] {
            XCTAssertTrue(left.contains(kept), "\(kept) must stay: \(left)")
        }
        XCTAssertFalse(left.contains("10.77.0.100"), left)
        XCTAssertEqual(try route.removeAgentCopies(of: vips), [], "nothing left to remove")
    }

    func testAVIPEqualToTheNodesOwnAddressIsHeldByTheHost() throws {
        let route = try ns.enter { try NetlinkRoute() }
        let names = try route.interfaceNames()
        let records = try route.addressRecords()
        let own = [IPAddress("10.77.0.11")!, IPAddress("fd00:77::11")!]
        XCTAssertEqual(VIPHolders.agentCopies(of: own, in: records, names: names), [])
        XCTAssertEqual(Set(VIPHolders.heldByHost(own, in: records, names: names).map(\.description)),
                       ["10.77.0.11/24", "fd00:77::11/64"])
    }
}
