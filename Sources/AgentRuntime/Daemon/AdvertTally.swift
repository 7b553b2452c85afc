/// Adverts sent and received per group since the metrics last heard of them.
///
/// Counted on the agent's loop at the rate of datagrams (with 64 VIPs, 64 groups per datagram,
/// two peers, ten times a second) and handed to Prometheus in batches: a few dictionary
/// additions per datagram instead of a lock and two counter updates per group.
struct AdvertTally {
    private(set) var sent: [String: Int64] = [:]
    private(set) var received: [String: Int64] = [:]

    var isEmpty: Bool { sent.isEmpty && received.isEmpty }

    mutating func sent(_ groups: [String]) {
        for group in groups { sent[group, default: 0] += 1 }
    }

    mutating func received(_ groups: [String]) {
        for group in groups { received[group, default: 0] += 1 }
    }

    /// What was counted since the last call; the tally starts again from zero.
    mutating func take() -> (sent: [String: Int64], received: [String: Int64]) {
        defer { sent.removeAll(keepingCapacity: true); received.removeAll(keepingCapacity: true) }
        return (sent, received)
    }
}
