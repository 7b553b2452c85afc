import ElectionProtocol

/// Everything a received datagram goes through before the elections see it, in order: source
/// among the configured peers, decoding and authentication, the advert's address against the
/// source's, own address, groups, replay (epoch challenge and sequence). Pure: no socket and no
/// clock; every refusal is a named `DropReason`, counted here.
public struct AdvertIntake: Sendable {
    public private(set) var peers: Set<NodeAddress>
    public let key: AuthKey
    public let ownAddress: NodeAddress
    public private(set) var routerIds: Set<UInt8>
    public private(set) var replay: ReplayGuard
    public private(set) var drops: [DropReason: UInt64] = [:]
    public private(set) var accepted: UInt64 = 0

    public init(peers: Set<NodeAddress>, key: AuthKey, ownAddress: NodeAddress, routerIds: Set<UInt8>, nonceSeed: UInt64) {
        self.peers = peers
        self.key = key
        self.ownAddress = ownAddress
        self.routerIds = routerIds
        replay = ReplayGuard(seed: nonceSeed)
    }

    /// A reload: the configured peers and groups from now on.
    mutating func reconfigure(peers: Set<NodeAddress>, routerIds: Set<UInt8>) {
        self.peers = peers
        self.routerIds = routerIds
    }

    /// The datagram, and whether it opened a new epoch of its sender (a restart); or the reason
    /// it was refused.
    public mutating func admit(_ bytes: [UInt8], from source: NodeAddress) -> Result<(Datagram, newEpoch: Bool), DropReason> {
        let result = check(bytes, from: source)
        switch result {
        case .success:
            accepted &+= 1
        case .failure(let reason):
            drops[reason, default: 0] &+= 1
        }
        return result
    }

    private mutating func check(_ bytes: [UInt8], from source: NodeAddress) -> Result<(Datagram, newEpoch: Bool), DropReason> {
        guard peers.contains(source) else { return .failure(.unknownPeer) }
        let d: Datagram
        switch AdvertCodec.decode(bytes, key: key) {
        case .failure(let reason): return .failure(reason)
        case .success(let decoded): d = decoded
        }
        guard d.nodeAddress == source else { return .failure(.addressMismatch) }
        guard d.nodeAddress != ownAddress else { return .failure(.ownAdvert) }
        guard d.groups.contains(where: { routerIds.contains($0.routerId) }) else { return .failure(.unknownGroup) }
        switch replay.admit(d, from: source) {
        case .accepted: return .success((d, false))
        case .newEpoch: return .success((d, true))
        case .replay: return .failure(.replay)
        case .unverified: return .failure(.unverifiedEpoch)
        }
    }

    /// The challenge for `peer` and the echo of its own, for the next datagram to it.
    mutating func exchange(for peer: NodeAddress) -> (challenge: UInt64, echo: UInt64) {
        replay.exchange(for: peer)
    }

    public func count(_ counter: DropCounter) -> UInt64 {
        drops.reduce(0) { $0 + ($1.key.counter == counter ? $1.value : 0) }
    }
}
