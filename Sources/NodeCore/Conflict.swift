import ElectionProtocol

/// A disagreement between this node and a peer that the election cannot settle by itself:
/// named in `vipctl status` (`conflicts`), in the metrics and in the log.
public struct Conflict: Sendable, Equatable {
    public enum Kind: String, Sendable, CaseIterable {
        /// A peer advertises with this node's name, or two peers share a name.
        case duplicateName
        /// A peer's adverts fail authentication steadily (another key, or `insecure` on one side).
        case authentication
        /// A peer serves another address (or prefix) for one of this node's routerIds.
        case vipMismatch
        /// A peer advertises a group at another interval.
        case intervalMismatch
        /// A peer speaks protocol version 1 (an older vip-agent).
        case oldVersion
    }

    public var kind: Kind
    public var peer: NodeAddress
    public var detail: String
    public var since: Instant
    /// The latest evidence; a conflict not seen again for `Conflict.lifetime` is over.
    public var lastSeen: Instant

    public static let lifetime: Int64 = 10_000_000_000
    /// At most one log line per peer and kind in this time.
    public static let logEvery: Int64 = 60_000_000_000
    /// Authentication failures in a row, with nothing valid in between, that make a conflict.
    static let authFailuresInARow = 3
}

/// The conflicts of one node, kept by the core.
public struct ConflictBook: Sendable {
    public private(set) var active: [Conflict] = []
    private var loggedAt: [String: Instant] = [:]
    private var authFailures: [NodeAddress: Int] = [:]

    public init() {}

    /// Records evidence of a conflict; returns a log line when one is due.
    mutating func saw(_ kind: Conflict.Kind, peer: NodeAddress, _ detail: String, at now: Instant) -> String? {
        if let i = active.firstIndex(where: { $0.kind == kind && $0.peer == peer }) {
            active[i].lastSeen = now
            active[i].detail = detail
        } else {
            active.append(Conflict(kind: kind, peer: peer, detail: detail, since: now, lastSeen: now))
        }
        let key = "\(kind.rawValue) \(peer)"
        if let last = loggedAt[key], now - last < Conflict.logEvery { return nil }
        loggedAt[key] = now
        return "conflict with \(peer) (\(kind.rawValue)): \(detail)"
    }

    /// A valid datagram from `peer`: its authentication failures in a row end.
    mutating func authenticated(_ peer: NodeAddress) {
        authFailures[peer] = nil
        active.removeAll { $0.kind == .authentication && $0.peer == peer }
    }

    /// One more authentication failure from `peer`; true once they are steady.
    mutating func authFailed(_ peer: NodeAddress) -> Bool {
        authFailures[peer, default: 0] += 1
        return authFailures[peer]! >= Conflict.authFailuresInARow
    }

    /// Ends the conflicts of `kind` with `peer` (evidence that it is over).
    mutating func resolved(_ kind: Conflict.Kind, peer: NodeAddress) {
        active.removeAll { $0.kind == kind && $0.peer == peer }
    }

    /// Forgets conflicts not seen for their lifetime; true when any ended.
    mutating func expire(at now: Instant) -> Bool {
        let before = active.count
        active.removeAll { now - $0.lastSeen >= Conflict.lifetime }
        return active.count != before
    }

    /// When the next conflict would expire.
    /// A peer removed from the configuration: its conflicts go.
    mutating func forget(_ peer: NodeAddress) {
        active.removeAll { $0.peer == peer }
        authFailures[peer] = nil
    }

    var nextExpiry: Instant? { active.map { $0.lastSeen + Conflict.lifetime }.min() }
}
