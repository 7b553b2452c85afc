import Foundation
import XCTest

/// A lab of masters and a client in network namespaces on one Linux bridge, for one test:
/// namespaces `<tag>-br`, `<tag>-m1`…, `<tag>-client`; masters at 10.77.0.11…, the client at
/// 10.77.0.50, the VIP 10.77.0.100/24 on `eth0`; every host also has fd00:77::<same>/64, and
/// `ipv6` makes the election and the VIP (fd00:77::100/64) use those. Torn down by `down()`
/// (also of leftovers).
final class Lab {
    let tag: String
    let count: Int
    let dir: URL
    /// Election peers and the VIP in IPv6 (set before `configure`).
    var ipv6 = false
    /// With an uplink network (`init(uplink: true)`): the VIP 10.88.0.100/24 lives there, on
    /// `eth1`, while the election stays on `eth0`.
    let uplink: Bool
    var vip: String { ipv6 ? "fd00:77::100" : uplink ? "10.88.0.100" : "10.77.0.100" }
    var vipPrefix: Int { ipv6 ? 64 : 24 }
    var agents: [Int: Process] = [:]
    /// Other processes of the test (servers, listeners) in the namespaces; killed by `down()`.
    var helpers: [Process] = []
    var interval = "100ms"

    /// Skips the test (XCTSkip, with the reason) where namespaces cannot be created.
    /// `uplink`: a second network (bridge `br1`, the VLAN that carries the VIP) with every host
    /// on `eth1` at 10.88.0.<same>/24 and its upstream routers at 10.88.0.1 and 10.88.0.2 (on
    /// the bridge itself; .2 as a /32, so that removing .1 leaves it).
    init(count: Int, test: String, uplink: Bool = false) throws {
        self.count = count
        self.uplink = uplink
        tag = "vit\(getpid() % 10_000)"
        // Short: the control sockets live here, and a unix socket path holds 107 bytes.
        dir = FileManager.default.temporaryDirectory.appendingPathComponent("\(tag)-\(test.prefix(40))")
        guard getuid() == 0 else { throw XCTSkip("network-namespace tests need root (uid \(getuid()))") }
        let probe = sh("ip netns add \(tag)-probe && ip netns delete \(tag)-probe")
        guard probe.status == 0 else {
            throw XCTSkip("network namespaces cannot be created here: \(probe.output.trimmingCharacters(in: .whitespacesAndNewlines))")
        }
        guard FileManager.default.isExecutableFile(atPath: Products.agent) else {
            XCTFail("\(Products.agent) is missing: run `swift build` before the tests")
            throw XCTSkip("vip-agent not built")
        }
        down()
        try? FileManager.default.removeItem(at: dir)
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        try Data("0123456789abcdef0123456789abcdef\n".utf8).write(to: dir.appendingPathComponent("auth.key"))
        try run("ip netns add \(tag)-br && ip -n \(tag)-br link add br0 type bridge && ip -n \(tag)-br link set br0 up")
        for name in (1...count).map({ "m\($0)" }) + ["client"] {
            let host = name == "client" ? 50 : 10 + Int(name.dropFirst())!
            try run("""
                ip netns add \(tag)-\(name) && \
                ip link add p-\(name) netns \(tag)-br type veth peer name eth0 netns \(tag)-\(name) && \
                ip -n \(tag)-br link set p-\(name) master br0 up && \
                ip -n \(tag)-\(name) link set lo up && \
                ip -n \(tag)-\(name) addr add 10.77.0.\(host)/24 dev eth0 && \
                ip -n \(tag)-\(name) addr add fd00:77::\(host)/64 dev eth0 nodad && \
                ip -n \(tag)-\(name) link set eth0 up
                """)
        }
        if uplink {
            try run("""
                ip -n \(tag)-br link add br1 type bridge && ip -n \(tag)-br link set br1 up && \
                ip -n \(tag)-br addr add 10.88.0.1/24 dev br1 && ip -n \(tag)-br addr add 10.88.0.2/32 dev br1
                """)
            for name in (1...count).map({ "m\($0)" }) + ["client"] {
                let host = name == "client" ? 50 : 10 + Int(name.dropFirst())!
                try run("""
                    ip link add u-\(name) netns \(tag)-br type veth peer name eth1 netns \(tag)-\(name) && \
                    ip -n \(tag)-br link set u-\(name) master br1 up && \
                    ip -n \(tag)-\(name) addr add 10.88.0.\(host)/24 dev eth1 && \
                    ip -n \(tag)-\(name) link set eth1 up
                    """)
            }
        }
    }

    func run(_ command: String) throws {
        let r = sh(command)
        if r.status != 0 { throw LabError("`\(command)` failed (\(r.status)): \(r.output)") }
    }

    func ns(_ name: String, _ command: String) -> (status: Int32, output: String) {
        sh("ip netns exec \(tag)-\(name) \(command)")
    }

    func address(_ i: Int) -> String { ipv6 ? "fd00:77::\(10 + i)" : "10.77.0.\(10 + i)" }
    func socket(_ i: Int) -> String { dir.appendingPathComponent("m\(i).sock").path }
    func log(_ i: Int) -> String { dir.appendingPathComponent("m\(i).log").path }

    /// Writes m<i>.yaml; `vipExtra` is appended to the VIP entry (indented 4 spaces), `extra`
    /// to the document.
    func configure(_ i: Int, priority: Int, interface: String = "eth0", metrics: String = "", extraPeers: [String] = [],
                   vipExtra: String = "", extra: String = "") throws {
        let peers = ((1...count).filter { $0 != i }.map(address) + extraPeers).joined(separator: ", ")
        let yaml = """
            node: m\(i)
            cluster:
              peers: [\(peers)]
              authKeyFile: \(dir.path)/auth.key
            vips:
              - name: api
                address: \(vip)/\(vipPrefix)
                interface: \(interface)
                routerId: 51
                priority: \(priority)
                advertInterval: \(interval)
                stepDownHold: 5s
            \(vipExtra)
            announce:
              garpCount: 3
              garpInterval: 50ms
            status:
              socket: \(socket(i))
              metrics: "\(metrics)"
            \(extra)
            """
        try Data(yaml.utf8).write(to: dir.appendingPathComponent("m\(i).yaml"))
    }

    /// Starts vip-agent on m<i>; `environment` is added to the test's own.
    func start(_ i: Int, environment: [String: String] = [:]) throws {
        agents[i] = try spawn(in: "m\(i)", [Products.agent, "run", "--config", dir.appendingPathComponent("m\(i).yaml").path],
                              log: log(i), environment: environment)
    }

    /// Runs `arguments` in namespace `<tag>-<namespace>` (`ip netns exec` execs it, so the
    /// process id is the program's), its output appended to `log`.
    func spawn(in namespace: String, _ arguments: [String], log: String, environment: [String: String] = [:]) throws -> Process {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/sbin/ip")
        if !FileManager.default.isExecutableFile(atPath: "/usr/sbin/ip") { p.executableURL = URL(fileURLWithPath: "/sbin/ip") }
        p.arguments = ["netns", "exec", "\(tag)-\(namespace)"] + arguments
        if !environment.isEmpty {
            p.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
        }
        if !FileManager.default.fileExists(atPath: log) { FileManager.default.createFile(atPath: log, contents: nil) }
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: log))
        handle.seekToEndOfFile()
        p.standardInput = FileHandle.nullDevice
        p.standardOutput = handle
        p.standardError = handle
        try p.run()
        return p
    }

    /// A helper process of the test, killed with the lab.
    @discardableResult
    func helper(in namespace: String, _ arguments: [String], log name: String) throws -> Process {
        let p = try spawn(in: namespace, arguments, log: dir.appendingPathComponent(name).path)
        helpers.append(p)
        return p
    }

    /// Sends `signal` and waits for the agent to exit; returns its exit status.
    @discardableResult
    func stop(_ i: Int, signal: Int32 = SIGTERM) -> Int32? {
        guard let p = agents[i] else { return nil }
        kill(p.processIdentifier, signal)
        p.waitUntilExit()
        agents[i] = nil
        return p.terminationStatus
    }

    /// The masters that have the VIP on any interface, by looking at the hosts.
    func holders() -> [Int] {
        (1...count).filter { ns("m\($0)", "ip -o addr show").output.contains(" \(vip)/") }
    }

    func holds(_ i: Int, on interface: String) -> Bool {
        ns("m\(i)", "ip -o addr show dev \(interface)").output.contains(" \(vip)/")
    }

    /// Waits until exactly `expected` holds the VIP; returns the seconds it took.
    @discardableResult
    func waitForSoleHolder(_ expected: Int, timeout: Double = 10) -> Double? {
        waitFor(timeout) { holders() == [expected] }
    }

    func mac(_ i: Int, interface: String = "eth0") -> String {
        ns("m\(i)", "cat /sys/class/net/\(interface)/address").output.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// The client's neighbour entry for the VIP: its MAC, or nil.
    func clientNeighbourMAC() -> String? {
        let out = ns("client", "ip neigh show \(vip)").output
        guard let range = out.range(of: "lladdr ") else { return nil }
        return String(out[range.upperBound...].prefix(17))
    }

    func clientPings() -> Bool { ns("client", "ping -c 1 -W 1 \(vip)").status == 0 }

    func vipctl(_ i: Int, _ arguments: String) -> (status: Int32, output: String) {
        sh("\(Products.vipctl) \(arguments) --socket \(socket(i))")
    }

    /// When m<i> first logged a line containing `text` after `after` (the agent's own timestamp).
    func logTime(_ i: Int, containing text: String, after: Date) -> Date? {
        let lines = ((try? String(contentsOfFile: log(i), encoding: .utf8)) ?? "").split(separator: "\n")
        let format = ISO8601DateFormatter()
        format.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        return lines.filter { $0.contains(text) }
            .compactMap { line in line.split(separator: " ").first.flatMap { format.date(from: String($0)) } }
            .first { $0 > after }
    }

    func logs() -> String {
        agents.keys.sorted().map { "--- m\($0)\n" + ((try? String(contentsOfFile: log($0), encoding: .utf8)) ?? "") }
            .joined(separator: "\n")
    }

    func down() {
        for i in agents.keys { stop(i, signal: SIGKILL) }
        for p in helpers where p.isRunning {
            kill(p.processIdentifier, SIGKILL)
            p.waitUntilExit()
        }
        helpers = []
        let list = sh("ip netns list").output
        for line in list.split(separator: "\n") {
            let name = line.split(separator: " ").first.map(String.init) ?? ""
            if name.hasPrefix("\(tag)-") { sh("ip netns delete \(name)") }
        }
    }
}

struct LabError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
