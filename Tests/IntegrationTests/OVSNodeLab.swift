import Foundation
import XCTest

/// One master and a client around real Open vSwitch, for the Kube-OVN layout tests.
///
/// Namespaces `<tag>-node` (the master: its own ovsdb-server and ovs-vswitchd, its vip-agent)
/// and `<tag>-client` (a host on VLAN 884 at 10.77.0.50/24). The physical switch is an OVS
/// bridge `br-phys` in the node's vswitchd: the client hangs on an access port (tag 884), the
/// node's NICs are veths whose peers are switch ports (a trunk, or an access port).
///
/// What the userspace datapath (`datapath_type=netdev`, the only one here: no openvswitch
/// kernel module, no 802.1Q module) cannot show, and how the lab stands in for it:
/// - Ports are not enslaved: the kernel datapath makes every port a slave of `ovs-system` and
///   takes its frames before the IP stack. Here each NIC port is also enslaved to a Linux bridge
///   named `ovs-system` that stays down: netlink then shows the port's master as on a real
///   node, and the kernel stack drops the port's frames (a disabled bridge port), so an address
///   left on the port is as dead as on a real node; OVS reads the port with a packet socket,
///   which sees the frames before the bridge hook.
/// - Internal ports are tap devices (netlink kind `tun`), not `openvswitch` devices.
/// - No kernel VLAN device can be created: a VLAN interface (layout a) is a veth whose peer is an
///   access port of VLAN 884 on the switch, which delivers the same untagged frames.
final class OVSNodeLab {
    let tag: String
    let dir: URL
    var helpers: [Process] = []
    var agent: Process?
    let vip = "10.77.0.100"

    init(test: String) throws {
        tag = "vov\(getpid() % 10_000)"
        dir = URL(fileURLWithPath: "/tmp/\(tag)-\(test.prefix(24))")
        guard getuid() == 0 else { throw XCTSkip("network-namespace tests need root (uid \(getuid()))") }
        for tool in ["ovsdb-server", "ovs-vswitchd", "ovs-vsctl", "ovsdb-tool", "tcpdump"] {
            guard sh("command -v \(tool)").status == 0 else {
                throw XCTSkip("\(tool) is not installed (scripts/test installs openvswitch-switch and tcpdump)")
            }
        }
        let probe = sh("ip netns add \(tag)-probe && ip netns delete \(tag)-probe")
        guard probe.status == 0 else { throw XCTSkip("network namespaces cannot be created here: \(probe.output)") }
        guard FileManager.default.isExecutableFile(atPath: Products.agent) else {
            XCTFail("\(Products.agent) is missing: run `swift build` before the tests")
            throw XCTSkip("vip-agent not built")
        }
        down()
        do {
            try build()
        } catch {
            down()  // tearDown never sees a lab whose init threw
            throw error
        }
    }

    private func build() throws {
        try? FileManager.default.removeItem(at: dir)
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        try Data("0123456789abcdef0123456789abcdef\n".utf8).write(to: dir.appendingPathComponent("auth.key"))
        try run("ip netns add \(tag)-node && ip netns add \(tag)-client && ip -n \(tag)-node link set lo up && ip -n \(tag)-client link set lo up")
        try startOVS()
        try vsctl("add-br br-phys -- set bridge br-phys datapath_type=netdev")
        try run("""
            ip -n \(tag)-node link add name cl0 type veth peer name eth0 netns \(tag)-client && \
            ip -n \(tag)-node link set cl0 up && \
            ip -n \(tag)-client addr add 10.77.0.50/24 dev eth0 && ip -n \(tag)-client link set eth0 up
            """)
        try vsctl("add-port br-phys cl0 tag=884")
        // The stand-in for the kernel datapath's master (see above).
        try node("ip link add ovs-system type bridge")
    }

    // MARK: Open vSwitch

    private var ovsEnvironment: [String: String] {
        ["OVS_RUNDIR": dir.path, "OVS_DBDIR": dir.path, "OVS_LOGDIR": dir.path, "OVS_SYSCONFDIR": dir.path]
    }

    private func startOVS() throws {
        try run("ovsdb-tool create \(dir.path)/conf.db /usr/share/openvswitch/vswitch.ovsschema")
        helpers.append(try spawn(["ovsdb-server", "\(dir.path)/conf.db", "--remote=punix:\(dir.path)/db.sock",
                                  "--unixctl=\(dir.path)/ovsdb.ctl", "--no-chdir", "--log-file=\(dir.path)/ovsdb-server.log"],
                                 log: "ovsdb-server.out"))
        guard waitFor(5, { FileManager.default.fileExists(atPath: "\(dir.path)/db.sock") }) != nil else {
            throw LabError("ovsdb-server did not open \(dir.path)/db.sock")
        }
        try node("ovs-vsctl --db=unix:\(dir.path)/db.sock --no-wait init")  // ovs-vswitchd is not up yet
        helpers.append(try spawn(["ovs-vswitchd", "unix:\(dir.path)/db.sock", "--unixctl=\(dir.path)/vswitchd.ctl",
                                  "--no-chdir", "--log-file=\(dir.path)/ovs-vswitchd.log"], log: "ovs-vswitchd.out"))
        guard waitFor(5, { FileManager.default.fileExists(atPath: "\(dir.path)/vswitchd.ctl") }) != nil else {
            throw LabError("ovs-vswitchd did not start: \(contents("ovs-vswitchd.log"))")
        }
    }

    /// ovs-vsctl against this lab's database; waits for ovs-vswitchd to apply the change.
    func vsctl(_ arguments: String) throws {
        try node("ovs-vsctl --db=unix:\(dir.path)/db.sock --timeout=10 \(arguments)")
    }

    /// A NIC of the node: a veth `name` in the node namespace enslaved to the stand-in
    /// `ovs-system` only when `ovsPort` (then also added to `bridge`), whose peer `sw-<name>`
    /// is a port of the switch: `switchPort` are its ovs-vsctl settings (`tag=884`, `trunks=884`).
    func addNIC(_ name: String, switchPort: String, bridge: String? = nil) throws {
        let peer = "sw-\(name.replacingOccurrences(of: ".", with: ""))"
        try node("ip link add name \(name) type veth peer name \(peer)")
        try node("ip link set \(peer) up")
        try node("ip link set \(name) up")
        try vsctl("add-port br-phys \(peer) -- set port \(peer) \(switchPort)")
        if let bridge {
            try node("ip link set \(name) master ovs-system")
            try vsctl("add-port \(bridge) \(name)")
        }
    }

    /// A netdev bridge as Kube-OVN creates a provider bridge (`br-<provider>`), its MAC the NIC's.
    func addBridge(_ name: String, mac: String? = nil) throws {
        try vsctl("add-br \(name) -- set bridge \(name) datapath_type=netdev"
                  + (mac.map { " other-config:hwaddr=\\\"\($0)\\\"" } ?? ""))
        try node("ip link set \(name) up")
    }

    // MARK: the agent

    func configure(interface: String, extra: String = "") throws {
        let yaml = """
            node: m1
            cluster:
              peers: [10.77.0.12]
              authKeyFile: \(dir.path)/auth.key
            startupGrace: 300ms
            vips:
              - name: api
                address: \(vip)/24
                interface: \(interface)
                routerId: 51
                priority: 150
                advertInterval: 100ms
            announce:
              garpCount: 3
              garpInterval: 50ms
            status:
              socket: \(dir.path)/m1.sock
              metrics: ""
            \(extra)
            """
        try Data(yaml.utf8).write(to: dir.appendingPathComponent("m1.yaml"))
    }

    func startAgent() throws {
        agent = try spawn([Products.agent, "run", "--config", dir.appendingPathComponent("m1.yaml").path], log: "m1.log")
    }

    /// The interfaces of the node holding the VIP.
    func vipInterfaces() -> [String] {
        nodeShell("ip -o -4 addr show").output.split(separator: "\n").compactMap { line in
            let fields = line.split(separator: " ")
            guard fields.count > 3, fields[3].hasPrefix("\(vip)/") else { return nil }
            return String(fields[1])
        }
    }

    func mac(_ interface: String) -> String {
        nodeShell("cat /sys/class/net/\(interface)/address").output.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    func status() throws -> [String: Any] {
        let r = sh("\(Products.vipctl) status --json --socket \(dir.path)/m1.sock")
        guard r.status == 0, let object = try JSONSerialization.jsonObject(with: Data(r.output.utf8)) as? [String: Any] else {
            throw LabError("vipctl status --json failed (\(r.status)): \(r.output)")
        }
        return object
    }

    // MARK: the client

    /// Starts capturing, at the client, the first ARP frame whose sender address is the VIP.
    func captureGARP() throws -> GARPCapture {
        let file = dir.appendingPathComponent("garp.pcap").path
        // arp[14:4]: the sender protocol address of an ARP packet (IPv4).
        let process = try spawn(["tcpdump", "-i", "eth0", "-U", "-n", "-c", "1", "-w", file,
                                 "arp and arp[14:4] = 0x0a4d0064"], in: "client", log: "tcpdump.log")
        helpers.append(process)
        // tcpdump prints "listening on" once the filter is attached.
        _ = waitFor(5) { contents("tcpdump.log").contains("listening on") }
        return GARPCapture(process: process, file: file)
    }

    func clientPings() -> Bool { sh("ip netns exec \(tag)-client ping -c 2 -i 0.2 -W 1 \(vip)").status == 0 }

    func clientNeighbourMAC() -> String? {
        let out = sh("ip netns exec \(tag)-client ip neigh show \(vip)").output
        guard let range = out.range(of: "lladdr ") else { return nil }
        return String(out[range.upperBound...].prefix(17))
    }

    // MARK: plumbing

    @discardableResult
    func node(_ command: String) throws -> String {
        let r = sh("ip netns exec \(tag)-node \(command)")
        if r.status != 0 { throw LabError("`\(command)` in the node failed (\(r.status)): \(r.output)") }
        return r.output
    }

    func nodeShell(_ command: String) -> (status: Int32, output: String) {
        sh("ip netns exec \(tag)-node \(command)")
    }

    func run(_ command: String) throws {
        let r = sh(command)
        if r.status != 0 { throw LabError("`\(command)` failed (\(r.status)): \(r.output)") }
    }

    func contents(_ name: String) -> String {
        (try? String(contentsOfFile: dir.appendingPathComponent(name).path, encoding: .utf8)) ?? ""
    }

    private func spawn(_ arguments: [String], in namespace: String = "node", log: String) throws -> Process {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: FileManager.default.isExecutableFile(atPath: "/usr/sbin/ip") ? "/usr/sbin/ip" : "/sbin/ip")
        p.arguments = ["netns", "exec", "\(tag)-\(namespace)"] + arguments
        p.environment = ProcessInfo.processInfo.environment.merging(ovsEnvironment) { $1 }
        let path = dir.appendingPathComponent(log).path
        if !FileManager.default.fileExists(atPath: path) { FileManager.default.createFile(atPath: path, contents: nil) }
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: path))
        handle.seekToEndOfFile()
        p.standardInput = FileHandle.nullDevice
        p.standardOutput = handle
        p.standardError = handle
        try p.run()
        return p
    }

    func logs() -> String {
        ["m1.log", "ovs-vswitchd.log", "tcpdump.log"].map { "--- \($0)\n" + contents($0) }.joined(separator: "\n")
            + "\n--- ip addr\n" + nodeShell("ip -o addr show").output
            + "\n--- ovs-vsctl show\n" + nodeShell("ovs-vsctl --db=unix:\(dir.path)/db.sock show").output
    }

    func down() {
        if let agent, agent.isRunning {
            kill(agent.processIdentifier, SIGKILL)
            agent.waitUntilExit()
        }
        agent = nil
        // vswitchd first (it holds the ports), then the database.
        for p in helpers.reversed() where p.isRunning {
            kill(p.processIdentifier, SIGKILL)
            p.waitUntilExit()
        }
        helpers = []
        for name in ["node", "client", "probe"] { sh("ip netns delete \(tag)-\(name) 2>/dev/null") }
    }
}

/// A tcpdump at the client waiting for one ARP frame; `frame()` waits for it and parses it.
struct GARPCapture {
    let process: Process
    let file: String

    struct Frame {
        /// Ethernet source MAC.
        var source: String
        /// ARP sender hardware address.
        var senderMAC: String
        var senderIP: String
    }

    func frame(timeout: Double) -> Frame? {
        _ = waitFor(timeout) { !process.isRunning }
        guard !process.isRunning, let data = FileManager.default.contents(atPath: file) else { return nil }
        let bytes = [UInt8](data)
        // pcap: 24-byte file header, 16-byte record header, then the frame.
        let frame = bytes.dropFirst(40)
        guard frame.count >= 42 else { return nil }
        let f = Array(frame)
        func mac(_ at: Int) -> String { f[at..<at + 6].map { String(format: "%02x", $0) }.joined(separator: ":") }
        return Frame(source: mac(6), senderMAC: mac(22), senderIP: f[28..<32].map(String.init).joined(separator: "."))
    }
}
