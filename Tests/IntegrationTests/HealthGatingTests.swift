import Foundation
import XCTest

/// Health checks decide mastership, end to end: each master runs an HTTPS `/readyz` stand-in for
/// its kube-apiserver; the agents check it over TLS (CA made at test time). A failing, refusing or
/// hanging API server on the master moves the VIP to a healthy master within
/// `fall × interval + 2 × advertInterval`.
final class HealthGatingTests: XCTestCase {
    private var lab: Lab!
    private var api: APIServerStandIn!
    private var servers: [Int: Process] = [:]

    // Check timing: fall × interval + 2 × advertInterval = 2 × 200ms + 2 × 100ms.
    private let interval = 0.2, fall = 2, advertInterval = 0.1
    private var bound: Double { Double(fall) * interval + 2 * advertInterval }

    override func setUpWithError() throws {
        lab = try Lab(count: 3, test: name.filter { $0.isLetter })
        api = try APIServerStandIn(lab: lab)
        for i in 1...3 {
            try api.set(i, "ok")
            servers[i] = try api.start(i)
        }
    }

    override func tearDown() {
        if let lab, testRun?.hasSucceeded == false { print(lab.logs()) }
        lab?.down()
        lab = nil
    }

    private func configureAll(preempt: Bool = true, extraPeersOfM1: [String] = [], extra: String = "") throws {
        let checks = api.checkConfiguration(interval: "200ms", timeout: "150ms", rise: 2, fall: fall)
        for (i, priority) in [(1, 150), (2, 140), (3, 130)] {
            try lab.configure(i, priority: priority, extraPeers: i == 1 ? extraPeersOfM1 : [],
                              vipExtra: "    checks: [apiserver]\n    preempt: \(preempt)",
                              extra: checks + "\n" + extra)
        }
    }

    private func startAll() throws {
        for i in 1...3 { try lab.start(i) }
        XCTAssertNotNil(lab.waitForSoleHolder(1, timeout: 10), "m1 (priority 150, healthy) should be elected")
    }

    /// The `apiserver` entry of m<i>'s status document (`checks`).
    private func apiserverCheck(_ i: Int) -> [String: Any]? {
        let status = lab.vipctl(i, "status --json").output
        let document = (try? JSONSerialization.jsonObject(with: Data(status.utf8))) as? [String: Any]
        return (document?["checks"] as? [[String: Any]])?.first { $0["name"] as? String == "apiserver" }
    }

    /// Breaks m1's API server with `breakIt`, then checks that m2 took the VIP in time and that
    /// m1's status and history name the check; returns m1's check detail.
    @discardableResult
    private func failOver(_ what: String, _ breakIt: () throws -> Void) throws -> String {
        let broken = Date()
        try breakIt()
        XCTAssertNotNil(lab.waitForSoleHolder(2, timeout: 5), "\(what): m2 should take over from m1")
        let tookOver = try XCTUnwrap(lab.logTime(2, containing: "api: BACKUP → MASTER", after: broken), "m2 logged no BACKUP → MASTER")
        let gap = tookOver.timeIntervalSince(broken)
        print(String(format: "%@: m2 took over %.0f ms after m1's API server broke (bound %.0f ms)", what, gap * 1000, bound * 1000))
        XCTAssertLessThanOrEqual(gap, bound + 0.05, "\(what): took \(gap)s, bound \(bound)s")

        let check = try XCTUnwrap(apiserverCheck(1), "m1's status lists the apiserver check")
        XCTAssertEqual(check["healthy"] as? Bool, false, "\(check)")
        let history = lab.vipctl(1, "history").output
        XCTAssertTrue(history.contains("apiserver"), "the transition names the check: \(history)")
        return check["detail"] as? String ?? ""
    }

    func testA500MovesTheVIPAndPreemptBringsItBack() throws {
        try configureAll(preempt: true)
        try startAll()
        let detail = try failOver("/readyz 500") { try api.set(1, "fail") }
        XCTAssertTrue(detail.contains("500"), detail)
        XCTAssertTrue(detail.contains("etcd failed"), "the body's first line is in the detail: \(detail)")
        XCTAssertTrue(lab.clientPings(), "the client reaches the VIP on m2")

        try api.set(1, "ok")
        XCTAssertNotNil(lab.waitForSoleHolder(1, timeout: 5), "healthy again, m1 preempts back")
    }

    func testWithoutPreemptTheRestoredMasterStaysBackup() throws {
        try configureAll(preempt: false)
        // Without preempt whoever passes its checks first keeps the VIP: m1 starts first.
        try lab.start(1)
        XCTAssertNotNil(lab.waitForSoleHolder(1, timeout: 10), "m1 should take the VIP")
        for i in 2...3 { try lab.start(i) }
        Thread.sleep(forTimeInterval: 1)
        XCTAssertEqual(lab.holders(), [1])
        try failOver("/readyz 500, no preempt") { try api.set(1, "fail") }
        try api.set(1, "ok")
        XCTAssertNotNil(waitFor(3) { apiserverCheck(1)?["healthy"] as? Bool == true }, "m1's check recovers")
        Thread.sleep(forTimeInterval: 1)
        XCTAssertEqual(lab.holders(), [2], "without preempt the VIP stays on m2")
    }

    func testAKilledAPIServerMovesTheVIP() throws {
        try configureAll()
        try startAll()
        let detail = try failOver("connection refused") {
            let p = try XCTUnwrap(servers[1])
            p.terminate()
            p.waitUntilExit()
        }
        XCTAssertTrue(detail.lowercased().contains("refused"), detail)
        servers[1] = try api.start(1)
        XCTAssertNotNil(lab.waitForSoleHolder(1, timeout: 5), "the API server is back: m1 preempts back")
    }

    /// The check hangs until its timeout on every run; the VIP moves, and m1's adverts keep their
    /// interval meanwhile (measured by a UDP listener that m1 counts as a peer).
    func testAHangingAPIServerMovesTheVIPAndAdvertsKeepTheirPace() throws {
        try configureAll(extraPeersOfM1: ["10.77.0.50"])
        let listener = """
            import socket, sys, time
            s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
            s.bind(("10.77.0.50", 5450))
            out = open(sys.argv[1], "a")
            while True:
                data, peer = s.recvfrom(2048)
                out.write("%.6f %s %d\\n" % (time.monotonic(), peer[0], len(data)))
                out.flush()
            """
        try Data(listener.utf8).write(to: lab.dir.appendingPathComponent("listener.py"))
        let arrivals = lab.dir.appendingPathComponent("adverts.txt")
        try lab.helper(in: "client", ["python3", lab.dir.appendingPathComponent("listener.py").path, arrivals.path],
                       log: "listener.log")
        try startAll()

        let detail = try failOver("/readyz hangs") { try api.set(1, "hang") }
        XCTAssertTrue(detail.lowercased().contains("timed out") || detail.lowercased().contains("timeout"), detail)
        // Two more seconds of hanging checks (one run every 200ms, each cut at 150ms).
        let from = (try? String(contentsOf: arrivals, encoding: .utf8))?.split(separator: "\n").count ?? 0
        Thread.sleep(forTimeInterval: 2)
        let times = ((try? String(contentsOf: arrivals, encoding: .utf8)) ?? "").split(separator: "\n").dropFirst(from)
            .filter { $0.contains(" 10.77.0.11 ") }.compactMap { Double($0.split(separator: " ")[0]) }
        XCTAssertGreaterThan(times.count, 15, "m1 kept advertising: \(times.count) adverts in 2s")
        let gaps = zip(times.dropFirst(), times).map { $0 - $1 }
        let worst = gaps.max() ?? 99
        print(String(format: "adverts while the check hangs: %d in 2s, worst gap %.0f ms (advertInterval 100 ms)",
                     times.count, worst * 1000))
        XCTAssertLessThan(worst, 1.5 * advertInterval, "a hanging check delayed an advert")

        try api.set(1, "ok")
        XCTAssertNotNil(lab.waitForSoleHolder(1, timeout: 5), "answering again, m1 preempts back")
    }

    /// The first server of a new cluster: no healthy peer, a check that never passed; it takes
    /// the VIP anyway once startupGrace has run out.
    func testBootstrapTakesTheVIPAfterStartupGrace() throws {
        try configureAll(extra: "startupGrace: 1500ms")
        try api.set(1, "fail")
        let started = Date()
        try lab.start(1)
        Thread.sleep(forTimeInterval: 1)
        XCTAssertEqual(lab.holders(), [], "m1 waits for startupGrace before claiming with a failing check")
        XCTAssertNotNil(lab.waitForSoleHolder(1, timeout: 5), "after startupGrace m1 takes the VIP anyway")
        let took = Date().timeIntervalSince(started)
        XCTAssertGreaterThanOrEqual(took, 1.4)
        // A healthy master joins: it is better (healthy before unhealthy), so the VIP moves there.
        try lab.start(2)
        XCTAssertNotNil(lab.waitForSoleHolder(2, timeout: 5), "the healthy m2 takes over from the unhealthy m1")
    }
}
