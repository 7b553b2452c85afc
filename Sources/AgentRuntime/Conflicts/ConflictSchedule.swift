/// When each VIP's next conflict probe is due, and which VIPs one round of probes takes. Pure.
///
/// One timer serves every VIP: a round takes every VIP due within `coalescing` of now (a VIP
/// never probed is due at once), so VIPs whose probes were paced apart (a suspicion checked
/// after 250 ms, a standing conflict's backoff) share one window per interface again at the
/// next round instead of costing one window each.
struct ConflictSchedule<Instant: InstantProtocol>: Sendable where Instant.Duration == Duration {
    static var coalescing: Duration { .milliseconds(500) }

    private(set) var due: [String: Instant] = [:]

    /// `name`'s next probe is due `delay` after `now`.
    mutating func probed(_ name: String, at now: Instant, next delay: Duration) {
        due[name] = now.advanced(by: delay)
    }

    /// The VIPs of `names` one round at `now` takes, in the order given.
    func round(of names: [String], at now: Instant) -> [String] {
        let horizon = now.advanced(by: Self.coalescing)
        return names.filter { (due[$0] ?? now) <= horizon }
    }

    /// When the next round is due for `names` (none: nil).
    func next(of names: [String], at now: Instant) -> Instant? {
        names.map { due[$0] ?? now }.min()
    }
}
