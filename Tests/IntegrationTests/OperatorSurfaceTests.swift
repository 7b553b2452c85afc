import Foundation
import XCTest

/// What operators touch, on the running agent in the lab: `vipctl status --watch` on a terminal
/// through a failover, `/metrics` counters moving during one, and the systemd notify protocol.
final class OperatorSurfaceTests: XCTestCase {
    private var lab: Lab!

    override func setUpWithError() throws {
        lab = try Lab(count: 3, test: name.filter { $0.isLetter })
        try lab.configure(1, priority: 150)
        try lab.configure(2, priority: 140, metrics: "10.77.0.12:9450")
        try lab.configure(3, priority: 130)
    }

    override func tearDown() {
        if let lab, testRun?.hasSucceeded == false { print(lab.logs()) }
        lab?.down()
        lab = nil
    }

    private func startAll(environmentOfM1: [String: String] = [:]) throws {
        try lab.start(1, environment: environmentOfM1)
        for i in 2...3 { try lab.start(i) }
        XCTAssertNotNil(lab.waitForSoleHolder(1, timeout: 10), "m1 (priority 150) should be elected")
    }

    private func cutM1() throws {
        // m1, cut off, keeps its copy (it hears nobody); nobody can reach it there.
        try lab.run("ip -n \(lab.tag)-br link set p-m1 down")
        XCTAssertNotNil(waitFor(5) { lab.holds(2, on: "eth0") }, "m2 takes over when m1's port goes down")
    }

    /// `vipctl status --watch` on a pseudo-terminal (util-linux `script`): the table is redrawn
    /// when m2 takes over, without polling.
    func testWatchShowsTheFailoverAsItHappens() throws {
        try startAll()
        let screen = lab.dir.appendingPathComponent("watch.out")
        let command = "\(Products.vipctl) status --watch --socket \(lab.socket(2))"
        try lab.helper(in: "client", ["script", "-qfec", command, "/dev/null"], log: "watch.out")
        let read = { (try? String(contentsOf: screen, encoding: .utf8)) ?? "" }
        let frames = { read().components(separatedBy: "\u{1B}[2J").dropFirst() }
        XCTAssertNotNil(waitFor(5) { frames().last?.contains("BACKUP") == true }, "the first frame shows m2 as BACKUP: \(read())")
        let before = frames().count

        try cutM1()
        let shown = waitFor(3) {
            frames().last.map { frame in
                frame.split(separator: "\n").contains { $0.contains("api") && $0.contains("MASTER") && $0.contains("m2") }
            } ?? false
        }
        XCTAssertNotNil(shown, "the watch shows m2 as MASTER: \(frames().last ?? "")")
        XCTAssertGreaterThan(frames().count, before, "redrawn on the change")
        // Quiet afterwards: no polling storm (changes still come from peers going silent etc.).
        let settled = frames().count
        Thread.sleep(forTimeInterval: 2)
        XCTAssertLessThan(frames().count - settled, 10, "at most a few redraws in 2 quiet seconds")
    }

    /// Scrapes m2's `/metrics` from the client before and after the failover.
    func testMetricsMoveDuringAFailover() throws {
        try startAll()
        func scrape() -> [String: Double] {
            let script = "import urllib.request; print(urllib.request.urlopen('http://10.77.0.12:9450/metrics', timeout=2).read().decode())"
            let out = lab.ns("client", "python3 -c \"\(script)\"").output
            var samples: [String: Double] = [:]
            for line in out.split(separator: "\n") where !line.hasPrefix("#") {
                guard let space = line.lastIndex(of: " "), let value = Double(line[line.index(after: space)...]) else { continue }
                samples[String(line[..<space])] = value
            }
            return samples
        }
        var before: [String: Double] = [:]
        XCTAssertNotNil(waitFor(5) { before = scrape(); return !before.isEmpty }, "m2 serves /metrics")
        let master = #"vip_agent_vip_state{vip="api",state="MASTER"}"#
        let backup = #"vip_agent_vip_state{vip="api",state="BACKUP"}"#
        let toMaster = #"vip_agent_transitions_total{vip="api",to="MASTER"}"#
        let sent = #"vip_agent_adverts_sent_total{vip="api"}"#
        let received = #"vip_agent_adverts_received_total{vip="api"}"#
        XCTAssertEqual(before[backup], 1, "\(before.keys.sorted())")
        XCTAssertEqual(before[master], 0)
        XCTAssertEqual(before[toMaster], 0)

        try cutM1()
        var after: [String: Double] = [:]
        XCTAssertNotNil(waitFor(3) { after = scrape(); return after[master] == 1 }, "the state gauge follows")
        XCTAssertEqual(after[backup], 0)
        XCTAssertEqual(after[toMaster], 1, "one transition to MASTER counted")
        XCTAssertGreaterThan(after[sent] ?? 0, before[sent] ?? 0)
        XCTAssertGreaterThan(after[received] ?? 0, before[received] ?? 0)
        XCTAssertGreaterThan(after[#"vip_agent_garps_sent_total{vip="api"}"#] ?? 0, 0, "the new master announced")
    }

    /// A live scrape of a running agent passes Prometheus' own linter (`promtool check metrics`,
    /// Debian `prometheus`), carries build_info and every drop reason at zero, and `/healthz`
    /// answers 200 from the agent's loop. The alert rules' unit tests run here too, so the
    /// suite's Prometheus checks sit in one place with the live agent.
    func testLiveScrapePassesPromtoolAndHealthzAnswers() throws {
        guard sh("command -v promtool").status == 0 else {
            return XCTFail("promtool is not installed (apt-get install prometheus; scripts/test does)")
        }
        try startAll()
        let scrapeFile = lab.dir.appendingPathComponent("m2.metrics")
        let fetch = { (path: String, file: String) -> (status: Int32, output: String) in
            let script = "import urllib.request,sys\n"
                + "try:\n r=urllib.request.urlopen('http://10.77.0.12:9450\(path)', timeout=2); c=r.status; b=r.read()\n"
                + "except urllib.error.HTTPError as e:\n c=e.code; b=e.read()\n"
                + "open('\(file)','wb').write(b); print(c)"
            return self.lab.ns("client", "python3 -c \"\(script)\"")
        }
        XCTAssertNotNil(waitFor(5) { fetch("/metrics", scrapeFile.path).output.hasPrefix("200") }, "m2 serves /metrics")
        let text = try String(contentsOf: scrapeFile, encoding: .utf8)
        XCTAssertTrue(text.contains("vip_agent_build_info{version=\""), "no build_info in the scrape")
        XCTAssertTrue(text.contains(#"vip_agent_packets_dropped_total{reason="own_advert"} 0"#), "own_advert not at zero")
        let lint = sh("promtool check metrics < \(scrapeFile.path)")
        XCTAssertEqual(lint.status, 0, "promtool check metrics:\n\(lint.output)")
        XCTAssertEqual(lint.output.trimmingCharacters(in: .whitespacesAndNewlines), "", "promtool lint findings")
        // The linter does complain about a malformed exposition (so the pass above means something).
        let broken = lab.dir.appendingPathComponent("broken.metrics")
        try (text + "vip_agent_bogus{reason=\"x\" 1\n").write(to: broken, atomically: true, encoding: .utf8)
        XCTAssertNotEqual(sh("promtool check metrics < \(broken.path)").status, 0, "promtool accepted a broken line")

        let health = lab.dir.appendingPathComponent("m2.healthz")
        let answer = fetch("/healthz", health.path)
        XCTAssertTrue(answer.output.hasPrefix("200"), answer.output)
        XCTAssertEqual(try String(contentsOf: health, encoding: .utf8), "ok\n")

        let rules = Products.repository.appendingPathComponent("packaging/prometheus/vip-agent-rules.test.yaml").path
        let unit = sh("promtool test rules \(rules)")
        XCTAssertEqual(unit.status, 0, unit.output)
    }

    /// The agent under a stand-in service manager: a datagram socket the test owns.
    func testSystemdNotifyReadyStatusWatchdogAndStopping() throws {
        let listener = """
            import os, socket, sys
            path, out = sys.argv[1], open(sys.argv[2], "a")
            s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
            s.bind(path)
            while True:
                out.write(s.recv(4096).decode() + "\\n--\\n")
                out.flush()
            """
        try Data(listener.utf8).write(to: lab.dir.appendingPathComponent("notify.py"))
        let socketPath = lab.dir.appendingPathComponent("notify.sock").path
        let messages = lab.dir.appendingPathComponent("notify.txt")
        try lab.helper(in: "client", ["python3", lab.dir.appendingPathComponent("notify.py").path, socketPath, messages.path],
                       log: "notify.log")
        XCTAssertNotNil(waitFor(5) { FileManager.default.fileExists(atPath: socketPath) })
        let read = { ((try? String(contentsOf: messages, encoding: .utf8)) ?? "").components(separatedBy: "\n--\n") }

        try startAll(environmentOfM1: ["NOTIFY_SOCKET": socketPath, "WATCHDOG_USEC": "400000"])
        XCTAssertNotNil(waitFor(3) { read().contains { $0.contains("READY=1") } }, "READY=1: \(read())")
        let ready = try XCTUnwrap(read().first { $0.contains("READY=1") })
        XCTAssertTrue(ready.contains("STATUS="), "READY comes with the first state: \(ready)")
        XCTAssertNotNil(waitFor(3) { read().contains { $0.hasPrefix("STATUS=") && $0.contains("MASTER") } },
                        "STATUS= follows the state: \(read())")
        // Pings at half the watchdog timeout, from the live loop.
        let pingsBefore = read().filter { $0.contains("WATCHDOG=1") }.count
        Thread.sleep(forTimeInterval: 1)
        let pings = read().filter { $0.contains("WATCHDOG=1") }.count - pingsBefore
        XCTAssertGreaterThanOrEqual(pings, 3, "about 5 pings a second at WATCHDOG_USEC=400000")
        XCTAssertLessThanOrEqual(pings, 8)

        XCTAssertEqual(lab.stop(1, signal: SIGTERM), 0)
        XCTAssertTrue(read().contains { $0.contains("STOPPING=1") }, "STOPPING=1 on SIGTERM: \(read().suffix(3))")
    }
}
