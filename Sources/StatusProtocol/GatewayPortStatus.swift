import Foundation

/// One router port of the gateway group: its rows as the northbound database has them, and what
/// the agent last did to it. The gateway's top-level `activeChassis`, `lastWrite` and
/// `lastWriteResult` are those of the first port, as before several ports could be configured.
public struct GatewayPortStatus: Codable, Equatable, Sendable {
    /// The `Logical_Router_Port` name, as configured.
    public var name: String
    /// Whether the northbound database has the port; nil until it was read.
    public var found: Bool?
    /// The chassis OVN prefers for this port (its highest-priority row).
    public var activeChassis: String?
    /// The port's `Gateway_Chassis` rows, highest priority first.
    public var gatewayChassis: [GatewayChassisPriority]
    /// The external switch's router-type ports that announce the NAT addresses
    /// (`options:nat-addresses=router`), as last ensured by the master.
    public var natAddressPorts: [String]
    public var lastWrite: String?
    public var lastWriteResult: String?
    /// What is wrong with the port ("not found", members without a row); empty when nothing is.
    public var detail: String

    public init(name: String, found: Bool? = nil, activeChassis: String? = nil,
                gatewayChassis: [GatewayChassisPriority] = [], natAddressPorts: [String] = [],
                lastWrite: String? = nil, lastWriteResult: String? = nil, detail: String = "") {
        self.name = name
        self.found = found
        self.activeChassis = activeChassis
        self.gatewayChassis = gatewayChassis
        self.natAddressPorts = natAddressPorts
        self.lastWrite = lastWrite
        self.lastWriteResult = lastWriteResult
        self.detail = detail
    }

    private enum CodingKeys: String, CodingKey {
        case name, found, activeChassis, gatewayChassis, natAddressPorts, lastWrite, lastWriteResult, detail
    }

    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        name = try c.decode(String.self, forKey: .name)
        found = try c.decodeIfPresent(Bool.self, forKey: .found)
        activeChassis = try c.decodeIfPresent(String.self, forKey: .activeChassis)
        gatewayChassis = try c.decodeIfPresent([GatewayChassisPriority].self, forKey: .gatewayChassis) ?? []
        natAddressPorts = try c.decodeIfPresent([String].self, forKey: .natAddressPorts) ?? []
        lastWrite = try c.decodeIfPresent(String.self, forKey: .lastWrite)
        lastWriteResult = try c.decodeIfPresent(String.self, forKey: .lastWriteResult)
        detail = try c.decodeIfPresent(String.self, forKey: .detail) ?? ""
    }

    public func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(name, forKey: .name)
        try c.encode(found, forKey: .found)
        try c.encode(activeChassis, forKey: .activeChassis)
        try c.encode(gatewayChassis, forKey: .gatewayChassis)
        try c.encode(natAddressPorts, forKey: .natAddressPorts)
        try c.encode(lastWrite, forKey: .lastWrite)
        try c.encode(lastWriteResult, forKey: .lastWriteResult)
        try c.encode(detail, forKey: .detail)
    }
}

/// One `Gateway_Chassis` row of a port: the chassis and its priority.
public struct GatewayChassisPriority: Codable, Equatable, Sendable {
    public var chassis: String
    public var priority: Int

    public init(chassis: String, priority: Int) {
        self.chassis = chassis
        self.priority = priority
    }
}
