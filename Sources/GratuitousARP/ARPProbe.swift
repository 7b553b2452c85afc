import Foundation

/// Asks "who has <target>?" on one interface and waits for the answer: the `arp` health check
/// (does the upstream gateway still answer on this interface?).
///
/// The request is injected with libnet; the reply is read from an AF_PACKET socket bound to the
/// interface for ETH_P_ARP. Opened in the network namespace of the creating thread.
// @unchecked Sendable: the libnet handle and the packet socket are used only under `lock`.
public final class ARPProbe: @unchecked Sendable {
    public let interface: String
    private let link: LibnetLink
    private let socket: PacketSocket
    private let lock = NSLock()

    public init(interface: String) throws {
        link = try LibnetLink(interface: interface)
        socket = try PacketSocket(interface: interface, etherType: PacketSocket.etherTypeARP)
        self.interface = interface
        try socket.attachARPReplyFilter()  // the probes and the check read replies only
    }

    /// Sends one ARP request for `target` (sender IP = the interface's first IPv4 address, or
    /// 0.0.0.0 probe-style if it has none) and returns the MAC of the first reply from `target`,
    /// or nil when none arrives within `timeout`. Unrelated frames are ignored.
    public func probe(target: [UInt8], timeout: Duration) throws -> [UInt8]? {
        let label = addressText(target)
        guard target.count == 4 else {
            throw AnnounceError(operation: "probing ARP", interface: interface, address: label,
                                libraryError: "not an IPv4 address (\(target.count) bytes)")
        }
        lock.lock(); defer { lock.unlock() }
        let deadline = ContinuousClock.now.advanced(by: timeout)
        let mac = try link.currentMAC(for: "sending ARP request", address: label)
        let sender = link.firstIPv4Address() ?? [0, 0, 0, 0]
        socket.drain()
        try link.send(operation: "sending ARP request", address: label) { l in
            LibnetLink.buildARP(l, destination: LibnetLink.broadcastMAC, operation: ARPFrame.request,
                                senderMAC: mac, senderIP: sender, targetMAC: [0, 0, 0, 0, 0, 0], targetIP: target)
        }
        return try socket.receive(until: deadline) { bytes in
            guard let frame = ARPFrame(ethernetFrame: bytes), frame.isReply(from: target) else { return nil }
            return frame.senderMAC
        }
    }

    /// An RFC 5227 probe for `address`: one "who has" with sender IP 0.0.0.0 (so no neighbour
    /// learns anything from it), then every reply from `address` within `window`. Returns the
    /// distinct sender MACs in the order they answered: the hosts that claim the address.
    public func claimants(of address: [UInt8], window: Duration) throws -> [[UInt8]] {
        try claimants(of: [address], window: window)[address] ?? []
    }

    /// Probes every address of `addresses` at once and listens `window` for all the replies:
    /// the MACs that answered for each address (a host whose interfaces share the segment may
    /// answer from several). Addresses nobody answered for are absent.
    public func claimants(of addresses: [[UInt8]], window: Duration) throws -> [[UInt8]: [[UInt8]]] {
        let deadline = ContinuousClock.now.advanced(by: window)
        try sendClaimProbes(for: addresses)
        PacketSocket.sleep(until: deadline)
        return try collectClaims(of: addresses)
    }

    /// The first half of `claimants(of:window:)`, for a caller that waits the window without
    /// blocking: forgets the frames queued so far and sends one RFC 5227 probe per address.
    public func sendClaimProbes(for addresses: [[UInt8]]) throws {
        for address in addresses where address.count != 4 {
            throw AnnounceError(operation: "probing ARP", interface: interface, address: addressText(address),
                                libraryError: "not an IPv4 address (\(address.count) bytes)")
        }
        lock.lock(); defer { lock.unlock() }
        socket.drain()
        for address in addresses {
            let label = addressText(address)
            let mac = try link.currentMAC(for: "sending ARP probe", address: label)
            try link.send(operation: "sending ARP probe", address: label) { l in
                LibnetLink.buildARP(l, destination: LibnetLink.broadcastMAC, operation: ARPFrame.request,
                                    senderMAC: mac, senderIP: [0, 0, 0, 0], targetMAC: [0, 0, 0, 0, 0, 0], targetIP: address)
            }
        }
    }

    /// The second half: the replies for `addresses` queued since `sendClaimProbes`; never waits.
    public func collectClaims(of addresses: [[UInt8]]) throws -> [[UInt8]: [[UInt8]]] {
        lock.lock(); defer { lock.unlock() }
        var found: [[UInt8]: [[UInt8]]] = [:]
        try socket.readQueued { bytes in
            guard let frame = ARPFrame(ethernetFrame: bytes), frame.operation == ARPFrame.reply,
                  addresses.contains(frame.senderIP),
                  found[frame.senderIP]?.contains(frame.senderMAC) != true else { return }
            found[frame.senderIP, default: []].append(frame.senderMAC)
        }
        return found
    }

    public func close() {
        lock.lock(); defer { lock.unlock() }
        link.close()
        socket.close()
    }
}
