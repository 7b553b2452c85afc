import HostModel
import BasicTypes
import AgentConfig
import HostPlumbing

/// What `vip-agent validate --host` checks and what `run` refuses before it touches anything:
/// capabilities, interfaces, the key file, and VIPs the host already holds for itself.
public enum HostPreflight {
    /// The host as read once, for the pure checks below.
    public struct HostView: Sendable {
        public var snapshot: HostSnapshot
        public var records: [AddressRecord]
        public var capabilities: Capabilities?
        public var userId: UInt32

        public init(snapshot: HostSnapshot, records: [AddressRecord], capabilities: Capabilities?, userId: UInt32) {
            self.snapshot = snapshot
            self.records = records
            self.capabilities = capabilities
            self.userId = userId
        }

        var names: [Int32: String] {
            Dictionary(snapshot.links.map { ($0.index, $0.name) }) { a, _ in a }
        }
    }

    /// Every finding of `validate --host`, problems first in key-path order of the file.
    public static func check(_ configuration: Configuration, host: HostView,
                             keyFile: (String) -> Result<KeyFileCheck.Info, PreflightFinding.Text> = KeyFileCheck.inspect)
        -> [PreflightFinding] {
        var findings = capabilityProblems(host.capabilities)
        findings += interfaceProblems(configuration, host.snapshot)
        findings += vipsHeldByHost(configuration, host: host)
        if let path = configuration.cluster.authKeyFile {
            switch keyFile(path) {
            case .success(let info):
                findings += KeyFileCheck.judge(info, path: path, runningAs: host.userId)
            case .failure(let why):
                findings.append(.problem("cluster.authKeyFile", why.description))
            }
        }
        return findings
    }

    /// Missing effective capabilities, one problem naming them all.
    public static func capabilityProblems(_ capabilities: Capabilities?) -> [PreflightFinding] {
        guard let capabilities else {
            return [.warning("", "cannot read this process's capabilities from /proc/self/status")]
        }
        let missing = capabilities.missing
        guard !missing.isEmpty else { return [] }
        return [.problem("", "missing capabilit\(missing.count == 1 ? "y" : "ies") \(missing.joined(separator: ", ")): "
            + "CAP_NET_ADMIN adds and removes the VIP, CAP_NET_RAW sends gratuitous ARP; "
            + "run as root or grant them (systemd: AmbientCapabilities=CAP_NET_ADMIN CAP_NET_RAW)")]
    }

    /// Each VIP's interface must exist (or `auto` must find one); so must the gateway NIC and
    /// the interfaces of arp checks.
    public static func interfaceProblems(_ configuration: Configuration, _ snapshot: HostSnapshot) -> [PreflightFinding] {
        var findings: [PreflightFinding] = []
        for (i, vip) in configuration.vips.enumerated() {
            guard let address = IPAddress(bytes: vip.address.bytes) else { continue }
            let resolution = InterfaceResolver.resolve(configured: vip.interface, vip: address,
                                                       prefixLength: vip.prefixLength, snapshot: snapshot)
            if let chosen = resolution.interface {
                if !vip.usesAutoInterface, snapshot.link(named: vip.interface) == nil {
                    findings.append(.warning("vips[\(i)].interface",
                        "interface \(vip.interface) does not exist; the agent would use \(chosen) (\(resolution.reason ?? "fallback"))"))
                }
            } else {
                findings.append(.problem("vips[\(i)].interface", resolution.fault ?? "no interface for \(vip.cidr)"))
            }
        }
        for (i, check) in configuration.healthChecks.enumerated() {
            if case .arp(_, let interface) = check.kind, snapshot.link(named: interface) == nil {
                findings.append(.problem("healthChecks[\(i)].arp.interface", "interface \(interface) does not exist"))
            }
        }
        if let nic = configuration.externalGateway?.nic, snapshot.link(named: nic) == nil {
            findings.append(.problem("externalGateway.nic", "interface \(nic) does not exist"))
        }
        return findings
    }

    /// A VIP equal to an address this host holds for itself (with its own prefix, or any address
    /// the agent did not add): the agent would take the node's own address away when it resigns.
    public static func vipsHeldByHost(_ configuration: Configuration, host: HostView) -> [PreflightFinding] {
        let names = host.names
        var findings: [PreflightFinding] = []
        for (i, vip) in configuration.vips.enumerated() {
            guard let address = IPAddress(bytes: vip.address.bytes) else { continue }
            let held = VIPHolders.heldByHost([address], in: host.records, names: names)
            guard !held.isEmpty else { continue }
            let places = held.map { "\($0.address)/\($0.prefixLength) on \(names[$0.interfaceIndex] ?? "index \($0.interfaceIndex)")" }
            findings.append(.problem("vips[\(i)].address",
                "\(vip.address) is an address this host holds for itself (\(places.joined(separator: ", "))); "
                + "a VIP must be an address no node holds"))
        }
        return findings
    }

    /// Reads the host over `route` (links, addresses with their marks) and this process's
    /// capabilities.
    public static func readHost(_ route: NetlinkRoute) throws -> HostView {
        HostView(snapshot: try route.snapshot(), records: try route.addressRecords(),
                 capabilities: Capabilities.current(), userId: currentUserId())
    }
}
