import Foundation

/// The status document served by `vipctl status --json` (see CONTRACT.md).
///
/// Every key of the contract is always encoded (optional values as `null`); fields that are not in
/// the contract ("extras") may be absent when decoding, so a document written by an older agent or
/// the contract's own sample still decodes.
public struct StatusDocument: Codable, Equatable, Sendable {
    public var node: String
    public var version: String
    public var vips: [VIPStatus]
    public var checks: [CheckStatus]
    public var peers: [PeerStatus]
    public var counters: Counters
    /// Extra: dropped adverts per drop reason.
    public var drops: [String: UInt64]
    /// Extra: the Kube-OVN external gateway group, when configured.
    public var gateway: GatewayStatus?
    /// Problems of the host's network the agent found (empty when none).
    public var hostProblems: [HostProblemStatus]
    /// Disagreements with peers (duplicate name, key mismatch, …; empty when none).
    public var conflicts: [ConflictStatus]

    public init(node: String, version: String, vips: [VIPStatus] = [], checks: [CheckStatus] = [],
                peers: [PeerStatus] = [], counters: Counters = Counters(),
                drops: [String: UInt64] = [:], gateway: GatewayStatus? = nil,
                hostProblems: [HostProblemStatus] = [], conflicts: [ConflictStatus] = []) {
        self.node = node
        self.version = version
        self.vips = vips
        self.checks = checks
        self.peers = peers
        self.counters = counters
        self.drops = drops
        self.gateway = gateway
        self.hostProblems = hostProblems
        self.conflicts = conflicts
    }

    private enum CodingKeys: String, CodingKey {
        case node, version, vips, checks, peers, counters, drops, gateway, hostProblems, conflicts
    }

    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        node = try c.decode(String.self, forKey: .node)
        version = try c.decode(String.self, forKey: .version)
        vips = try c.decodeIfPresent([VIPStatus].self, forKey: .vips) ?? []
        checks = try c.decodeIfPresent([CheckStatus].self, forKey: .checks) ?? []
        peers = try c.decodeIfPresent([PeerStatus].self, forKey: .peers) ?? []
        counters = try c.decodeIfPresent(Counters.self, forKey: .counters) ?? Counters()
        drops = try c.decodeIfPresent([String: UInt64].self, forKey: .drops) ?? [:]
        gateway = try c.decodeIfPresent(GatewayStatus.self, forKey: .gateway)
        hostProblems = try c.decodeIfPresent([HostProblemStatus].self, forKey: .hostProblems) ?? []
        conflicts = try c.decodeIfPresent([ConflictStatus].self, forKey: .conflicts) ?? []
    }

    public func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(node, forKey: .node)
        try c.encode(version, forKey: .version)
        try c.encode(vips, forKey: .vips)
        try c.encode(checks, forKey: .checks)
        try c.encode(peers, forKey: .peers)
        try c.encode(counters, forKey: .counters)
        try c.encode(drops, forKey: .drops)
        try c.encode(gateway, forKey: .gateway)
        try c.encode(hostProblems, forKey: .hostProblems)
        try c.encode(conflicts, forKey: .conflicts)
    }
}

/// The elected master of a VIP as seen by this node.
public struct MasterRef: Codable, Equatable, Sendable {
    public var node: String
    public var address: String

    public init(node: String, address: String) {
        self.node = node
        self.address = address
    }
}

/// The aggregate protocol counters of the status document.
public struct Counters: Codable, Equatable, Sendable {
    public var advertsSent: UInt64
    public var advertsReceived: UInt64
    public var authFailures: UInt64
    public var malformed: UInt64
    public var replays: UInt64
    public var garpsSent: UInt64
    public var transitions: UInt64
    /// Extra: how often peers vouching for a master this node did not hear kept it from taking
    /// over (absent in documents of older agents).
    public var evidenceSaves: UInt64?

    public init(advertsSent: UInt64 = 0, advertsReceived: UInt64 = 0, authFailures: UInt64 = 0,
                malformed: UInt64 = 0, replays: UInt64 = 0, garpsSent: UInt64 = 0,
                transitions: UInt64 = 0, evidenceSaves: UInt64? = nil) {
        self.advertsSent = advertsSent
        self.advertsReceived = advertsReceived
        self.authFailures = authFailures
        self.malformed = malformed
        self.replays = replays
        self.garpsSent = garpsSent
        self.transitions = transitions
        self.evidenceSaves = evidenceSaves
    }
}
