/// What a node knows of one peer of a group, from its latest advert.
public struct PeerView: Sendable, Equatable {
    public var body: AdvertBody
    public var lastHeard: Instant
    /// lastHeard + 3 × the peer's own advert interval.
    public var expires: Instant

    public var name: String { body.nodeName }
    public var isMaster: Bool { body.flags.contains(.master) }
    public var isCandidate: Bool { body.priority > 0 && !body.flags.contains(.fault) }

    public var merit: Merit {
        Merit(demoted: body.flags.contains(.demoted), healthy: body.flags.contains(.healthy),
              priority: body.priority, address: body.nodeAddress, name: body.nodeName)
    }

    public func isAlive(at now: Instant) -> Bool { now < expires }
}
