/// What a node knows of one peer of a group: its latest advert, and the evidence that it is
/// still alive (its own adverts, and peers that hear it).
public struct PeerView: Sendable, Equatable {
    public var body: AdvertBody
    /// When the peer's latest advert reached this node.
    public var lastHeard: Instant
    /// Until when the peer counts as alive: 3 × its interval after the latest evidence (its own
    /// advert, or a peer that hears it as MASTER), longer while the silence of a master is not
    /// confirmed by the other peers, or while this node recovers from a stall of its own.
    public var expires: Instant
    /// The peer's view of the group's master, in this node's time.
    public var vouch: Vouch?
    /// When the peer last heard this node (in this node's time), as it said in its latest advert.
    public var heardMeAt: Instant?
    /// Peers hear this one as MASTER more recently than its latest advert to this node said
    /// otherwise (a transition this node missed).
    public var vouchedMaster = false

    public init(body: AdvertBody, lastHeard: Instant, expires: Instant) {
        self.body = body
        self.lastHeard = lastHeard
        self.expires = expires
    }

    public var name: String { body.nodeName }
    public var address: NodeAddress { body.nodeAddress }
    public var isMaster: Bool { body.flags.contains(.master) || vouchedMaster }
    public var isSettling: Bool { body.flags.contains(.settling) }
    public var hasResumed: Bool { body.flags.contains(.resumed) }
    public var isCandidate: Bool { body.priority > 0 && !body.flags.contains(.fault) }
    /// lastHeard + 3 × the peer's interval: alive by its own adverts alone.
    public var directExpiry: Instant { lastHeard + ElectionConfig.life(body.interval) }

    public var merit: Merit {
        Merit(demoted: body.flags.contains(.demoted), healthy: body.flags.contains(.healthy),
              priority: body.priority, address: body.nodeAddress, name: body.nodeName)
    }

    public func isAlive(at now: Instant) -> Bool { now < expires }
    public func isHeardDirectly(at now: Instant) -> Bool { now < directExpiry }
}

/// A peer's word that it hears `master` as the group's MASTER, last at `heardAt` (this node's time).
public struct Vouch: Sendable, Equatable {
    public var master: NodeAddress
    public var heardAt: Instant

    public init(master: NodeAddress, heardAt: Instant) {
        self.master = master
        self.heardAt = heardAt
    }
}
