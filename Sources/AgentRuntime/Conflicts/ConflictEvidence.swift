/// Which of the hosts that answered an ARP or neighbour solicitation probe for a VIP (or probed
/// for it themselves) are a conflict (RFC 5227, RFC 4862): a host that is neither this one nor
/// a peer agent. Pure.
///
/// A peer agent answers for the VIP while it is MASTER: while this node is BACKUP that is the
/// legitimate holder, and while this node is MASTER too it is a split brain, which the election
/// settles. So peers' MACs (as they answered for their own addresses on this interface) never
/// count. While a peer is MASTER and its MAC here is unknown (its election address lives on
/// another segment) or is not among the answers (its MAC changed since it was learnt), an
/// unknown answer may be that peer: nothing counts then.
struct ConflictEvidence: Sendable, Equatable {
    /// The MACs of this host's links.
    var ownMACs: Set<[UInt8]>
    /// The MACs each peer answered with for its own address on the VIP's interface (by its
    /// address bytes, IPv4 or IPv6; several when its interfaces share the segment).
    var peerMACs: [[UInt8]: [[UInt8]]]
    /// This node holds the VIP (MASTER): no other host may answer for it.
    var holding: Bool
    /// The peer the election believes is MASTER (its address bytes), if any.
    var masterPeer: [UInt8]?

    /// The claimants known to be neither this host nor a peer agent.
    func strangers(among claimants: [[UInt8]]) -> [[UInt8]] {
        let unknown = claimants.filter { !isKnown($0) }
        guard !unknown.isEmpty, !holding, let masterPeer else { return unknown }
        guard let masterMACs = peerMACs[masterPeer], masterMACs.contains(where: claimants.contains) else { return [] }
        return unknown
    }

    /// Whether one probe's strangers suffice, without a second probe to confirm them. Never
    /// while holding the VIP (a hand-over may be in flight: the old master's answer is racing
    /// its removal). While not holding, yes when every one of `peerCount` peers told its MAC
    /// here, or when the MASTER peer answered too: the stranger is then neither that peer nor
    /// another. A backup that sees the stray this way goes FAULT before it could take over
    /// from a master that faults on the same stray, so the VIP is not claimed against it.
    func isCertain(among claimants: [[UInt8]], peerCount: Int) -> Bool {
        guard !holding else { return false }
        if peerMACs.count == peerCount { return true }
        guard let masterPeer, let masterMACs = peerMACs[masterPeer] else { return false }
        return masterMACs.contains(where: claimants.contains)
    }

    /// Answered by this host or a peer agent.
    func isKnown(_ mac: [UInt8]) -> Bool {
        ownMACs.contains(mac) || peerMACs.values.contains { $0.contains(mac) }
    }
}
