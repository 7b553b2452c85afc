/// Per-peer advert send failures: counted (for `vip_agent_send_errors_total{peer}` and the
/// peer's `sendErrors` in the status document) and reported in the log at most once per
/// `logInterval` per peer, with how many failed since the last report. Pure: the caller gives
/// the time; used on the agent's loop only.
final class SendErrorLedger {
    /// Called for every failure, with the peer (for metrics).
    var onFailure: [(String) -> Void] = []
    private(set) var counts: [String: UInt64] = [:]
    private var lastReport: [String: UInt64] = [:]      // nanoseconds, per peer
    private var sinceReport: [String: UInt64] = [:]
    let logIntervalNanoseconds: UInt64

    init(logIntervalNanoseconds: UInt64 = 60_000_000_000) {
        self.logIntervalNanoseconds = logIntervalNanoseconds
    }

    /// Counts one failure to `peer` at `now`; returns the number of failures to report in the
    /// log now (this one included), or nil while the peer's last report is too recent.
    func record(peer: String, now: UInt64) -> UInt64? {
        counts[peer, default: 0] &+= 1
        sinceReport[peer, default: 0] &+= 1
        onFailure.forEach { $0(peer) }
        if let last = lastReport[peer], now &- last < logIntervalNanoseconds { return nil }
        lastReport[peer] = now
        defer { sinceReport[peer] = 0 }
        return sinceReport[peer]
    }

    func count(for peer: String) -> UInt64 { counts[peer, default: 0] }
}

@available(*, unavailable)
extension SendErrorLedger: Sendable {}
