/// Which host an NS/NA frame shows claiming an IPv6 address, during a duplicate address
/// detection probe (RFC 4862 §5.4.3, §5.4.4). Pure.
public enum NeighborClaim {
    /// The first bytes of the nonce of every probe an agent sends: a probe carrying them is an
    /// agent's (a peer probing the same VIP), never a conflict. 3 bytes fixed, 3 random.
    public static let agentNoncePrefix: [UInt8] = [0x76, 0x69, 0x70]  // "vip"

    /// A fresh nonce for one agent probe.
    public static func agentNonce() -> [UInt8] {
        agentNoncePrefix + (0..<3).map { _ in UInt8.random(in: 0...255) }
    }

    /// The address of `addresses` that `frame` claims, and the claimant's MAC:
    /// - a neighbour advertisement for it (the holder answering, or defending it unasked): the
    ///   MAC of its target link-layer option, else the frame's source;
    /// - another host's probe for it (an NS from the unspecified address, not an agent's): it is
    ///   about to take the address, which is a conflict as well (RFC 4862 §5.4.3).
    /// nil for anything else (an ordinary solicitation asks, it does not claim).
    public static func claim(in frame: NDPFrame, of addresses: Set<[UInt8]>) -> (address: [UInt8], mac: [UInt8])? {
        guard addresses.contains(frame.target) else { return nil }
        switch frame.type {
        case NDPFrame.advertisement:
            return (frame.target, frame.targetLinkLayer ?? frame.sourceMAC)
        case NDPFrame.solicitation where frame.sourceIP == NDPFrame.unspecified:
            if let nonce = frame.nonce, nonce.starts(with: agentNoncePrefix) { return nil }
            return (frame.target, frame.sourceMAC)
        default:
            return nil
        }
    }
}
