import BasicTypes
import HostModel
import XCTest
@testable import NodeCore

/// Where the VIP must be, from a host snapshot: exactly one copy on the target while holding,
/// none otherwise; a re-home adds before it removes.
final class PlacementPlanTests: XCTestCase {
    private let vip = IPAddress("10.77.0.100")!

    private func snapshot(_ copies: [String]) -> HostSnapshot {
        let names = ["eno1", "br-ext", "eth0"]
        return HostSnapshot(
            links: names.enumerated().map { LinkInfo(index: Int32($0.offset + 2), name: $0.element) },
            addresses: copies.map { name in
                InterfaceAddress(interfaceIndex: Int32(names.firstIndex(of: name)! + 2), interfaceName: name,
                                 address: vip, prefixLength: 32)
            })
    }

    func testHolderAddsTheMissingCopy() {
        let plan = PlacementPlan(vip: vip, holding: true, target: "eno1", snapshot: snapshot([]))
        XCTAssertEqual(plan.steps, [.add(interface: "eno1")])
    }

    func testNothingToDoWhenExactlyRight() {
        XCTAssertTrue(PlacementPlan(vip: vip, holding: true, target: "eno1", snapshot: snapshot(["eno1"])).isEmpty)
        XCTAssertTrue(PlacementPlan(vip: vip, holding: false, target: "eno1", snapshot: snapshot([])).isEmpty)
    }

    func testRehomingAddsOnTheBridgeBeforeRemovingFromThePort() {
        let plan = PlacementPlan(vip: vip, holding: true, target: "br-ext", snapshot: snapshot(["eno1"]))
        XCTAssertEqual(plan.steps, [.add(interface: "br-ext"), .remove(interface: "eno1")])
    }

    func testASecondCopyElsewhereIsRemoved() {
        let plan = PlacementPlan(vip: vip, holding: true, target: "br-ext", snapshot: snapshot(["br-ext", "eno1"]))
        XCTAssertEqual(plan.steps, [.remove(interface: "eno1")])
    }

    func testABackupRemovesEveryCopy() {
        let plan = PlacementPlan(vip: vip, holding: false, target: "br-ext", snapshot: snapshot(["eno1", "br-ext"]))
        XCTAssertEqual(plan.steps.count, 2)
        XCTAssertTrue(plan.steps.contains(.remove(interface: "eno1")))
        XCTAssertTrue(plan.steps.contains(.remove(interface: "br-ext")))
    }

    func testAHolderWithNoInterfaceRemovesItsCopies() {
        let plan = PlacementPlan(vip: vip, holding: true, target: nil, snapshot: snapshot(["eth0"]))
        XCTAssertEqual(plan.steps, [.remove(interface: "eth0")])
    }

    func testOtherAddressesAreIgnored() {
        var host = snapshot([])
        host.addresses.append(InterfaceAddress(interfaceIndex: 2, interfaceName: "eno1",
                                               address: IPAddress("10.77.0.11")!, prefixLength: 24))
        XCTAssertEqual(PlacementPlan(vip: vip, holding: false, target: "eno1", snapshot: host).steps, [])
    }
}
