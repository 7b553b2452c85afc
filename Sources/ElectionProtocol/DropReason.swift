/// Why a received datagram was not handed to the election. Every reason is counted and
/// visible in `vipctl status` (`drops`) and in `/metrics` (`vip_agent_drops_total{reason=…}`).
public enum DropReason: String, Error, CaseIterable, Hashable, Sendable {
    /// Shorter than the fixed advert layout.
    case truncated
    /// Longer than the fixed advert layout.
    case oversized
    /// Does not start with the protocol's magic: not ours.
    case badMagic = "bad_magic"
    /// Ours, but a protocol version this agent does not speak.
    case badVersion = "bad_version"
    /// Protocol version 1: the peer runs an older vip-agent (before the v2 wire format).
    case oldVersion = "old_version"
    /// The HMAC does not verify with our key: forged, corrupted, or a peer with another key.
    case authFailure = "auth_failure"
    /// Authenticated, but a field is out of range (family, name, interval, reserved bytes).
    case malformed
    /// Not newer than the last advert accepted from that sender's epoch (replayed or reordered).
    case replay
    /// From an epoch of the sender not yet proven fresh: its challenge is not answered yet. A
    /// restart shows one or two (the first datagrams of the new epoch); a recording played back
    /// shows them for as long as it plays.
    case unverifiedEpoch = "unverified_epoch"
    /// The advert's node address is not the datagram's source address.
    case addressMismatch = "address_mismatch"
    /// From a source address that is not one of `cluster.peers`.
    case unknownPeer = "unknown_peer"
    /// For a routerId this node has no group for.
    case unknownGroup = "unknown_group"
    /// Carries this node's own address: a loop or a misconfigured peer list.
    case ownAdvert = "own_advert"

    /// The contract's coarse counter this reason adds to, if any.
    public var counter: DropCounter? {
        switch self {
        case .authFailure: return .authFailures
        case .replay: return .replays
        case .truncated, .oversized, .badMagic, .badVersion, .oldVersion, .malformed, .addressMismatch: return .malformed
        case .unknownPeer, .unknownGroup, .ownAdvert, .unverifiedEpoch: return nil
        }
    }
}

public enum DropCounter: Sendable {
    case authFailures, malformed, replays
}
