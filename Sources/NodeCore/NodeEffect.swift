import BasicTypes
import ElectionProtocol

/// What the node core asks its surroundings to do, in order. The runtime performs them; the
/// simulation applies them to simulated hosts and a simulated network.
public enum NodeEffect: Sendable, Equatable {
    /// Send each datagram to its peer: one advert for all `groups` (which label the metrics).
    case send([OutgoingDatagram], groups: [String])
    /// Change the host: add or remove the VIP on interfaces, then report with `.placed`.
    case place(vip: String, address: IPAddress, steps: [PlacementPlan.Step])
    /// One round of gratuitous ARP / unsolicited NA for `address` from `interface`.
    case announce(vip: String, address: IPAddress, interface: String)
    /// The gateway election's result for the OVN northbound reconciler (changes only).
    case publishGateway(isMaster: Bool, ranking: [GatewayRank])
    /// A group changed state.
    case transition(group: String, from: GroupState, to: GroupState, reason: String)
    /// A decision worth a log line.
    case log(LogLevel, String, group: String?)
    /// A datagram was refused, and why.
    case dropped(DropReason, from: NodeAddress)
    /// An advert was accepted for this group.
    case advertsReceived(groups: [String])
    /// The answer to an operator command (`.stepDown`); `isError` for a refusal.
    case reply(String, isError: Bool)
    /// Hand `.timer` back at this instant (replaces any earlier timer).
    case armTimer(at: Instant)
    /// The list of conflicts with peers changed (`NodeCore.conflicts`).
    case conflictsChanged
    /// Peers' evidence kept this node from taking over a master it did not hear.
    case evidenceSaved(group: String)
}

/// One datagram for one peer.
public struct OutgoingDatagram: Sendable, Equatable {
    public var peer: NodeAddress
    public var bytes: [UInt8]

    public init(peer: NodeAddress, bytes: [UInt8]) {
        self.peer = peer
        self.bytes = bytes
    }
}

/// The levels the core logs at (the runtime maps them onto its logger's).
public enum LogLevel: Sendable, Equatable {
    case debug, info, notice, warning, error
}

/// One member of the gateway group as the reconciler wants it, best first.
public struct GatewayRank: Sendable, Equatable {
    public var node: String
    public var chassis: String
    public var healthy: Bool

    public init(node: String, chassis: String, healthy: Bool) {
        self.node = node
        self.chassis = chassis
        self.healthy = healthy
    }
}
