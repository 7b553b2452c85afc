import BasicTypes
import XCTest
import HostModel

/// The host problems of the user's layouts, from snapshots shaped like `ip -d link`, `ip addr`
/// and `ip route` on their masters.
final class HostProblemFinderTests: XCTestCase {
    private func address(_ link: LinkInfo, _ text: String, _ prefix: UInt8) -> InterfaceAddress {
        InterfaceAddress(interfaceIndex: link.index, interfaceName: link.name, address: IPAddress(text)!, prefixLength: prefix)
    }

    let nic = LinkInfo(index: 2, name: "enp94s0f0np0", masterIndex: 5, mac: [0x0c, 0x42, 0xa1, 0, 0, 1])
    let ovs = LinkInfo(index: 5, name: "ovs-system", kind: "openvswitch", isUp: false, mac: [0x0e, 0, 0, 0, 0, 5])
    let bridge = LinkInfo(index: 6, name: "br-ext-cloud", kind: "openvswitch", mac: [0x0c, 0x42, 0xa1, 0, 0, 1])

    /// Layout (b): the address and the default route on both the enslaved NIC and the bridge.
    func testTrunkParentLayoutDuplicateAddressAndRoute() {
        let snapshot = HostSnapshot(
            links: [nic, ovs, bridge],
            addresses: [address(nic, "10.77.0.11", 24), address(bridge, "10.77.0.11", 24),
                        address(nic, "fe80::e42:a1ff:fe00:1", 64), address(bridge, "fe80::e42:a1ff:fe00:1", 64)],
            defaultRoutes: [DefaultRoute(interfaceIndex: 2, interfaceName: "enp94s0f0np0", gateway: IPAddress("10.77.0.1")),
                            DefaultRoute(interfaceIndex: 6, interfaceName: "br-ext-cloud", gateway: IPAddress("10.77.0.1"))])
        let problems = HostProblemFinder.find(in: snapshot)
        XCTAssertEqual(problems.map(\.kind), [.duplicateAddress, .defaultRouteOnEnslavedPort], "\(problems)")
        XCTAssertEqual(problems[0].detail, "10.77.0.11/24 is on enp94s0f0np0 and on br-ext-cloud: enp94s0f0np0 is a port of "
                       + "openvswitch master ovs-system; the copy on enp94s0f0np0 receives nothing")
        XCTAssertEqual(problems[0].staleCopy, address(nic, "10.77.0.11", 24))
        XCTAssertEqual(problems[1].detail, "default via 10.77.0.1 dev enp94s0f0np0 leaves by an enslaved port: enp94s0f0np0 is "
                       + "a port of openvswitch master ovs-system; replies arrive on br-ext-cloud "
                       + "(ip route replace default via 10.77.0.1 dev br-ext-cloud)")
    }

    func testCleanLayoutHasNoProblems() {
        let snapshot = HostSnapshot(
            links: [nic, ovs, bridge],
            addresses: [address(bridge, "10.77.0.11", 24), address(bridge, "10.77.0.100", 32)],
            defaultRoutes: [DefaultRoute(interfaceIndex: 6, interfaceName: "br-ext-cloud", gateway: IPAddress("10.77.0.1"))])
        XCTAssertEqual(HostProblemFinder.find(in: snapshot, vips: [
            VIPPlacement(name: "api", vip: IPAddress("10.77.0.100")!, prefixLength: 24, interface: "br-ext-cloud")]), [])
    }

    /// Layout (c): a VIP pinned to the VLAN device left on the OVS port uses the parent's MAC,
    /// while the node address (and its traffic) is on the port884 port with another MAC.
    func testVIPOnTheStrandedVLANHasTheWrongMAC() {
        let parent = LinkInfo(index: 2, name: "enp94s0f0", masterIndex: 5, mac: [0x0c, 0x42, 0xa1, 0, 0, 1])
        let vlan = LinkInfo(index: 7, name: "enp94s0f0.884", kind: "vlan", mac: [0x0c, 0x42, 0xa1, 0, 0, 1], lowerIndex: 2)
        let port884 = LinkInfo(index: 9, name: "kv884-1a2b3c4d", kind: "openvswitch", mac: [0x9e, 0xf0, 0x5c, 0x4b, 0x35, 0xc0])
        let snapshot = HostSnapshot(links: [parent, ovs, vlan, port884],
                                    addresses: [address(port884, "10.77.0.11", 24), address(vlan, "10.77.0.11", 24)])
        let problems = HostProblemFinder.find(in: snapshot, vips: [
            VIPPlacement(name: "api", vip: IPAddress("10.77.0.100")!, prefixLength: 24, interface: "enp94s0f0.884")])
        XCTAssertEqual(problems.map(\.kind), [.duplicateAddress, .vipMACMismatch], "\(problems)")
        XCTAssertTrue(problems[0].detail.contains("enp94s0f0.884 is a vlan on enp94s0f0, a port of openvswitch master ovs-system"))
        XCTAssertEqual(problems[1].detail, "api: 10.77.0.100 is on enp94s0f0.884 (0c:42:a1:00:00:01) but the node address "
                       + "10.77.0.11/24 is on kv884-1a2b3c4d (9e:f0:5c:4b:35:c0): neighbours learn two MACs for this node "
                       + "and a GARP from enp94s0f0.884 may point at a path that does not deliver")
    }

    func testAddressOnlyOnAStrandedPortIsNoDuplicate() {
        // No live copy: the resolver reports that as the VIP's fault; not a duplicate.
        let snapshot = HostSnapshot(links: [nic, ovs], addresses: [address(nic, "10.77.0.11", 24)])
        XCTAssertEqual(HostProblemFinder.find(in: snapshot), [])
    }

    func testVIPCopiesAndLinkLocalAreIgnored() {
        let snapshot = HostSnapshot(links: [nic, ovs, bridge],
                                    addresses: [address(nic, "10.77.0.100", 32), address(bridge, "10.77.0.100", 32),
                                                address(nic, "169.254.1.1", 16), address(bridge, "169.254.1.1", 16)])
        XCTAssertEqual(HostProblemFinder.find(in: snapshot, vips: [
            VIPPlacement(name: "api", vip: IPAddress("10.77.0.100")!, prefixLength: 24, interface: nil)]), [])
    }
}
