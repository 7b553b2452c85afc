import Foundation
import XCTest

/// Issue 12, item 4: the periodic conflict probes of many VIPs on one interface share one window
/// per period (one per family), so every VIP is still probed about once a second; serial probes
/// (300 ms each) would reach each of 32 VIPs only once every ~10 s.
final class ConflictProbeRoundTests: XCTestCase {
    private var lab: Lab!
    private let count = 16  // of each family

    override func setUpWithError() throws {
        guard sh("command -v tcpdump").status == 0 else { throw XCTSkip("tcpdump is not installed") }
        lab = try Lab(count: 1, test: name.filter { $0.isLetter })
        let extra = (0..<count).map { k in
            """
              - name: v4-\(k)
                address: 10.77.0.\(120 + k)/24
                interface: eth0
                routerId: \(60 + k)
                priority: 150
                advertInterval: 100ms
              - name: v6-\(k)
                address: fd00:77::\(String(0x200 + k, radix: 16))/64
                interface: eth0
                routerId: \(100 + k)
                priority: 150
                advertInterval: 100ms
            """
        }.joined(separator: "\n")
        try lab.configure(1, priority: 150, vipExtra: extra)
    }

    override func tearDown() {
        if let lab, testRun?.hasSucceeded == false { print(lab.logs()) }
        lab?.down()
        lab = nil
    }

    func testThirtyTwoVIPsAreEachProbedAboutOnceASecond() throws {
        try lab.start(1)
        let held = waitFor(15) { lab.ns("m1", "ip -o addr show dev eth0").output.components(separatedBy: " 10.77.0.1").count - 1 >= 1 + count }
        XCTAssertNotNil(held, "m1 holds every IPv4 VIP: \(lab.ns("m1", "ip -o addr show dev eth0").output)")
        let capture = lab.dir.appendingPathComponent("client.pcap").path
        let dump = try lab.helper(in: "client", ["tcpdump", "-i", "eth0", "-nn", "-U", "--immediate-mode", "-w", capture,
                                                 "arp or (icmp6 and ip6[40] == 135)"], log: "tcpdump.log")
        XCTAssertNotNil(waitFor(5) { ((try? String(contentsOfFile: lab.dir.appendingPathComponent("tcpdump.log").path, encoding: .utf8)) ?? "").contains("listening on") })
        let seconds = 8.0
        Thread.sleep(forTimeInterval: seconds)
        kill(dump.processIdentifier, SIGINT)
        dump.waitUntilExit()
        let lines = sh("tcpdump -nn -r \(capture) 2>/dev/null").output.split(separator: "\n")
        func probes(_ text: String) -> Int { lines.filter { $0.contains(text) }.count }
        let v4 = (0..<count).map { probes("who-has 10.77.0.\(120 + $0) tell 0.0.0.0") }
        let v6 = (0..<count).map { probes(":: > ff02::1:ff00:\(String(0x200 + $0, radix: 16)): ICMP6, neighbor solicitation") }
        for (k, n) in v4.enumerated() { XCTAssertGreaterThanOrEqual(n, 3, "10.77.0.\(120 + k) probed \(n) times in \(seconds) s") }
        for (k, n) in v6.enumerated() { XCTAssertGreaterThanOrEqual(n, 3, "fd00:77::\(String(0x200 + k, radix: 16)) probed \(n) times in \(seconds) s") }
        XCTAssertFalse(lab.logs().contains("address conflict"))
        print("figure: \(2 * count) VIPs on one interface (\(count) IPv4, \(count) IPv6): probes per VIP in \(Int(seconds)) s: IPv4 \(v4.min()!)…\(v4.max()!), IPv6 \(v6.min()!)…\(v6.max()!)")
    }
}
