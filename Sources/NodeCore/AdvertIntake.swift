import ElectionProtocol

/// Everything a received datagram goes through before the election sees it, in order: source
/// among the configured peers, decoding and authentication, own name, group, replay. Pure: no
/// socket and no clock; every refusal is a named `DropReason`, counted here.
public struct AdvertIntake: Sendable {
    public let peers: Set<NodeAddress>
    public let key: AuthKey
    /// This node's names: its node name, and its chassis in the gateway group.
    public let ownNames: Set<String>
    public let routerIds: Set<UInt8>
    /// One guard per group: a sender's sequence grows across all its groups, so within a group
    /// it grows too, and a datagram of one group overtaking another's is not taken for a replay.
    private var replayGuards: [UInt8: ReplayGuard] = [:]
    public private(set) var drops: [DropReason: UInt64] = [:]
    public private(set) var accepted: UInt64 = 0

    public init(peers: Set<NodeAddress>, key: AuthKey, ownNames: Set<String>, routerIds: Set<UInt8>) {
        self.peers = peers
        self.key = key
        self.ownNames = ownNames
        self.routerIds = routerIds
    }

    public mutating func admit(_ bytes: [UInt8], from source: NodeAddress) -> Result<Advert, DropReason> {
        let result = check(bytes, from: source)
        switch result {
        case .success(let advert):
            accepted &+= 1
        case .failure(let reason):
            drops[reason, default: 0] &+= 1
        }
        return result
    }

    private mutating func check(_ bytes: [UInt8], from source: NodeAddress) -> Result<Advert, DropReason> {
        guard peers.contains(source) else { return .failure(.unknownPeer) }
        let advert: Advert
        switch AdvertCodec.decode(bytes, key: key) {
        case .failure(let reason): return .failure(reason)
        case .success(let a): advert = a
        }
        guard !ownNames.contains(advert.body.nodeName) else { return .failure(.ownAdvert) }
        guard routerIds.contains(advert.body.routerId) else { return .failure(.unknownGroup) }
        guard replayGuards[advert.body.routerId, default: ReplayGuard()].admit(advert) else { return .failure(.replay) }
        return .success(advert)
    }

    public func count(_ counter: DropCounter) -> UInt64 {
        drops.reduce(0) { $0 + ($1.key.counter == counter ? $1.value : 0) }
    }
}
