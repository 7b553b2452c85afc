import HostModel
import BasicTypes
import XCTest
import HostModel

final class InterfaceResolverTests: XCTestCase {
    let vip = IPAddress("10.77.0.100")!

    private func address(_ link: LinkInfo, _ text: String, _ prefix: UInt8) -> InterfaceAddress {
        InterfaceAddress(interfaceIndex: link.index, interfaceName: link.name,
                         address: IPAddress(text)!, prefixLength: prefix)
    }

    let lo = LinkInfo(index: 1, name: "lo")
    let eno1 = LinkInfo(index: 2, name: "eno1")
    let eno2 = LinkInfo(index: 3, name: "eno2")

    // MARK: auto

    func testAutoPicksTheHolder() {
        let snapshot = HostSnapshot(links: [lo, eno1, eno2],
                                    addresses: [address(lo, "127.0.0.1", 8), address(eno2, "10.77.0.11", 24),
                                                address(eno1, "192.168.1.5", 24)])
        let r = InterfaceResolver.resolve(configured: "auto", vip: vip, prefixLength: 24, snapshot: snapshot)
        XCTAssertEqual(r.interface, "eno2")
        XCTAssertNil(r.fault)
        XCTAssertEqual(r.reason, "auto: node address 10.77.0.11/24 is on eno2")
    }

    func testAutoPrefersUpThenLowestIndex() {
        var down = eno1; down.isUp = false
        let eno3 = LinkInfo(index: 4, name: "eno3")
        let snapshot = HostSnapshot(links: [down, eno2, eno3],
                                    addresses: [address(eno3, "10.77.0.13", 24), address(down, "10.77.0.11", 24),
                                                address(eno2, "10.77.0.12", 24)])
        let r = InterfaceResolver.resolve(configured: "auto", vip: vip, prefixLength: 24, snapshot: snapshot)
        XCTAssertEqual(r.interface, "eno2")
    }

    func testAutoWithoutHolderIsAFault() {
        let snapshot = HostSnapshot(links: [lo, eno1], addresses: [address(eno1, "10.78.0.11", 24)])
        let r = InterfaceResolver.resolve(configured: "auto", vip: vip, prefixLength: 24, snapshot: snapshot)
        XCTAssertNil(r.interface)
        XCTAssertEqual(r.fault, "no interface holds an address in 10.77.0.0/24")
    }

    func testVIPCopiesAreNotHolders() {
        // A stray copy of the VIP itself (from a previous run) must not attract the VIP.
        let snapshot = HostSnapshot(links: [eno1, eno2],
                                    addresses: [address(eno1, "10.77.0.100", 24), address(eno1, "10.77.0.100", 32),
                                                address(eno2, "10.77.0.12", 24)])
        let r = InterfaceResolver.resolve(configured: "auto", vip: vip, prefixLength: 24, snapshot: snapshot)
        XCTAssertEqual(r.interface, "eno2")
        let only = HostSnapshot(links: [eno1], addresses: [address(eno1, "10.77.0.100", 24)])
        XCTAssertNotNil(InterfaceResolver.resolve(configured: "auto", vip: vip, prefixLength: 24, snapshot: only).fault)
    }

    func testAutoSkipsHoldersOnEnslavedPorts() {
        var port = eno1; port.masterIndex = 9
        let snapshot = HostSnapshot(links: [port, LinkInfo(index: 9, name: "br0", kind: "bridge")],
                                    addresses: [address(port, "10.77.0.11", 24)])
        let r = InterfaceResolver.resolve(configured: "auto", vip: vip, prefixLength: 24, snapshot: snapshot)
        XCTAssertNil(r.interface)
        XCTAssertEqual(r.fault?.contains("10.77.0.11/24 is on eno1"), true, r.fault ?? "")
    }

    // MARK: named

    func testNamedInterfaceWithoutMasterIsUsedAsIs() {
        let snapshot = HostSnapshot(links: [eno1, eno2], addresses: [address(eno2, "10.77.0.11", 24)])
        let r = InterfaceResolver.resolve(configured: "eno1", vip: vip, prefixLength: 24, snapshot: snapshot)
        XCTAssertEqual(r, InterfaceResolver.Resolution(interface: "eno1", reason: nil, fault: nil))
    }

    func testKubeOVNMovedTheAddressToBrExtCloud() {
        // eno1 was taken into OVS: it is a port of ovs-system, the node address is on br-ext-cloud.
        var port = eno1; port.masterIndex = 5
        let ovs = LinkInfo(index: 5, name: "ovs-system", kind: "openvswitch", isUp: false)
        let bridge = LinkInfo(index: 6, name: "br-ext-cloud", kind: "openvswitch")
        let snapshot = HostSnapshot(links: [lo, port, ovs, bridge],
                                    addresses: [address(lo, "127.0.0.1", 8), address(bridge, "10.77.0.11", 24)])
        let r = InterfaceResolver.resolve(configured: "eno1", vip: vip, prefixLength: 24, snapshot: snapshot)
        XCTAssertEqual(r.interface, "br-ext-cloud")
        XCTAssertNil(r.fault)
        XCTAssertEqual(r.reason,
                       "eno1 is a port of openvswitch master ovs-system; node address 10.77.0.11/24 is on br-ext-cloud")
    }

    func testVLANInterfaceEnslavedToOVS() {
        let vlan = LinkInfo(index: 7, name: "eno1.884", kind: "vlan", masterIndex: 5)
        let ovs = LinkInfo(index: 5, name: "ovs-system", kind: "openvswitch")
        let bridge = LinkInfo(index: 8, name: "br-ext-cloud", kind: "openvswitch")
        let snapshot = HostSnapshot(links: [eno1, ovs, vlan, bridge], addresses: [address(bridge, "10.77.0.11", 24)])
        let r = InterfaceResolver.resolve(configured: "eno1.884", vip: vip, prefixLength: 24, snapshot: snapshot)
        XCTAssertEqual(r.interface, "br-ext-cloud")
        XCTAssertEqual(r.reason?.hasPrefix("eno1.884 is a port of openvswitch master ovs-system"), true)
    }

    /// Kube-OVN >= 1.15 with a VLAN provider interface: the parent NIC becomes the OVS port, the
    /// node address moves to an port884 port tagged 884 (`kv884-<hash>`), the kernel VLAN
    /// device stays (not enslaved itself, but dead: OVS takes its parent's frames).
    func testVLANLeftOnAnOVSPortIsFollowedToTheInternalPort() {
        var parent = LinkInfo(index: 2, name: "enp94s0f0", masterIndex: 5)
        parent.mac = [0x0c, 0x42, 0xa1, 0, 0, 1]
        let ovs = LinkInfo(index: 5, name: "ovs-system", kind: "openvswitch", isUp: false)
        let vlan = LinkInfo(index: 7, name: "enp94s0f0.884", kind: "vlan", lowerIndex: 2)
        let port884 = LinkInfo(index: 9, name: "kv884-1a2b3c4d", kind: "openvswitch")
        let snapshot = HostSnapshot(links: [parent, ovs, vlan, port884],
                                    addresses: [address(port884, "10.77.0.11", 24)])
        let r = InterfaceResolver.resolve(configured: "enp94s0f0.884", vip: vip, prefixLength: 24, snapshot: snapshot)
        XCTAssertEqual(r.interface, "kv884-1a2b3c4d")
        XCTAssertNil(r.fault)
        XCTAssertEqual(r.reason, "enp94s0f0.884 is a vlan on enp94s0f0, a port of openvswitch master ovs-system; "
                       + "node address 10.77.0.11/24 is on kv884-1a2b3c4d")
    }

    func testVLANLeftOnAnOVSPortWithoutHolderIsAFault() {
        let parent = LinkInfo(index: 2, name: "enp94s0f0", masterIndex: 5)
        let ovs = LinkInfo(index: 5, name: "ovs-system", kind: "openvswitch")
        let vlan = LinkInfo(index: 7, name: "enp94s0f0.884", kind: "vlan", lowerIndex: 2)
        // The address still on the stranded VLAN device is no holder: nothing reaches it.
        let snapshot = HostSnapshot(links: [parent, ovs, vlan], addresses: [address(vlan, "10.77.0.11", 24)])
        let r = InterfaceResolver.resolve(configured: "enp94s0f0.884", vip: vip, prefixLength: 24, snapshot: snapshot)
        XCTAssertNil(r.interface)
        XCTAssertEqual(r.fault, "enp94s0f0.884 is a vlan on enp94s0f0, a port of openvswitch master ovs-system "
                       + "and no interface holds an address in 10.77.0.0/24")
    }

    func testVLANOnAFreeParentAndVethPeersAreUsedAsIs() {
        let parent = LinkInfo(index: 2, name: "eno2")
        let vlan = LinkInfo(index: 7, name: "eno2.884", kind: "vlan", lowerIndex: 2)
        // A veth reports its peer as IFLA_LINK; an enslaved peer says nothing about this end.
        let peer = LinkInfo(index: 3, name: "p0", kind: "veth", masterIndex: 9, lowerIndex: 4)
        let veth = LinkInfo(index: 4, name: "v0", kind: "veth", lowerIndex: 3)
        let br = LinkInfo(index: 9, name: "br0", kind: "bridge")
        let snapshot = HostSnapshot(links: [parent, vlan, peer, veth, br], addresses: [address(br, "10.77.0.11", 24)])
        XCTAssertEqual(InterfaceResolver.resolve(configured: "eno2.884", vip: vip, prefixLength: 24, snapshot: snapshot),
                       InterfaceResolver.Resolution(interface: "eno2.884"))
        XCTAssertEqual(InterfaceResolver.resolve(configured: "v0", vip: vip, prefixLength: 24, snapshot: snapshot),
                       InterfaceResolver.Resolution(interface: "v0"))
    }

    func testEnslavedToBridgeWithAddressOnBridge() {
        var port = eno1; port.masterIndex = 9
        let br0 = LinkInfo(index: 9, name: "br0", kind: "bridge")
        let snapshot = HostSnapshot(links: [port, br0], addresses: [address(br0, "10.77.0.11", 24)])
        let r = InterfaceResolver.resolve(configured: "eno1", vip: vip, prefixLength: 24, snapshot: snapshot)
        XCTAssertEqual(r.interface, "br0")
        XCTAssertEqual(r.reason, "eno1 is a port of bridge master br0; node address 10.77.0.11/24 is on br0")
    }

    func testEnslavedToBridgeWithoutHolderUsesTheBridge() {
        var port = eno1; port.masterIndex = 9
        let br0 = LinkInfo(index: 9, name: "br0", kind: "bridge")
        let snapshot = HostSnapshot(links: [port, br0], addresses: [])
        let r = InterfaceResolver.resolve(configured: "eno1", vip: vip, prefixLength: 24, snapshot: snapshot)
        XCTAssertEqual(r.interface, "br0")
        XCTAssertNil(r.fault)
        XCTAssertEqual(r.reason?.contains("eno1 is a port of bridge master br0"), true)
    }

    func testEnslavedToOVSWithoutHolderIsAFault() {
        var port = eno1; port.masterIndex = 5
        let ovs = LinkInfo(index: 5, name: "ovs-system", kind: "openvswitch")
        let snapshot = HostSnapshot(links: [port, ovs], addresses: [address(eno2, "10.78.0.1", 24)])
        let r = InterfaceResolver.resolve(configured: "eno1", vip: vip, prefixLength: 24, snapshot: snapshot)
        XCTAssertNil(r.interface)
        XCTAssertEqual(r.fault,
                       "eno1 is a port of openvswitch master ovs-system and no interface holds an address in 10.77.0.0/24")
    }

    func testEnslavedToUnknownMasterIndex() {
        var port = eno1; port.masterIndex = 42
        let r = InterfaceResolver.resolve(configured: "eno1", vip: vip, prefixLength: 24,
                                          snapshot: HostSnapshot(links: [port]))
        XCTAssertNil(r.interface)
        XCTAssertEqual(r.fault?.contains("master #42"), true)
    }

    func testMissingInterfaceFallsBackToTheHolder() {
        let snapshot = HostSnapshot(links: [eno2], addresses: [address(eno2, "10.77.0.11", 24)])
        let r = InterfaceResolver.resolve(configured: "eno1", vip: vip, prefixLength: 24, snapshot: snapshot)
        XCTAssertEqual(r.interface, "eno2")
        XCTAssertEqual(r.reason, "eno1 does not exist; node address 10.77.0.11/24 is on eno2")
    }

    func testMissingInterfaceWithoutHolderIsAFault() {
        let r = InterfaceResolver.resolve(configured: "eno1", vip: vip, prefixLength: 24,
                                          snapshot: HostSnapshot(links: [lo]))
        XCTAssertEqual(r, InterfaceResolver.Resolution(interface: nil, reason: nil, fault: "interface eno1 does not exist"))
    }

    func testIPv6Holder() {
        let v6 = IPAddress("fd00:77::100")!
        let snapshot = HostSnapshot(links: [eno1, eno2],
                                    addresses: [address(eno1, "fe80::1", 64), address(eno2, "fd00:77::11", 64),
                                                address(eno1, "10.77.0.11", 24)])
        let r = InterfaceResolver.resolve(configured: "auto", vip: v6, prefixLength: 64, snapshot: snapshot)
        XCTAssertEqual(r.interface, "eno2")
    }

    func testOddInputDoesNotCrash() {
        let snapshot = HostSnapshot(links: [eno1], addresses: [address(eno1, "10.77.0.11", 24)])
        for prefix: UInt8 in [0, 32, 33, 255] {
            _ = InterfaceResolver.resolve(configured: "auto", vip: vip, prefixLength: prefix, snapshot: snapshot)
        }
        XCTAssertEqual(InterfaceResolver.resolve(configured: "", vip: vip, prefixLength: 24, snapshot: snapshot).interface,
                       "eno1")
        XCTAssertEqual(InterfaceResolver.resolve(configured: "auto", vip: vip, prefixLength: 0, snapshot: snapshot).interface,
                       "eno1")
    }

    // MARK: interfacesHolding

    func testInterfacesHolding() {
        let snapshot = HostSnapshot(links: [eno1, eno2],
                                    addresses: [address(eno2, "10.77.0.100", 32), address(eno1, "10.77.0.100", 24),
                                                address(eno1, "10.77.0.100", 32), address(eno1, "10.77.0.11", 24)])
        XCTAssertEqual(snapshot.interfacesHolding(vip), ["eno1", "eno2"])
        XCTAssertEqual(snapshot.interfacesHolding(IPAddress("10.77.0.99")!), [])
    }
}
