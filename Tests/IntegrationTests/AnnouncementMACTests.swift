import Foundation
import XCTest

/// Issue 12, item 5: the announcement carries the interface's MAC as it is when sent. The
/// master's MAC changes under it (a cloned MAC, a bond fail-over): the agent announces again
/// from the new MAC, and the client's neighbour entry follows.
final class AnnouncementMACTests: ThreeMastersTestCase {
    override func setUpWithError() throws {
        guard sh("command -v tcpdump").status == 0 else { throw XCTSkip("tcpdump is not installed") }
        try super.setUpWithError()
    }

    func testAfterTheMastersMACChangesTheGARPCarriesTheNewOne() throws {
        try startAll()
        XCTAssertTrue(lab.clientPings())
        let old = lab.mac(1)
        XCTAssertEqual(lab.clientNeighbourMAC(), old)
        XCTAssertEqual(lab.ns("m1", "sysctl -n net.ipv4.conf.eth0.arp_notify").output.trimmingCharacters(in: .whitespacesAndNewlines), "0",
                       "the kernel itself announces nothing on a MAC change")
        Thread.sleep(forTimeInterval: 1.0)  // the election burst is over (3 × 50 ms); refresh is 30 s away

        let capture = lab.dir.appendingPathComponent("client.pcap").path
        try lab.helper(in: "client", ["tcpdump", "-i", "eth0", "-nn", "-U", "--immediate-mode", "-w", capture, "arp and arp[14:4] = 0x0a4d0064"],
                       log: "tcpdump.log")
        XCTAssertNotNil(waitFor(5) { ((try? String(contentsOfFile: lab.dir.appendingPathComponent("tcpdump.log").path, encoding: .utf8)) ?? "").contains("listening on") })
        let new = "02:00:00:00:cc:01"
        XCTAssertNotEqual(old, new)
        let changed = Date()
        XCTAssertEqual(lab.ns("m1", "ip link set dev eth0 address \(new)").status, 0)
        let followed = waitFor(3) { lab.clientNeighbourMAC() == new }
        Thread.sleep(forTimeInterval: 1.0)  // the rest of the burst
        for p in lab.helpers where p.isRunning { kill(p.processIdentifier, SIGINT); p.waitUntilExit() }

        let frames = arpFrames(inPcap: capture)
        XCTAssertFalse(frames.isEmpty, "no gratuitous ARP for \(lab.vip) reached the client after the MAC change")
        for frame in frames {
            XCTAssertEqual(frame.senderIP, lab.vip)
            XCTAssertEqual(frame.senderMAC, new, "the GARP's sender MAC is the interface's current one")
            XCTAssertEqual(frame.source, new, "and so is its Ethernet source")
        }
        XCTAssertEqual(frames.count, 6, "one burst: garpCount 3 × (request + reply)")
        let seconds = try XCTUnwrap(followed, "the client's entry for the VIP still says \(lab.clientNeighbourMAC() ?? "nothing")")
        XCTAssertTrue(lab.clientPings(), "the client reaches the VIP at the new MAC")
        XCTAssertTrue(lab.logs().contains("the MAC of eth0 changed from \(old) to \(new)"), lab.logs())
        XCTAssertEqual(lab.holders(), [1], "no failover: only the announcement")
        XCTAssertFalse(lab.logs().contains("address conflict"), "the master's new MAC is a peer's, not a stray's")
        XCTAssertEqual((1...3).map { lab.state($0) }, ["MASTER", "BACKUP", "BACKUP"])
        print("figure: MAC change → client neighbour entry updated in \(Int(seconds * 1000)) ms (measured \(Int(Date().timeIntervalSince(changed) * 1000)) ms incl. capture stop); \(frames.count) GARP frames, all from \(new)")
    }
}
