import ElectionProtocol

/// A loss (of carrier, of the interface holding the node address) counts only once it has
/// lasted `hold`: a bridge that has just taken a port comes up within milliseconds, and
/// Kube-OVN moves the node address in steps (enslave, delete, add on the bridge) with a gap in
/// between. Pure: the caller passes the instant and re-asks at `deadline`.
struct LossHold: Sendable {
    var hold: Int64
    private(set) var since: Instant?
    /// When a pending loss will count, for the timer; nil once it counts (or while none).
    private(set) var deadline: Instant?

    init(hold: Int64) { self.hold = hold }

    /// Whether the loss counts at `now`; a fresh loss starts the hold.
    mutating func counts(lost: Bool, at now: Instant) -> Bool {
        guard lost else {
            since = nil
            deadline = nil
            return false
        }
        let start = since ?? now
        since = start
        let counts = now - start >= hold
        deadline = counts ? nil : start + hold
        return counts
    }
}
