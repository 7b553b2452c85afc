import Foundation
import XCTest

/// Issue 12, item 4: a host that is not an agent holds the VIP as a static address (RFC 5227
/// address conflict). The agents find it by probing, go FAULT naming its MAC, do not flap and
/// do not announce against it; once it lets go, a node holds the VIP again.
final class AddressConflictTests: AddressConflictScenario {
    func testAStrayHostHoldingTheVIPBeforeTheAgentsStartIsNeverFoughtOver() throws {
        try strayPresentAtStart()
    }

    func testAStrayHostTakingTheVIPFromAMasterFaultsEveryNodeWithoutFlapping() throws {
        try strayTakesFromMaster()
    }
}

/// The same with IPv6 peers and an IPv6 VIP (RFC 4862 duplicate address detection probes): the
/// stray holds fd00:77::100 at once (`nodad`) and answers the agents' neighbour solicitations.
final class AddressConflictIPv6Tests: AddressConflictScenario {
    override var ipv6: Bool { true }

    func testAStrayHostHoldingTheIPv6VIPBeforeTheAgentsStartIsNeverFoughtOver() throws {
        try strayPresentAtStart()
    }

    func testAStrayHostTakingTheIPv6VIPFromAMasterFaultsEveryNodeWithoutFlapping() throws {
        try strayTakesFromMaster()
    }
}

/// The lab, the stray host and the two scenarios, for either address family.
class AddressConflictScenario: XCTestCase {
    var ipv6: Bool { false }
    private var lab: Lab!
    private let strayMAC = "02:00:00:00:00:99"
    private var reason: String { "address conflict: \(lab.vip) is answered by \(strayMAC)" }
    /// The stray's NS received / NA sent when it took the VIP (IPv6).
    private var strayCountersAtTake: (solicits: Int, adverts: Int)?

    override func setUpWithError() throws {
        lab = try Lab(count: 3, test: name.filter { $0.isLetter })
        lab.ipv6 = ipv6
        try lab.configure(1, priority: 150, metrics: "127.0.0.1:9450")
        try lab.configure(2, priority: 140, metrics: "127.0.0.1:9450")
        try lab.configure(3, priority: 130, metrics: "127.0.0.1:9450")
        try lab.run("""
            ip netns add \(lab.tag)-stray && \
            ip netns exec \(lab.tag)-stray sysctl -qw net.ipv6.conf.default.accept_dad=0 net.ipv6.conf.all.accept_dad=0 && \
            ip link add p-stray netns \(lab.tag)-br type veth peer name eth0 netns \(lab.tag)-stray && \
            ip -n \(lab.tag)-br link set p-stray master br0 up && \
            ip -n \(lab.tag)-stray link set eth0 address \(strayMAC) && \
            ip -n \(lab.tag)-stray addr add 10.77.0.60/24 dev eth0 && \
            ip -n \(lab.tag)-stray link set eth0 up
            """)
    }

    override func tearDown() {
        if let lab, testRun?.hasSucceeded == false { print(lab.logs()) }
        lab?.down()
        lab = nil
    }

    private func strayTakes() throws {
        guard ipv6 else { return try lab.run("ip -n \(lab.tag)-stray addr add \(lab.vip)/24 dev eth0") }
        try lab.run("ip -n \(lab.tag)-stray -6 addr add \(lab.vip)/64 dev eth0 nodad")
        let shown = lab.ns("stray", "ip -6 -o addr show dev eth0").output
        XCTAssertTrue(shown.contains(" \(lab.vip)/64 "), "the stray holds the VIP: \(shown)")
        XCTAssertFalse(shown.contains("tentative") || shown.contains("dadfailed"), "usable at once: \(shown)")
        strayCountersAtTake = strayCounters()
    }

    private func strayLetsGo() throws {
        if ipv6 { try assertStrayAnsweredProbes() }
        try lab.run("ip -n \(lab.tag)-stray addr del \(lab.vip)/\(lab.vipPrefix) dev eth0")
    }

    /// The stray kernel's neighbour solicitations received and advertisements sent (its snmp6).
    private func strayCounters() -> (solicits: Int, adverts: Int) {
        let lines = lab.ns("stray", "cat /proc/net/snmp6").output.split(separator: "\n")
        func value(_ name: String) -> Int {
            lines.first { $0.hasPrefix(name + " ") }.flatMap { Int($0.split(whereSeparator: \.isWhitespace).last ?? "") } ?? -1
        }
        return (value("Icmp6InNeighborSolicits"), value("Icmp6OutNeighborAdvertisements"))
    }

    /// The fault is real: the agents' solicitations reached the stray and it answered them.
    private func assertStrayAnsweredProbes() throws {
        let before = try XCTUnwrap(strayCountersAtTake)
        let now = strayCounters()
        XCTAssertGreaterThan(now.solicits, before.solicits, "the agents' probes reached the stray")
        XCTAssertGreaterThan(now.adverts, before.adverts, "the stray answered them")
        print("figure: the stray received \(now.solicits - before.solicits) neighbour solicitations and sent \(now.adverts - before.adverts) advertisements while it held \(lab.vip)")
    }

    /// What backup m2 sent and heard: its DAD probes for the VIP (from ::, answered by m1 while
    /// it held the VIP, then by the stray), and its question to the peers for their MACs (from
    /// its link-local address, answered by m1 by unicast).
    private func assertProbesOnTheWire(_ capture: String) {
        let frames = sh("tcpdump -nn -e -r \(capture) 2>/dev/null").output.split(separator: "\n")
        func count(_ parts: String...) -> Int { frames.filter { line in parts.allSatisfy(line.contains) }.count }
        let probes = count(lab.mac(2), ":: > ff02::1:ff00:100", "who has \(lab.vip)")
        let masterAnswers = count(lab.mac(1), "> ff02::1:", "tgt is \(lab.vip)")
        let strayAnswers = count(strayMAC, "> ff02::1:", "tgt is \(lab.vip)")
        let peerQuestions = count(lab.mac(2), "fe80::", "who has \(lab.address(1))")
        let peerAnswers = count(lab.mac(1), "\(lab.address(1)) > fe80::", "tgt is \(lab.address(1))")
        XCTAssertGreaterThan(probes, 0, "m2 probes the VIP from ::")
        XCTAssertGreaterThan(masterAnswers, 0, "m1 answers while it holds the VIP")
        XCTAssertGreaterThan(strayAnswers, 0, "the stray answers")
        XCTAssertGreaterThan(peerQuestions, 0, "m2 asks m1 its MAC from its link-local address")
        XCTAssertGreaterThan(peerAnswers, 0, "m1 tells it")
        print("figure: m2's capture: \(probes) probes for \(lab.vip), \(masterAnswers) answers from m1, \(strayAnswers) from the stray, \(peerQuestions) questions to m1 for its MAC, \(peerAnswers) answers")
    }

    private func faulted(_ i: Int) -> Bool {
        guard let vip = lab.vipStatus(i) else { return false }
        return vip["state"] as? String == "FAULT" && (vip["reason"] as? String)?.contains(reason) == true
    }

    /// Every node FAULT with the stray's MAC as the reason, nobody holding the VIP, and no
    /// transition at all for `seconds`; returns the transitions counted per node.
    private func assertSettledInConflict(for seconds: Double) throws -> [Int] {
        let before = try (1...3).map { try XCTUnwrap(lab.transitions($0)) }
        var states: Set<String> = []
        let start = Date()
        while Date().timeIntervalSince(start) < seconds {
            for i in 1...3 { states.insert(lab.state(i) ?? "?") }
            XCTAssertEqual(lab.holders(), [], "a node holds the VIP the stray answers for")
            Thread.sleep(forTimeInterval: 0.1)
        }
        let after = try (1...3).map { try XCTUnwrap(lab.transitions($0)) }
        XCTAssertEqual(after, before, "no flapping while the conflict lasts")
        XCTAssertEqual(states, ["FAULT"])
        for i in 1...3 {
            XCTAssertTrue(faulted(i), "m\(i): \(lab.vipStatus(i) ?? [:])")
            XCTAssertEqual(lab.metric(i, #"vip_agent_address_conflicts_total{vip="api"}"#), 1)
        }
        return after
    }

    private func assertRecovers() throws -> Double {
        let released = Date()
        try strayLetsGo()
        let held = waitFor(20) { lab.holders().count == 1 && lab.clientPings() }
        let seconds = try XCTUnwrap(held, "no node holds the VIP after the stray let go: holders \(lab.holders())")
        XCTAssertTrue(lab.logs().contains("the address conflict on \(lab.vip) has ended"))
        XCTAssertNotNil(lab.waitForSoleHolder(1, timeout: 10), "m1 (priority 150) serves in the end")
        XCTAssertTrue(lab.clientPings())
        XCTAssertEqual(lab.clientNeighbourMAC(), lab.mac(1))
        _ = released
        return seconds
    }

    func strayPresentAtStart() throws {
        try strayTakes()
        let started = Date()
        for i in 1...3 { try lab.start(i) }
        let detected = waitFor(10) { (1...3).allSatisfy(faulted) }
        let seconds = try XCTUnwrap(detected, "not every node reports the conflict: \((1...3).map { lab.vipStatus($0) ?? [:] })")
        let transitions = try assertSettledInConflict(for: 5)
        for i in 1...3 {
            let log = (try? String(contentsOfFile: lab.log(i), encoding: .utf8)) ?? ""
            XCTAssertFalse(log.contains("→ MASTER"), "m\(i) probed before claiming and never became MASTER: \(log)")
            XCTAssertEqual(log.components(separatedBy: reason).count - 1 >= 1, true, "m\(i) logs the conflict")
            XCTAssertLessThanOrEqual(log.components(separatedBy: "is still answered by").count - 1, 1, "rate-limited")
        }
        let recovered = try assertRecovers()
        print("figure (\(ipv6 ? "IPv6" : "IPv4")): stray present at start: every node FAULT naming \(strayMAC) \(Int(seconds * 1000)) ms after the start (\(Int(Date().timeIntervalSince(started) * 1000)) ms total test); transitions per node \(transitions), unchanged over 5 s; VIP served \(Int(recovered * 1000)) ms after the stray let go")
    }

    func strayTakesFromMaster() throws {
        let capture = lab.dir.appendingPathComponent("m2-ndp.pcap").path
        if ipv6 {
            guard sh("command -v tcpdump").status == 0 else { throw XCTSkip("tcpdump is not installed") }
            try lab.helper(in: "m2", ["tcpdump", "-i", "eth0", "-nn", "-U", "--immediate-mode", "-w", capture,
                                      "icmp6 and (ip6[40] == 135 or ip6[40] == 136)"], log: "tcpdump.log")
            XCTAssertNotNil(waitFor(5) { ((try? String(contentsOfFile: lab.dir.appendingPathComponent("tcpdump.log").path, encoding: .utf8)) ?? "").contains("listening on") })
        }
        for i in 1...3 { try lab.start(i) }
        XCTAssertNotNil(lab.waitForSoleHolder(1, timeout: 10), "m1 (priority 150) should be elected")
        let garps = try XCTUnwrap(lab.metric(1, #"vip_agent_garps_sent_total{vip="api"}"#))
        let took = Date()
        try strayTakes()
        let detected = waitFor(10) { faulted(1) }
        let seconds = try XCTUnwrap(detected, "m1 does not report the conflict: \(lab.vipStatus(1) ?? [:])")
        XCTAssertNotNil(waitFor(10) { (1...3).allSatisfy(faulted) }, "the backups see the stray too: \((1...3).map { lab.vipStatus($0) ?? [:] })")
        let all = Date().timeIntervalSince(took)
        let transitions = try assertSettledInConflict(for: 5)
        XCTAssertEqual(lab.metric(1, #"vip_agent_garps_sent_total{vip="api"}"#), garps, "no announcement against the stray")
        for i in 2...3 {
            let log = (try? String(contentsOfFile: lab.log(i), encoding: .utf8)) ?? ""
            XCTAssertFalse(log.contains("→ MASTER"), "backup m\(i) saw the stray beside m1 and never claimed the VIP: \(log)")
        }
        if ipv6 { assertProbesOnTheWire(capture) }
        let recovered = try assertRecovers()
        print("figure (\(ipv6 ? "IPv6" : "IPv4")): stray took the VIP from master m1: m1 FAULT naming \(strayMAC) after \(Int(seconds * 1000)) ms, all 3 after \(Int(all * 1000)) ms; transitions per node \(transitions), unchanged over 5 s; VIP served \(Int(recovered * 1000)) ms after the stray let go")
    }
}
