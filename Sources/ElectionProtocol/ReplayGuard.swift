/// Refuses replayed datagrams without trusting any clock.
///
/// Each sender picks a random epoch at start and numbers its datagrams within it. A receiver
/// believes a sender's epoch only once the sender has echoed a fresh nonce (a *challenge*) that
/// the receiver chose in this life of its own: every datagram to a peer carries the challenge
/// for that peer and the echo of the challenge that peer sent last. Within a believed epoch the
/// sequence must grow. So:
/// - a peer restarted with any clock is believed as soon as it has heard one of our datagrams and
///   answered (one exchange: within an advert interval or two);
/// - a recording played back at any later time carries echoes of challenges that are no longer
///   current (a new challenge is drawn whenever an epoch is believed, and at every start), so
///   it is never believed, even after every receiver restarted.
///
/// Pure: the nonces come from the caller's generator.
public struct ReplayGuard: Sendable {
    public enum Verdict: Equatable, Sendable {
        /// A datagram of the sender's believed epoch, newer than the last.
        case accepted
        /// A new epoch of the sender, proven fresh by the echo: believed from now on.
        case newEpoch
        /// Not newer than the last datagram of the believed epoch.
        case replay
        /// An epoch not proven fresh yet.
        case unverified
    }

    private struct Sender {
        var epoch: UInt64?
        var sequence: UInt64 = 0
        /// The nonce this node asks the sender to echo.
        var challenge: UInt64
        /// The nonce the sender asks this node to echo (its latest, authenticated).
        var echo: UInt64 = 0
    }

    private var senders: [NodeAddress: Sender] = [:]
    private var nonces: NonceSource

    public init(seed: UInt64) { nonces = NonceSource(seed: seed) }

    /// Judges an authenticated datagram from `sender` and remembers what it must.
    public mutating func admit(_ d: Datagram, from sender: NodeAddress) -> Verdict {
        var s = state(of: sender)
        defer { senders[sender] = s }
        if let epoch = s.epoch, epoch == d.epoch {
            guard d.sequence > s.sequence else { return .replay }
            s.sequence = d.sequence
            if d.challenge != 0 { s.echo = d.challenge }
            return .accepted
        }
        // Another epoch: the sender may have restarted, so answer its challenge (answering a
        // recording's stale challenge costs nothing: an echo only proves our own freshness).
        if d.challenge != 0 { s.echo = d.challenge }
        guard d.echo != 0, d.echo == s.challenge else { return .unverified }
        s.epoch = d.epoch
        s.sequence = d.sequence
        s.challenge = nonces.next()  // a recording that answered this one can never count again
        return .newEpoch
    }

    /// What goes into the next datagram to `peer`: the challenge for it, and the echo of its own.
    public mutating func exchange(for peer: NodeAddress) -> (challenge: UInt64, echo: UInt64) {
        let s = state(of: peer)
        senders[peer] = s
        return (s.challenge, s.echo)
    }

    /// Whether `peer`'s current epoch is believed.
    public func isVerified(_ peer: NodeAddress) -> Bool { senders[peer]?.epoch != nil }

    private mutating func state(of peer: NodeAddress) -> Sender {
        senders[peer] ?? Sender(challenge: nonces.next())
    }
}

/// 64-bit nonces from a seed (SplitMix64; never 0). The runtime seeds it from the system's
/// random source; the simulation from its schedule's seed.
public struct NonceSource: Sendable {
    private var state: UInt64

    public init(seed: UInt64) { state = seed }

    public mutating func next() -> UInt64 {
        repeat {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            z ^= z >> 31
            if z != 0 { return z }
        } while true
    }
}
