import Foundation
import XCTest

/// Issue 12, item 4: a host that is not an agent holds the VIP as a static address (RFC 5227
/// address conflict). The agents find it by probing, go FAULT naming its MAC, do not flap and
/// do not announce against it; once it lets go, a node holds the VIP again.
final class AddressConflictTests: XCTestCase {
    private var lab: Lab!
    private let strayMAC = "02:00:00:00:00:99"
    private var reason: String { "address conflict: \(lab.vip) is answered by \(strayMAC)" }

    override func setUpWithError() throws {
        lab = try Lab(count: 3, test: name.filter { $0.isLetter })
        try lab.configure(1, priority: 150, metrics: "127.0.0.1:9450")
        try lab.configure(2, priority: 140, metrics: "127.0.0.1:9450")
        try lab.configure(3, priority: 130, metrics: "127.0.0.1:9450")
        try lab.run("""
            ip netns add \(lab.tag)-stray && \
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

    private func strayTakes() throws { try lab.run("ip -n \(lab.tag)-stray addr add \(lab.vip)/24 dev eth0") }
    private func strayLetsGo() throws { try lab.run("ip -n \(lab.tag)-stray addr del \(lab.vip)/24 dev eth0") }

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

    func testAStrayHostHoldingTheVIPBeforeTheAgentsStartIsNeverFoughtOver() throws {
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
        print("figure: stray present at start: every node FAULT naming \(strayMAC) \(Int(seconds * 1000)) ms after the start (\(Int(Date().timeIntervalSince(started) * 1000)) ms total test); transitions per node \(transitions), unchanged over 5 s; VIP served \(Int(recovered * 1000)) ms after the stray let go")
    }

    func testAStrayHostTakingTheVIPFromAMasterFaultsEveryNodeWithoutFlapping() throws {
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
        let recovered = try assertRecovers()
        print("figure: stray took the VIP from master m1: m1 FAULT naming \(strayMAC) after \(Int(seconds * 1000)) ms, all 3 after \(Int(all * 1000)) ms; transitions per node \(transitions), unchanged over 5 s; VIP served \(Int(recovered * 1000)) ms after the stray let go")
    }
}
