import Foundation
import XCTest

/// The layout matrix of docs/kube-ovn.md, each on real Open vSwitch (userspace datapath; see
/// OVSNodeLab for what stands in for the kernel datapath): the node's NICs and OVS ports are
/// built with ovs-vsctl as Kube-OVN builds them, then the agent starts with the interface the
/// user configured. Each test checks where the VIP lands, the sender MAC of its gratuitous ARP
/// as captured at the client on VLAN 884, and that the client reaches the VIP.
final class KubeOVNLayoutTests: XCTestCase {
    private var lab: OVSNodeLab!

    override func setUpWithError() throws {
        lab = try OVSNodeLab(test: name.filter { $0.isLetter }.replacingOccurrences(of: "KubeOVNLayoutTests", with: ""))
    }

    override func tearDown() {
        if let lab, testRun?.hasSucceeded == false { print(lab.logs()) }
        lab?.down()
        lab = nil
    }

    /// Starts the agent configured with `interface`; checks the VIP lands on `expected` alone,
    /// its GARP carries `expected`'s MAC, the client reaches it there; returns the status.
    @discardableResult
    private func agentPlacesTheVIP(configured interface: String, on expected: String, extra: String = "",
                                   reachable: Bool = true) throws -> [String: Any] {
        try lab.configure(interface: interface, extra: extra)
        let capture = try lab.captureGARP()
        try lab.startAgent()
        XCTAssertNotNil(waitFor(10) { lab.vipInterfaces() == [expected] },
                        "the VIP should be on \(expected) alone; it is on \(lab.vipInterfaces())")
        let mac = lab.mac(expected)
        let garp = try XCTUnwrap(capture.frame(timeout: 5), "no gratuitous ARP for \(lab.vip) reached the client")
        XCTAssertEqual(garp.senderIP, lab.vip)
        XCTAssertEqual(garp.senderMAC, mac, "the GARP's sender MAC is \(expected)'s")
        XCTAssertEqual(garp.source, mac, "the GARP's Ethernet source is \(expected)'s")
        if reachable {
            XCTAssertTrue(lab.clientPings(), "the client on VLAN 884 reaches the VIP")
            XCTAssertEqual(lab.clientNeighbourMAC(), mac)
        }
        let status = try lab.status()
        let vip = try XCTUnwrap((status["vips"] as? [[String: Any]])?.first)
        XCTAssertEqual(vip["interface"] as? String, expected)
        XCTAssertEqual(vip["configuredInterface"] as? String, interface)
        print("layout: configured \(interface) → VIP on \(expected), GARP from \(garp.senderMAC)")
        return status
    }

    private func problemKinds(_ status: [String: Any]) -> [String] {
        ((status["hostProblems"] as? [[String: Any]]) ?? []).compactMap { $0["kind"] as? String }
    }

    /// (a) The VLAN interface itself is the provider NIC: Kube-OVN puts `nic0.884` into
    /// `br-ext-cloud` and moves the node address to the bridge (whose MAC it sets to the NIC's).
    /// (`nic0.884` is a veth on an access port of VLAN 884: no kernel VLAN device here.)
    func testLayoutA_VLANInterfaceIsTheProviderNIC() throws {
        try lab.addBridge("br-ext-cloud")
        try lab.addNIC("nic0.884", switchPort: "tag=884", bridge: "br-ext-cloud")
        try lab.vsctl("set bridge br-ext-cloud other-config:hwaddr=\\\"\(lab.mac("nic0.884"))\\\"")
        try lab.node("ip addr add 10.77.0.11/24 dev br-ext-cloud")
        let status = try agentPlacesTheVIP(configured: "nic0.884", on: "br-ext-cloud")
        XCTAssertEqual(problemKinds(status), [])
    }

    /// (b) The user's layout: the parent NIC is the OVS port, VLAN 884 is the switch port's
    /// native VLAN (the node address travels untagged), and the address and the default route
    /// were left on the NIC as well as on `br-ext-cloud`. The VIP follows to the bridge; both
    /// problems are reported. Measured here: while the stale copy's subnet route (added first)
    /// wins, the host's replies to the client leave by the enslaved NIC, whose ARP replies never
    /// reach the stack, so the client does not reach the VIP (nor the node address): the
    /// problem the report names. The repair test below shows the client reaching it.
    func testLayoutB_TrunkParentWithDuplicateAddressAndRoute() throws {
        try lab.addBridge("br-ext-cloud")
        try lab.addNIC("nic0", switchPort: "tag=884 vlan_mode=native-untagged", bridge: "br-ext-cloud")
        try lab.vsctl("set bridge br-ext-cloud other-config:hwaddr=\\\"\(lab.mac("nic0"))\\\"")
        try lab.node("ip addr add 10.77.0.11/24 dev nic0")
        try lab.node("ip addr add 10.77.0.11/24 dev br-ext-cloud")
        try lab.node("ip route add default via 10.77.0.1 dev nic0")
        let status = try agentPlacesTheVIP(configured: "nic0", on: "br-ext-cloud", reachable: false)
        XCTAssertTrue(lab.nodeShell("ip route get 10.77.0.50").output.contains("dev nic0"),
                      "the stale subnet route through the enslaved NIC wins")
        XCTAssertFalse(lab.clientPings(), "replies leave by the enslaved NIC and are lost")
        XCTAssertEqual(Set(problemKinds(status)), ["duplicateAddress", "defaultRouteOnEnslavedPort"],
                       "\(status["hostProblems"] ?? "none")")
        XCTAssertTrue(lab.contents("m1.log").contains("host problem"), "the agent logs the problems")
    }

    /// (b) with `host.repairDuplicates: true`: the stale copy on the enslaved NIC is removed,
    /// the one on the bridge stays, and the duplicate is no longer reported.
    func testLayoutB_RepairRemovesTheStaleCopy() throws {
        try lab.addBridge("br-ext-cloud")
        try lab.addNIC("nic0", switchPort: "tag=884 vlan_mode=native-untagged", bridge: "br-ext-cloud")
        try lab.node("ip addr add 10.77.0.11/24 dev nic0")
        try lab.node("ip addr add 10.77.0.11/24 dev br-ext-cloud")
        try agentPlacesTheVIP(configured: "nic0", on: "br-ext-cloud", extra: "host:\n  repairDuplicates: true")
        XCTAssertNotNil(waitFor(5) { !lab.nodeShell("ip -o addr show dev nic0").output.contains("10.77.0.11/") },
                        "the stale copy on nic0 is removed")
        XCTAssertTrue(lab.nodeShell("ip -o addr show dev br-ext-cloud").output.contains("10.77.0.11/24"))
        XCTAssertNotNil(waitFor(5) { (try? problemKinds(lab.status())) == [] }, "no problem is left")
        XCTAssertTrue(lab.clientPings())
    }

    /// (c) Kube-OVN >= 1.15 with a VLAN provider interface: the parent NIC is the OVS port (a
    /// trunk), the node address is on an internal port tagged 884 named `kv884-<hash>`.
    /// The kernel VLAN device the user configured (`nic0.884`) stays on a real node; here no
    /// 802.1Q device can be created, so it is absent and the agent follows the node address
    /// from the missing name (the VLAN-left-on-an-OVS-port case is covered by
    /// InterfaceResolverTests and HostProblemFinderTests from snapshots).
    func testLayoutC_InternalPortTaggedForTheVLAN() throws {
        try lab.addBridge("br-ext-cloud")
        try lab.addNIC("nic0", switchPort: "trunks=884", bridge: "br-ext-cloud")
        try lab.vsctl("add-port br-ext-cloud kv884-1a2b3c4d tag=884 -- set interface kv884-1a2b3c4d type=internal")
        try lab.node("ip link set kv884-1a2b3c4d up")
        try lab.node("ip addr add 10.77.0.11/24 dev kv884-1a2b3c4d")
        let status = try agentPlacesTheVIP(configured: "nic0.884", on: "kv884-1a2b3c4d")
        let vip = try XCTUnwrap((status["vips"] as? [[String: Any]])?.first)
        XCTAssertEqual((vip["interfaceReason"] as? String)?.contains("kv884-1a2b3c4d"), true, "\(vip)")
    }

    /// (d) A dedicated path outside OVS: the provider NIC `nic0` is in OVS for the pods, the VIP
    /// lives on a second NIC `nic1` on VLAN 884 that no provider network uses. Nothing follows.
    func testLayoutD_DedicatedPathOutsideOVS() throws {
        try lab.addBridge("br-ext-cloud")
        try lab.addNIC("nic0", switchPort: "trunks=884", bridge: "br-ext-cloud")
        try lab.addNIC("nic1", switchPort: "tag=884")
        try lab.node("ip addr add 10.77.0.11/24 dev nic1")
        let status = try agentPlacesTheVIP(configured: "nic1", on: "nic1")
        XCTAssertEqual(problemKinds(status), [])
    }
}
