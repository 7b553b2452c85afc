import Foundation
import XCTest

/// The VIP's own network fails while the election network is fine: the VIP lives on `eth1`
/// (the VLAN, with its upstream router on the bridge), the adverts travel on `eth0`. A lost
/// carrier, a silent upstream router (the `arp` check) or a vanished interface on the master
/// moves the VIP to a master whose uplink works, although every master still hears every other.
final class UplinkTests: XCTestCase {
    private var lab: Lab!

    override func setUpWithError() throws {
        lab = try Lab(count: 3, test: name.filter { $0.isLetter }, uplink: true)
        for (i, priority) in [(1, 150), (2, 140), (3, 130)] {
            // m1 watches the router at 10.88.0.1, the others the one at 10.88.0.2, so that the
            // router can fall silent for m1 alone.
            let router = i == 1 ? "10.88.0.1" : "10.88.0.2"
            try lab.configure(i, priority: priority, interface: "eth1", vipExtra: "    checks: [uplink]", extra: """
                healthChecks:
                  - name: uplink
                    arp: { target: \(router), interface: eth1 }
                    interval: 200ms
                    timeout: 150ms
                    rise: 2
                    fall: 2
                """)
        }
        for i in 1...3 { try lab.start(i) }
        XCTAssertNotNil(lab.waitForSoleHolder(1, timeout: 10), "m1 (priority 150) should be elected")
        XCTAssertTrue(lab.holds(1, on: "eth1"))
        XCTAssertTrue(lab.clientPings(), "the client reaches the VIP over the uplink network")
    }

    override func tearDown() {
        if let lab, testRun?.hasSucceeded == false { print(lab.logs()) }
        lab?.down()
        lab = nil
    }

    /// Runs `breakIt` on m1's uplink and checks that m2 alone holds the VIP within `bound`
    /// seconds, reachable by the client, with m1's history naming `cause`.
    private func uplinkFailureMovesTheVIP(bound: Double, cause: String, _ breakIt: () throws -> Void) throws {
        let broken = Date()
        try breakIt()
        XCTAssertNotNil(lab.waitForSoleHolder(2, timeout: 5), "m2 should take over from m1")
        let tookOver = try XCTUnwrap(lab.logTime(2, containing: "api: BACKUP → MASTER", after: broken))
        let gap = tookOver.timeIntervalSince(broken)
        print(String(format: "%@: m2 took over %.0f ms after m1's uplink broke (bound %.0f ms)", cause, gap * 1000, bound * 1000))
        XCTAssertLessThanOrEqual(gap, bound)
        XCTAssertTrue(lab.clientPings(), "the client reaches the VIP on m2")
        XCTAssertEqual(lab.clientNeighbourMAC(), lab.mac(2, interface: "eth1"))
        let history = lab.vipctl(1, "history").output
        XCTAssertTrue(history.contains(cause), "m1's history names \(cause): \(history)")
    }

    func testCarrierLossOnTheVIPInterfaceMovesTheVIP() throws {
        // Carrier loss counts after 200 ms (a bridge taking the port flaps it briefly).
        try uplinkFailureMovesTheVIP(bound: 0.2 + 0.3, cause: "no carrier") {
            try lab.run("ip -n \(lab.tag)-br link set u-m1 down")
        }
        try lab.run("ip -n \(lab.tag)-br link set u-m1 up")
        XCTAssertNotNil(lab.waitForSoleHolder(1, timeout: 5), "the link is back: m1 preempts back")
    }

    func testASilentUpstreamRouterMovesTheVIP() throws {
        // fall × interval + timeout: the arp check's last failing run ends at its timeout.
        try uplinkFailureMovesTheVIP(bound: 2 * 0.2 + 0.15 + 0.1, cause: "uplink") {
            try lab.run("ip -n \(lab.tag)-br addr del 10.88.0.1/24 dev br1")
        }
        try lab.run("ip -n \(lab.tag)-br addr add 10.88.0.1/24 dev br1")
        XCTAssertNotNil(lab.waitForSoleHolder(1, timeout: 5), "the router answers again: m1 preempts back")
    }

    func testTheVIPInterfaceVanishingMovesTheVIP() throws {
        try uplinkFailureMovesTheVIP(bound: 0.5, cause: "eth1") {
            try lab.run("ip -n \(lab.tag)-m1 link del eth1")
        }
        let status = lab.vipctl(1, "status --json").output
        let document = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(status.utf8)) as? [String: Any], status)
        let vip = try XCTUnwrap((document["vips"] as? [[String: Any]])?.first, status)
        XCTAssertEqual(vip["state"] as? String, "FAULT", "m1 cannot serve without its interface: \(vip)")
        Thread.sleep(forTimeInterval: 1)
        XCTAssertEqual(lab.holders(), [2])
    }
}
