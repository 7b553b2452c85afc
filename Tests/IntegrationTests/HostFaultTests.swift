import Foundation
import XCTest

/// Host faults (issue 12): stale VIP copies after a crash, what `validate --host` and `run`
/// refuse, an election socket that survives send errors, bounded operator servers, and the VIP
/// never chosen as a source address.
final class HostFaultTests: ThreeMastersTestCase {
    private var agent: String { Products.agent }
    private func config(_ i: Int) -> String { lab.dir.appendingPathComponent("m\(i).yaml").path }
    private func logText(_ i: Int) -> String { (try? String(contentsOfFile: lab.log(i), encoding: .utf8)) ?? "" }

    /// Counters of m<i>'s status document.
    private func counters(_ i: Int) -> [String: Any]? {
        lab.statusDocument(i)?["counters"] as? [String: Any]
    }

    private func peerRow(_ i: Int, _ address: String) -> [String: Any]? {
        (lab.statusDocument(i)?["peers"] as? [[String: Any]])?.first { $0["address"] as? String == address }
    }

    // MARK: - Stale copies

    func testAKilledMasterWhoseRestartFailsAfterParsingLeavesNoVIP() throws {
        try startAll()
        XCTAssertEqual(lab.stop(1, signal: SIGKILL), SIGKILL)
        XCTAssertTrue(lab.holds(1, on: "eth0"), "a SIGKILLed agent leaves its VIP behind")
        // The restart fails after parsing: its metrics port is taken.
        try lab.helper(in: "m1", ["python3", "-c",
            "import socket,time\ns=socket.socket()\ns.bind(('127.0.0.1',9450))\ns.listen()\ntime.sleep(600)"], log: "blocker.log")
        XCTAssertNotNil(waitFor(5) { lab.ns("m1", "ss -Hltn sport = :9450").output.contains("LISTEN") })
        try lab.configure(1, priority: 150, metrics: "127.0.0.1:9450")
        let started = Date()
        try lab.start(1)
        var goneAfter: Double?
        while Date().timeIntervalSince(started) < 5 {
            if goneAfter == nil, !lab.holds(1, on: "eth0") { goneAfter = Date().timeIntervalSince(started) }
            if goneAfter != nil, lab.agents[1]?.isRunning == false { break }
            Thread.sleep(forTimeInterval: 0.005)
        }
        let process = try XCTUnwrap(lab.agents[1])
        process.waitUntilExit()
        let exitedAfter = Date().timeIntervalSince(started)
        lab.agents[1] = nil
        XCTAssertEqual(process.terminationStatus, 1, "the start fails: \(logText(1))")
        let gone = try XCTUnwrap(goneAfter, "the VIP stayed on m1 after a failed start")
        XCTAssertLessThan(gone, 1.0)
        XCTAssertLessThanOrEqual(gone, exitedAfter + 0.01, "removed before the start failed")
        XCTAssertTrue(logText(1).contains("removed a stale copy of 10.77.0.100/32 from eth0"), logText(1))
        XCTAssertTrue(logText(1).contains("9450"), "the failure names the metrics address: \(logText(1))")
        XCTAssertTrue(lab.ns("m1", "ip -o addr show dev eth0").output.contains("10.77.0.11/24"), "node address kept")
        XCTAssertNotNil(lab.waitForSoleHolder(2, timeout: 5), "m2 serves while m1 is down")
        print("figure: VIP gone \(Int(gone * 1000)) ms after the restart began; the restart exited after \(Int(exitedAfter * 1000)) ms")
    }

    func testCleanupRemovesWhatAKilledAgentLeftAndNothingElse() throws {
        try startAll()
        lab.stop(1, signal: SIGKILL)
        XCTAssertTrue(lab.holds(1, on: "eth0"))
        let first = lab.ns("m1", "\(agent) cleanup --config \(config(1))")
        XCTAssertEqual(first.status, 0, first.output)
        XCTAssertTrue(first.output.contains("removed 10.77.0.100/32 from eth0"), first.output)
        XCTAssertFalse(lab.holds(1, on: "eth0"))
        XCTAssertTrue(lab.ns("m1", "ip -o addr show dev eth0").output.contains("10.77.0.11/24"), "node address kept")
        let second = lab.ns("m1", "\(agent) cleanup --config \(config(1))")
        XCTAssertEqual(second.status, 0, second.output)
        XCTAssertTrue(second.output.contains("no VIP copy left"), second.output)
        // While an agent runs, cleanup leaves its VIP alone.
        try lab.start(1)
        XCTAssertNotNil(lab.waitForSoleHolder(1, timeout: 10))
        let live = lab.ns("m1", "\(agent) cleanup --config \(config(1))")
        XCTAssertEqual(live.status, 1, live.output)
        XCTAssertTrue(live.output.contains("running vip-agent"), live.output)
        XCTAssertTrue(lab.holds(1, on: "eth0"))
    }

    // MARK: - validate --host and run

    func testValidateHostChecksCapabilitiesKeyFileAndOwnAddress() throws {
        // The lab's key file is 0644: a warning, still ok.
        let plain = lab.ns("m1", "\(agent) validate --host --config \(config(1))")
        XCTAssertEqual(plain.status, 0, plain.output)
        XCTAssertTrue(plain.output.contains("warning: cluster.authKeyFile:") && plain.output.contains("mode 0644"), plain.output)
        XCTAssertTrue(plain.output.hasSuffix("ok\n"), plain.output)

        let noAdmin = lab.ns("m1", "capsh --drop=cap_net_admin -- -c '\(agent) validate --host --config \(config(1))'")
        XCTAssertEqual(noAdmin.status, 2, noAdmin.output)
        XCTAssertTrue(noAdmin.output.contains("missing capability CAP_NET_ADMIN"), noAdmin.output)

        try lab.configure(1, priority: 150, interface: "eno9")
        let noInterface = lab.ns("m1", "\(agent) validate --host --config \(config(1))")
        XCTAssertEqual(noInterface.status, 0, "eth0 holds the VIP's subnet: the agent falls back to it. \(noInterface.output)")
        XCTAssertTrue(noInterface.output.contains("warning: vips[0].interface: interface eno9 does not exist; the agent would use eth0"),
                      noInterface.output)

        // A VIP equal to the node's own address: `validate` cannot know, `--host` and `run` refuse.
        try lab.configure(1, priority: 150)
        let own = try String(contentsOfFile: config(1), encoding: .utf8)
            .replacingOccurrences(of: "address: 10.77.0.100/24", with: "address: 10.77.0.11/24")
        let ownPath = lab.dir.appendingPathComponent("own.yaml").path
        try Data(own.utf8).write(to: URL(fileURLWithPath: ownPath))
        XCTAssertEqual(lab.ns("m1", "\(agent) validate --config \(ownPath)").status, 0)
        let ownHost = lab.ns("m1", "\(agent) validate --host --config \(ownPath)")
        XCTAssertEqual(ownHost.status, 2, ownHost.output)
        XCTAssertTrue(ownHost.output.contains("vips[0].address: 10.77.0.11 is an address this host holds for itself (10.77.0.11/24 on eth0)"), ownHost.output)
        let run = lab.ns("m1", "timeout 10 \(agent) run --config \(ownPath)")
        XCTAssertEqual(run.status, 2, run.output)
        XCTAssertTrue(run.output.contains("holds for itself"), run.output)
        XCTAssertTrue(lab.ns("m1", "ip -o addr show dev eth0").output.contains("10.77.0.11/24"), "the node keeps its address")
    }

    /// m1 (the best priority) runs without CAP_NET_ADMIN among healthy peers: it says so, stays
    /// FAULT with the reason (never MASTER holding nothing), and m2 holds the VIP within 1 s.
    func testRunWithoutCapNetAdminSaysSoClearly() throws {
        try lab.start(2)
        try lab.start(3)
        XCTAssertNotNil(lab.waitForSoleHolder(2, timeout: 10))
        let p = try lab.spawn(in: "m1", ["capsh", "--drop=cap_net_admin", "--", "-c", "exec \(agent) run --config \(config(1))"],
                              log: lab.log(1))
        lab.agents[1] = p
        XCTAssertNotNil(waitFor(5) { logText(1).contains("missing capability CAP_NET_ADMIN") }, logText(1))
        var holders = Set<[Int]>()
        let end = Date().addingTimeInterval(3)
        while Date() < end {
            holders.insert(lab.holders())
            Thread.sleep(forTimeInterval: 0.05)
        }
        XCTAssertEqual(holders, [[2]], "m2 keeps the VIP all along: m1 never takes it")
        XCTAssertTrue(lab.clientPings())
        let status = lab.vipctl(1, "status --json").output
        let document = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(status.utf8)) as? [String: Any], status)
        let vip = try XCTUnwrap((document["vips"] as? [[String: Any]])?.first, status)
        XCTAssertEqual(vip["state"] as? String, "FAULT", status)
        XCTAssertTrue((vip["reason"] as? String ?? "").contains("missing capability CAP_NET_ADMIN"), status)
        let transitions = (document["counters"] as? [String: Any])?["transitions"] as? Int
        XCTAssertEqual(transitions, 2, "INIT → BACKUP → FAULT, nothing more: \(status)")
    }

    // MARK: - Election socket

    func testAProhibitRouteToOnePeerKeepsTheSocketOpenAndTheOthersHearEveryAdvert() throws {
        try startAll()
        XCTAssertEqual(lab.ns("m1", "ip route add prohibit 10.77.0.12/32").status, 0)
        Thread.sleep(forTimeInterval: 0.5)
        let capture = lab.dir.appendingPathComponent("m3.pcap").path
        try lab.helper(in: "m3", ["tcpdump", "-i", "eth0", "-nn", "-U", "-w", capture, "udp and src 10.77.0.11 and dst port 5450"],
                       log: "tcpdump.log")
        Thread.sleep(forTimeInterval: 1.0)  // tcpdump is listening
        let before = try XCTUnwrap(counters(1)?["advertsSent"] as? Int)
        Thread.sleep(forTimeInterval: 5.0)
        let after = try XCTUnwrap(counters(1)?["advertsSent"] as? Int)
        Thread.sleep(forTimeInterval: 0.3)
        for p in lab.helpers where p.isRunning { kill(p.processIdentifier, SIGINT); p.waitUntilExit() }
        let lines = sh("tcpdump -r \(capture) -nn -tt 2>/dev/null").output.split(separator: "\n")
        let sent = after - before
        // Count the captured adverts between the two counter reads (their wall clock times are
        // not known to the millisecond: allow one advert at each end).
        XCTAssertGreaterThan(sent, 40, "m1 keeps advertising every 100 ms")
        XCTAssertGreaterThanOrEqual(lines.count, sent, "m3 heard fewer adverts than m1 sent: \(lines.count) < \(sent)")
        XCTAssertLessThanOrEqual(lines.count, sent + 16, "the capture spans 1.3 s more than the window")
        let log = logText(1)
        XCTAssertEqual(log.components(separatedBy: "closed unexpectedly").count - 1, 0, "the socket was reopened")
        XCTAssertEqual(log.components(separatedBy: "adverts to 10.77.0.12 fail").count - 1, 1, "logged once a minute: \(log)")
        let errors = try XCTUnwrap(peerRow(1, "10.77.0.12")?["sendErrors"] as? Int)
        XCTAssertGreaterThanOrEqual(errors, sent)
        XCTAssertEqual(peerRow(1, "10.77.0.13")?["sendErrors"] as? Int, 0)
        XCTAssertTrue(lab.vipctl(1, "status").output.contains("SEND ERRORS"))
        print("figure: prohibit route to m2: m1 sent \(sent) adverts in 5 s, m3 captured \(lines.count) (window + 1.3 s), send errors to m2 \(errors), reopen lines 0")
    }

    func testTheElectionPortInUseIsAClearError() throws {
        try lab.helper(in: "m1", ["python3", "-c",
            "import socket,time\ns=socket.socket(socket.AF_INET6,socket.SOCK_DGRAM)\ns.bind(('::',5450))\ntime.sleep(600)"], log: "udp.log")
        XCTAssertNotNil(waitFor(5) { lab.ns("m1", "ss -Hlun sport = :5450").output.contains("5450") })
        let run = lab.ns("m1", "timeout 10 \(agent) run --config \(config(1))")
        XCTAssertEqual(run.status, 1, run.output)
        XCTAssertTrue(run.output.contains("port 5450/udp is already in use"), run.output)
    }

    // MARK: - Bounded servers

    /// 1,000 idle TCP connections to /metrics and 1,000 to the control socket, against an agent
    /// limited to 1,024 descriptors: the servers keep their caps, and adverts and the tcp check
    /// (which opens a socket every 200 ms) go on.
    func testTwoThousandIdleConnectionsStopNeitherAdvertsNorChecks() throws {
        try lab.helper(in: "m1", ["python3", "-c",
            "import socket,time\ns=socket.socket()\ns.setsockopt(socket.SOL_SOCKET,socket.SO_REUSEADDR,1)\ns.bind(('127.0.0.1',6443))\ns.listen(128)\n"
            + "while True:\n  c,_=s.accept()\n  c.close()\n  print('probe', flush=True)"], log: "apiserver.log")
        XCTAssertNotNil(waitFor(5) { lab.ns("m1", "ss -Hltn sport = :6443").output.contains("LISTEN") })
        try lab.configure(1, priority: 150, metrics: "127.0.0.1:9450", vipExtra: "    checks: [api]",
                          extra: "healthChecks: [ { name: api, tcp: { address: \"127.0.0.1:6443\" }, interval: 200ms, timeout: 150ms, rise: 1, fall: 2 } ]")
        let p = try lab.spawn(in: "m1", ["prlimit", "--nofile=1024:1024", agent, "run", "--config", config(1)], log: lab.log(1))
        lab.agents[1] = p
        try lab.start(2)
        try lab.start(3)
        XCTAssertNotNil(lab.waitForSoleHolder(1, timeout: 10), "m1 elected")
        // m1's own control socket is flooded (that is the point): count its probes at the
        // apiserver stand-in, and its adverts at m3.
        func probes() -> Int {
            ((try? String(contentsOfFile: lab.dir.appendingPathComponent("apiserver.log").path, encoding: .utf8)) ?? "")
                .components(separatedBy: "probe").count - 1
        }
        let flood = """
            import socket, resource, time, sys
            resource.setrlimit(resource.RLIMIT_NOFILE, (8192, 8192))
            held, refused = [], 0
            for i in range(1000):
                t = socket.socket(); t.connect(('127.0.0.1', 9450)); held.append(t)
                u = socket.socket(socket.AF_UNIX); u.connect('\(lab.socket(1))'); held.append(u)
            print('opened', len(held), flush=True)
            time.sleep(float(sys.argv[1]))
            """
        let floodPath = lab.dir.appendingPathComponent("flood.py").path
        try Data(flood.utf8).write(to: URL(fileURLWithPath: floodPath))
        let floodStart = Date()
        try lab.helper(in: "m1", ["python3", floodPath, "8"], log: "flood.log")
        XCTAssertNotNil(waitFor(20) { ((try? String(contentsOfFile: lab.dir.appendingPathComponent("flood.log").path, encoding: .utf8)) ?? "").contains("opened 2000") },
                        "the flood opened its 2,000 connections")
        let heardBefore = try XCTUnwrap(counters(3)?["advertsReceived"] as? Int)
        let probesBefore = probes()
        let fds = Int(lab.ns("m1", "sh -c 'ls /proc/\(p.processIdentifier)/fd | wc -l'").output.trimmingCharacters(in: .whitespacesAndNewlines)) ?? -1
        Thread.sleep(forTimeInterval: 3)
        let sent = try XCTUnwrap(counters(3)?["advertsReceived"] as? Int) - heardBefore
        let checks = probes() - probesBefore
        XCTAssertGreaterThan(sent, 20, "adverts go on (heard by m3)")
        XCTAssertGreaterThan(checks, 8, "the tcp check goes on")
        XCTAssertEqual(lab.holders(), [1], "no failover")
        XCTAssertGreaterThan(fds, 0)
        XCTAssertLessThan(fds, 250, "the agent's descriptors stay bounded by the caps")
        XCTAssertFalse(logText(1).contains("Too many open files"), logText(1))
        XCTAssertNil(lab.logTime(1, containing: "check api is unhealthy", after: floodStart), logText(1))
        // Once the flood ends, vipctl is served again.
        XCTAssertNotNil(waitFor(15) { lab.vipctl(1, "status --json").status == 0 }, "vipctl works again after the flood")
        print("figure: 2,000 idle connections: agent fds \(fds) (limit 1024), adverts heard by m3 in 3 s \(sent), tcp probes in 3 s \(checks)")
    }

    // MARK: - Source address

    func testTheIPv4VIPIsNeverChosenAsSourceWhileHeld() throws {
        try startAll()
        XCTAssertEqual(lab.ns("m1", "ip route add default via 10.77.0.50").status, 0)
        // Re-adding the node's address after the VIP puts the VIP first in the address list.
        XCTAssertEqual(lab.ns("m1", "sh -c 'ip addr del 10.77.0.11/24 dev eth0; ip addr add 10.77.0.11/24 dev eth0; ip route replace default via 10.77.0.50'").status, 0)
        XCTAssertNotNil(lab.waitForSoleHolder(1, timeout: 5))
        for target in ["10.77.0.50", "10.77.0.12", "192.0.2.1", "8.8.8.8"] {
            let route = lab.ns("m1", "ip -4 route get \(target)").output
            XCTAssertTrue(route.contains("src 10.77.0.11"), "towards \(target): \(route)")
            let python = "import socket\ns=socket.socket(socket.AF_INET,socket.SOCK_DGRAM)\ns.connect(('\(target)',9))\nprint(s.getsockname()[0])"
            let picked = lab.ns("m1", "python3 -c \"\(python)\"").output.trimmingCharacters(in: .whitespacesAndNewlines)
            XCTAssertEqual(picked, "10.77.0.11", "the kernel's source towards \(target)")
        }
        XCTAssertTrue(lab.holds(1, on: "eth0"), "measured while the VIP was held")
    }
}
