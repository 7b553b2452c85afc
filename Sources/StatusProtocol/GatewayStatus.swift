import Foundation

/// Extra: the Kube-OVN centralized external gateway (EIP) failover group.
public struct GatewayStatus: Codable, Equatable, Sendable {
    public var routerId: Int
    public var state: String
    /// The chassis the northbound database currently prefers for the router port.
    public var activeChassis: String?
    public var nbConnected: Bool
    public var nbDetail: String
    /// ISO-8601 UTC timestamp of the last write to the northbound database.
    public var lastWrite: String?
    public var lastWriteResult: String?
    public var members: [GatewayMember]
    /// Every configured router port, in configured order (the first is the one the fields above describe).
    public var ports: [GatewayPortStatus]

    public init(routerId: Int, state: String, activeChassis: String? = nil, nbConnected: Bool,
                nbDetail: String, lastWrite: String? = nil, lastWriteResult: String? = nil,
                members: [GatewayMember] = [], ports: [GatewayPortStatus] = []) {
        self.routerId = routerId
        self.state = state
        self.activeChassis = activeChassis
        self.nbConnected = nbConnected
        self.nbDetail = nbDetail
        self.lastWrite = lastWrite
        self.lastWriteResult = lastWriteResult
        self.members = members
        self.ports = ports
    }

    private enum CodingKeys: String, CodingKey {
        case routerId, state, activeChassis, nbConnected, nbDetail, lastWrite, lastWriteResult, members, ports
    }

    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        routerId = try c.decode(Int.self, forKey: .routerId)
        state = try c.decode(String.self, forKey: .state)
        activeChassis = try c.decodeIfPresent(String.self, forKey: .activeChassis)
        nbConnected = try c.decode(Bool.self, forKey: .nbConnected)
        nbDetail = try c.decode(String.self, forKey: .nbDetail)
        lastWrite = try c.decodeIfPresent(String.self, forKey: .lastWrite)
        lastWriteResult = try c.decodeIfPresent(String.self, forKey: .lastWriteResult)
        members = try c.decode([GatewayMember].self, forKey: .members)
        // Absent from agents that managed one port only.
        ports = try c.decodeIfPresent([GatewayPortStatus].self, forKey: .ports) ?? []
    }

    public func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(routerId, forKey: .routerId)
        try c.encode(state, forKey: .state)
        try c.encode(activeChassis, forKey: .activeChassis)
        try c.encode(nbConnected, forKey: .nbConnected)
        try c.encode(nbDetail, forKey: .nbDetail)
        try c.encode(lastWrite, forKey: .lastWrite)
        try c.encode(lastWriteResult, forKey: .lastWriteResult)
        try c.encode(members, forKey: .members)
        try c.encode(ports, forKey: .ports)
    }
}

/// One node of the gateway group.
public struct GatewayMember: Codable, Equatable, Sendable {
    public var node: String
    public var chassis: String?
    public var healthy: Bool?
    /// The priority of this chassis in the northbound Gateway_Chassis row.
    public var rowPriority: Int?

    public init(node: String, chassis: String? = nil, healthy: Bool? = nil, rowPriority: Int? = nil) {
        self.node = node
        self.chassis = chassis
        self.healthy = healthy
        self.rowPriority = rowPriority
    }

    private enum CodingKeys: String, CodingKey {
        case node, chassis, healthy, rowPriority
    }

    public func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(node, forKey: .node)
        try c.encode(chassis, forKey: .chassis)
        try c.encode(healthy, forKey: .healthy)
        try c.encode(rowPriority, forKey: .rowPriority)
    }
}
