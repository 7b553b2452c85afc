import Foundation

/// One floating address and this node's view of its election.
public struct VIPStatus: Codable, Equatable, Sendable {
    /// The states a VIP can be in, as spelled in the status document.
    public enum State {
        public static let initial = "INIT"
        public static let backup = "BACKUP"
        public static let master = "MASTER"
        public static let fault = "FAULT"
        public static let all = [initial, backup, master, fault]
    }

    public var name: String
    /// The address with its prefix, e.g. "10.77.0.100/24".
    public var address: String
    /// One of `State.all`.
    public var state: String
    /// The interface in use (resolved when configured as `auto`).
    public var interface: String
    public var configuredInterface: String
    /// Extra: why `interface` differs from `configuredInterface`.
    public var interfaceReason: String?
    public var priority: Int
    public var effectivePriority: Int
    public var master: MasterRef?
    /// ISO-8601 UTC timestamp of the last state change, see `isoTimestamp(_:)`.
    public var since: String
    public var reason: String
    /// Extra: whether every check gating this VIP passes.
    public var healthy: Bool

    public init(name: String, address: String, state: String, interface: String,
                configuredInterface: String, interfaceReason: String? = nil, priority: Int,
                effectivePriority: Int, master: MasterRef? = nil, since: String, reason: String,
                healthy: Bool = true) {
        self.name = name
        self.address = address
        self.state = state
        self.interface = interface
        self.configuredInterface = configuredInterface
        self.interfaceReason = interfaceReason
        self.priority = priority
        self.effectivePriority = effectivePriority
        self.master = master
        self.since = since
        self.reason = reason
        self.healthy = healthy
    }

    private enum CodingKeys: String, CodingKey {
        case name, address, state, interface, configuredInterface, interfaceReason, priority
        case effectivePriority, master, since, reason, healthy
    }

    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        name = try c.decode(String.self, forKey: .name)
        address = try c.decode(String.self, forKey: .address)
        state = try c.decode(String.self, forKey: .state)
        interface = try c.decode(String.self, forKey: .interface)
        configuredInterface = try c.decodeIfPresent(String.self, forKey: .configuredInterface) ?? interface
        interfaceReason = try c.decodeIfPresent(String.self, forKey: .interfaceReason)
        priority = try c.decode(Int.self, forKey: .priority)
        effectivePriority = try c.decodeIfPresent(Int.self, forKey: .effectivePriority) ?? priority
        master = try c.decodeIfPresent(MasterRef.self, forKey: .master)
        since = try c.decode(String.self, forKey: .since)
        reason = try c.decodeIfPresent(String.self, forKey: .reason) ?? ""
        healthy = try c.decodeIfPresent(Bool.self, forKey: .healthy) ?? (state != State.fault)
    }

    public func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(name, forKey: .name)
        try c.encode(address, forKey: .address)
        try c.encode(state, forKey: .state)
        try c.encode(interface, forKey: .interface)
        try c.encode(configuredInterface, forKey: .configuredInterface)
        try c.encode(interfaceReason, forKey: .interfaceReason)
        try c.encode(priority, forKey: .priority)
        try c.encode(effectivePriority, forKey: .effectivePriority)
        try c.encode(master, forKey: .master)
        try c.encode(since, forKey: .since)
        try c.encode(reason, forKey: .reason)
        try c.encode(healthy, forKey: .healthy)
    }
}
