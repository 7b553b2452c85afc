/// Debounce and pacing of the conflict probes of one VIP. Pure: fed the strangers each probe
/// found, it says when the conflict begins or ends and how long to wait for the next probe.
///
/// A conflict begins after `confirmations` probes in a row found the same stranger (a single
/// answer may be a hand-over in flight) and ends after `confirmations` clean probes in a row.
/// A suspicion is checked again quickly; a standing conflict is probed with a backoff that
/// doubles up to `backoffMax`, so a stray host is not flooded while the group waits.
struct ConflictTracker: Sendable, Equatable {
    static let confirmations = 2
    static let interval: Duration = .seconds(1)
    static let confirmDelay: Duration = .milliseconds(250)
    static let backoffFirst: Duration = .seconds(1)
    static let backoffMax: Duration = .seconds(4)

    enum Change: Equatable, Sendable {
        case began(owner: [UInt8])
        case ended
    }

    /// The stranger answering for the VIP while a conflict stands.
    private(set) var owner: [UInt8]?
    private var suspect: [UInt8]?
    private var streak = 0
    private var backoff = ConflictTracker.backoffFirst
    /// How long to wait before the next probe.
    private(set) var nextDelay: Duration = .zero

    /// One probe's strangers (empty: nobody but this host or a peer answered). `certain`: the
    /// probe before the first claim, every peer's MAC known: one answer is enough (RFC 5227: a
    /// probing host never takes an address another host answers for).
    mutating func observe(_ strangers: [[UInt8]], certain: Bool = false) -> Change? {
        if let owner {
            if strangers.isEmpty {
                streak += 1
                if streak >= Self.confirmations {
                    reset()
                    return .ended
                }
                nextDelay = Self.confirmDelay
            } else {
                streak = 0
                if !strangers.contains(owner) { self.owner = strangers[0] }
                nextDelay = backoff
                backoff = min(backoff * 2, Self.backoffMax)
                if self.owner != owner { return .began(owner: self.owner!) }
            }
            return nil
        }
        guard let first = strangers.first else {
            reset()
            return nil
        }
        if let suspect, strangers.contains(suspect) {
            streak += 1
        } else {
            suspect = first
            streak = certain ? Self.confirmations : 1
        }
        if streak >= Self.confirmations {
            owner = suspect
            suspect = nil
            streak = 0
            nextDelay = backoff
            backoff = min(backoff * 2, Self.backoffMax)
            return .began(owner: owner!)
        }
        nextDelay = Self.confirmDelay
        return nil
    }

    private mutating func reset() {
        owner = nil
        suspect = nil
        streak = 0
        backoff = Self.backoffFirst
        nextDelay = Self.interval
    }
}
