/// Which of the hosts that answered an ARP probe for a VIP are a conflict (RFC 5227): a host
/// that is neither this one nor a peer agent. Pure.
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
    /// The MAC each peer answered with for its own address on the VIP's interface (IPv4 bytes).
    var peerMACs: [[UInt8]: [UInt8]]
    /// This node holds the VIP (MASTER): no other host may answer for it.
    var holding: Bool
    /// The peer the election believes is MASTER (its IPv4 bytes), if any.
    var masterPeer: [UInt8]?

    /// The claimants known to be neither this host nor a peer agent.
    func strangers(among claimants: [[UInt8]]) -> [[UInt8]] {
        let unknown = claimants.filter { !isKnown($0) }
        guard !unknown.isEmpty, !holding, let masterPeer else { return unknown }
        guard let masterMAC = peerMACs[masterPeer], claimants.contains(masterMAC) else { return [] }
        return unknown
    }

    /// Answered by this host or a peer agent.
    func isKnown(_ mac: [UInt8]) -> Bool {
        ownMACs.contains(mac) || peerMACs.values.contains(mac)
    }
}
