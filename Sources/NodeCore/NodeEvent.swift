import BasicTypes
import ElectionProtocol
import HostModel

/// Everything that happens to a node, as the runtime (or the simulation) hands it to
/// `NodeCore.handle(_:at:)` together with the instant it happened.
public enum NodeEvent: Sendable {
    /// The node starts, with the host as it is now.
    case start(HostSnapshot)
    /// A datagram arrived on the election socket.
    case datagram([UInt8], from: NodeAddress)
    /// The timer the core last armed has fired.
    case timer
    /// Links or addresses changed: the host as it is now.
    case host(HostSnapshot)
    /// A health check changed state; `reason` says why (the change's cause).
    case check(name: String, state: Health, reason: String?)
    /// What became of a `.place` effect: the steps that failed, with the error text.
    case placed(vip: String, failures: [PlacementFailure])
    /// Another host answers ARP for the VIP (RFC 5227 conflict): `owner` is its MAC; nil once it
    /// no longer answers. The group is FAULT while the conflict lasts.
    case addressConflict(vip: String, owner: String?)
    /// `vipctl step-down [--vip NAME]`.
    case stepDown(vip: String?)
    /// SIGHUP: the configuration file, read again and checked (see `NodeCore+Reload.swift`).
    /// The node's identity, epoch, key and gateway group stay those it started with.
    case reconfigure(NodeSettings)
    /// SIGTERM: resign every group.
    case shutdown
}

/// One placement step the host refused, and why (the netlink error text).
public struct PlacementFailure: Sendable, Equatable {
    public var step: PlacementPlan.Step
    public var error: String

    public init(step: PlacementPlan.Step, error: String) {
        self.step = step
        self.error = error
    }
}
