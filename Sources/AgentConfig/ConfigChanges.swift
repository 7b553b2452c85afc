import BasicTypes

/// What a reload would change, in words: the keys that need a restart, and one line per change
/// that can be applied to the running agent ("vips[1] web added", "api priority 150 → 120").
/// Pure: the running and the fresh configuration in, text out.
///
/// Needs a restart: `node`, `cluster.port`, `cluster.bind`, `cluster.authKeyFile`,
/// `cluster.insecure` and the key itself, `status.*` and `externalGateway`. Everything else is
/// applied live.
public struct ConfigChanges: Sendable, Equatable {
    /// Keys whose change needs a restart (while any is set, nothing is applied).
    public private(set) var restartOnly: [String] = []
    /// One line per change that can be applied live.
    public private(set) var applied: [String] = []

    public var isEmpty: Bool { restartOnly.isEmpty && applied.isEmpty }

    public init(from old: Configuration, to new: Configuration) {
        restart("node", old.node, new.node)
        restart("cluster.port", old.cluster.port, new.cluster.port)
        restart("cluster.bind", old.cluster.bind.map { "\($0)" } ?? "none", new.cluster.bind.map { "\($0)" } ?? "none")
        restart("cluster.authKeyFile", old.cluster.authKeyFile ?? "none", new.cluster.authKeyFile ?? "none")
        restart("cluster.insecure", old.cluster.insecure, new.cluster.insecure)
        if old.cluster.authKey != new.cluster.authKey, old.cluster.authKeyFile == new.cluster.authKeyFile {
            restartOnly.append("cluster.authKeyFile (the key in it changed)")
        }
        restart("status.socket", old.status.socket, new.status.socket)
        restart("status.socketGroup", old.status.socketGroup, new.status.socketGroup)
        restart("status.metrics", old.status.metrics ?? "off", new.status.metrics ?? "off")
        if old.externalGateway != new.externalGateway { restartOnly.append("externalGateway") }
        peers(old.cluster.peers, new.cluster.peers)
        vips(old.vips, new.vips)
        checks(old.healthChecks, new.healthChecks)
        change("startupGrace", old.startupGrace, new.startupGrace)
        change("announce.garpCount", old.announce.garpCount, new.announce.garpCount)
        change("announce.garpInterval", old.announce.garpInterval, new.announce.garpInterval)
        change("announce.refreshInterval", old.announce.refreshInterval, new.announce.refreshInterval)
        change("host.repairDuplicates", old.host.repairDuplicates, new.host.repairDuplicates)
    }

    private mutating func restart<T: Equatable>(_ key: String, _ a: T, _ b: T) {
        if a != b { restartOnly.append("\(key) (\(a) → \(b))") }
    }

    private mutating func change<T: Equatable>(_ key: String, _ a: T, _ b: T) {
        if a != b { applied.append("\(key) \(Self.text(a)) → \(Self.text(b))") }
    }

    private mutating func peers(_ old: [IPAddress], _ new: [IPAddress]) {
        for p in new where !old.contains(p) { applied.append("cluster.peers: \(p) added") }
        for p in old where !new.contains(p) { applied.append("cluster.peers: \(p) removed (forgotten)") }
    }

    private mutating func vips(_ old: [VIPConfig], _ new: [VIPConfig]) {
        for (i, v) in old.enumerated() {
            guard let n = new.first(where: { $0.name == v.name }) else {
                applied.append("vips[\(i)] \(v.name) removed (resigns: VIP removed from the host, priority 0 advertised)")
                continue
            }
            if let why = v.otherServiceThan(n) {
                applied.append("vips[\(new.firstIndex(of: n)!)] \(v.name) replaced (\(why)): resigns, then starts again")
                continue
            }
            field(v.name, "priority", v.priority, n.priority)
            field(v.name, "preempt", v.preempt, n.preempt)
            field(v.name, "preemptDelay", v.preemptDelay, n.preemptDelay)
            field(v.name, "advertInterval", v.advertInterval, n.advertInterval)
            field(v.name, "checks", v.checks, n.checks)
            field(v.name, "minHoldTime", v.minHoldTime, n.minHoldTime)
            field(v.name, "stepDownHold", v.stepDownHold, n.stepDownHold)
        }
        for (i, n) in new.enumerated() where !old.contains(where: { $0.name == n.name }) {
            applied.append("vips[\(i)] \(n.name) added (\(n.cidr) on \(n.interface), routerId \(n.routerId))")
        }
    }

    private mutating func field<T: Equatable>(_ vip: String, _ key: String, _ a: T, _ b: T) {
        if a != b { applied.append("\(vip) \(key) \(Self.text(a)) → \(Self.text(b))") }
    }

    private mutating func checks(_ old: [HealthCheckConfig], _ new: [HealthCheckConfig]) {
        for c in old {
            guard let n = new.first(where: { $0.name == c.name }) else {
                applied.append("healthChecks \(c.name) removed")
                continue
            }
            if n != c { applied.append("healthChecks \(c.name) changed (restarted; its last verdict holds until its first new one)") }
        }
        for n in new where !old.contains(where: { $0.name == n.name }) {
            applied.append("healthChecks \(n.name) added (gates its VIPs from its first verdict)")
        }
    }

    private static func text<T>(_ value: T) -> String {
        switch value {
        case let d as Duration: return formatDuration(d)
        case let list as [String]: return "[\(list.joined(separator: ", "))]"
        default: return "\(value)"
        }
    }
}

extension VIPConfig {
    /// Why `other` (same name) is effectively another VIP: another address, prefix, interface
    /// or routerId; nil when it is the same one.
    public func otherServiceThan(_ other: VIPConfig) -> String? {
        var why: [String] = []
        if address != other.address || prefixLength != other.prefixLength { why.append("address \(cidr) → \(other.cidr)") }
        if interface != other.interface { why.append("interface \(interface) → \(other.interface)") }
        if routerId != other.routerId { why.append("routerId \(routerId) → \(other.routerId)") }
        return why.isEmpty ? nil : why.joined(separator: ", ")
    }
}
