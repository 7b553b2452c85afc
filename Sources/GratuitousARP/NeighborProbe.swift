import CLibnet
import Foundation

/// Duplicate address detection for IPv6 VIPs (RFC 4862 §5.4), the IPv6 twin of `ARPProbe`'s
/// RFC 5227 probes: neighbour solicitations from the unspecified address to each address's
/// solicited-node group; a host holding an address answers with an advertisement (to ff02::1),
/// and a host probing for it at the same time is seen by its own solicitation.
///
/// Frames are injected with libnet and read from an AF_PACKET socket bound to the interface for
/// IPv6, filtered in the kernel to NS and NA. Opened in the network namespace of the creating thread.
// @unchecked Sendable: the libnet handle and the packet socket are used only under `lock`.
public final class NeighborProbe: @unchecked Sendable {
    public let interface: String
    private let link: LibnetLink
    private let socket: PacketSocket
    private let lock = NSLock()
    /// The solicited-node MACs the socket has made the interface accept.
    private var joined: Set<[UInt8]> = []

    public init(interface: String) throws {
        link = try LibnetLink(interface: interface)
        socket = try PacketSocket(interface: interface, etherType: NDPFrame.etherType)
        self.interface = interface
        try socket.attachNDPFilter()
    }

    /// Probes every address of `addresses` at once and listens `window` for the claims: the
    /// MACs that advertised each address or probed for it themselves (not an agent's probe).
    /// Addresses nobody claimed are absent.
    public func claimants(of addresses: [[UInt8]], window: Duration) throws -> [[UInt8]: [[UInt8]]] {
        let deadline = ContinuousClock.now.advanced(by: window)
        try sendClaimProbes(for: addresses)
        PacketSocket.sleep(until: deadline)
        return try collectClaims(of: addresses)
    }

    /// The first half of `claimants(of:window:)`, for a caller that waits the window without
    /// blocking: joins the solicited-node groups, forgets the frames queued so far and sends one
    /// duplicate address detection probe per address.
    public func sendClaimProbes(for addresses: [[UInt8]]) throws {
        try validate(addresses)
        lock.lock(); defer { lock.unlock() }
        for address in addresses {
            let group = NDPFrame.multicastMAC(of: NDPFrame.solicitedNodeGroup(of: address))
            if !joined.contains(group) {
                try socket.addMembership(group)
                joined.insert(group)
            }
        }
        socket.drain()
        for address in addresses {
            try send(for: address, operation: "sending neighbour solicitation probe") { mac in
                NDPFrame.probe(for: address, mac: mac, nonce: NeighborClaim.agentNonce())
            }
        }
    }

    /// The second half (also of `owners`): the claims of `addresses` queued since the probes
    /// went out; never waits.
    public func collectClaims(of addresses: [[UInt8]]) throws -> [[UInt8]: [[UInt8]]] {
        lock.lock(); defer { lock.unlock() }
        return try queuedClaims(of: addresses)
    }

    /// Asks the hosts at `addresses` (the peers' own addresses) for their MACs: an ordinary
    /// solicitation from `source` (an address of this host on the interface, answered by
    /// unicast) or, without one, a probe from the unspecified address (answered to ff02::1).
    public func owners(of addresses: [[UInt8]], source: [UInt8]?, window: Duration) throws -> [[UInt8]: [[UInt8]]] {
        let deadline = ContinuousClock.now.advanced(by: window)
        try sendOwnerQueries(for: addresses, source: source)
        PacketSocket.sleep(until: deadline)
        return try collectClaims(of: addresses)
    }

    /// The first half of `owners(of:source:window:)`; `collectClaims` is the second.
    public func sendOwnerQueries(for addresses: [[UInt8]], source: [UInt8]?) throws {
        try validate(addresses)
        lock.lock(); defer { lock.unlock() }
        socket.drain()
        for address in addresses {
            try send(for: address, operation: "sending neighbour solicitation") { mac in
                NDPFrame.probe(for: address, mac: mac, nonce: source == nil ? NeighborClaim.agentNonce() : nil, source: source)
            }
        }
    }

    public func close() {
        lock.lock(); defer { lock.unlock() }
        link.close()
        socket.close()
    }

    private func validate(_ addresses: [[UInt8]]) throws {
        for address in addresses where address.count != 16 {
            throw AnnounceError(operation: "probing neighbours", interface: interface, address: addressText(address),
                                libraryError: "not an IPv6 address (\(address.count) bytes)")
        }
    }

    /// Injects the frame `build` makes with the interface's current MAC (under `lock`).
    private func send(for address: [UInt8], operation: String, _ build: ([UInt8]) -> NDPFrame) throws {
        let label = addressText(address)
        let mac = try link.currentMAC(for: operation, address: label)
        let frame = build(mac).bytes
        let payload = Array(frame[14...])
        let destination = Array(frame[0..<6])
        try link.send(operation: operation, address: label) { l in
            payload.withUnsafeBufferPointer { p in
                libnet_build_ethernet(destination, mac, NDPFrame.etherType, p.baseAddress, UInt32(p.count), l, 0) != -1
            }
        }
    }

    /// Every claim of `addresses` queued now (under `lock`), distinct MACs in arrival order.
    private func queuedClaims(of addresses: [[UInt8]]) throws -> [[UInt8]: [[UInt8]]] {
        let wanted = Set(addresses)
        var found: [[UInt8]: [[UInt8]]] = [:]
        try socket.readQueued { bytes in
            guard let frame = NDPFrame(ethernetFrame: bytes),
                  let (address, mac) = NeighborClaim.claim(in: frame, of: wanted),
                  found[address]?.contains(mac) != true else { return }
            found[address, default: []].append(mac)
        }
        return found
    }
}
