import Foundation

/// One health check and its current verdict (after rise/fall hysteresis).
public struct CheckStatus: Codable, Equatable, Sendable {
    public var name: String
    public var healthy: Bool
    /// ISO-8601 UTC timestamp of the last verdict change.
    public var since: String
    /// Human-readable outcome of the last probe, e.g. "200 OK".
    public var detail: String
    /// Extra: probes that passed since the agent started.
    public var successes: UInt64
    /// Extra: probes that failed since the agent started.
    public var failures: UInt64

    public init(name: String, healthy: Bool, since: String, detail: String,
                successes: UInt64 = 0, failures: UInt64 = 0) {
        self.name = name
        self.healthy = healthy
        self.since = since
        self.detail = detail
        self.successes = successes
        self.failures = failures
    }

    private enum CodingKeys: String, CodingKey {
        case name, healthy, since, detail, successes, failures
    }

    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        name = try c.decode(String.self, forKey: .name)
        healthy = try c.decode(Bool.self, forKey: .healthy)
        since = try c.decode(String.self, forKey: .since)
        detail = try c.decodeIfPresent(String.self, forKey: .detail) ?? ""
        successes = try c.decodeIfPresent(UInt64.self, forKey: .successes) ?? 0
        failures = try c.decodeIfPresent(UInt64.self, forKey: .failures) ?? 0
    }
}

/// A configured peer and what its last advert said. Unknown values (never heard from) are null.
public struct PeerStatus: Codable, Equatable, Sendable {
    public var address: String
    public var node: String?
    /// ISO-8601 UTC timestamp of the last valid advert.
    public var lastSeen: String?
    public var state: String?
    public var priority: Int?
    /// Extra: whether the peer reported its checks as passing.
    public var healthy: Bool?
    /// Adverts to this peer the kernel refused to send (a route, a firewall); null from agents
    /// that do not count them.
    public var sendErrors: UInt64?

    public init(address: String, node: String? = nil, lastSeen: String? = nil, state: String? = nil,
                priority: Int? = nil, healthy: Bool? = nil, sendErrors: UInt64? = nil) {
        self.address = address
        self.node = node
        self.lastSeen = lastSeen
        self.state = state
        self.priority = priority
        self.healthy = healthy
        self.sendErrors = sendErrors
    }

    private enum CodingKeys: String, CodingKey {
        case address, node, lastSeen, state, priority, healthy, sendErrors
    }

    public func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(address, forKey: .address)
        try c.encode(node, forKey: .node)
        try c.encode(lastSeen, forKey: .lastSeen)
        try c.encode(state, forKey: .state)
        try c.encode(priority, forKey: .priority)
        try c.encode(healthy, forKey: .healthy)
        try c.encode(sendErrors, forKey: .sendErrors)
    }
}
