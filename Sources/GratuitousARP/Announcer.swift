import CLibnet
import Foundation

/// Announces that this host now owns an address: gratuitous ARP (IPv4) or an unsolicited
/// neighbour advertisement (IPv6), injected at the link layer with libnet. Needs CAP_NET_RAW.
///
/// Opened in the network namespace of the creating thread. Calls are serialised.
// @unchecked Sendable: the libnet handle (a C pointer) is used only under `lock`.
public final class Announcer: @unchecked Sendable {
    public let interface: String
    /// The interface's MAC address now, used as the sender hardware address: read again for
    /// every announcement, so one sent after the MAC changed carries the new one.
    public var mac: [UInt8] {
        get throws {
            lock.lock(); defer { lock.unlock() }
            return try link.currentMAC()
        }
    }
    private let link: LibnetLink
    private let lock = NSLock()

    public init(interface: String) throws {
        link = try LibnetLink(interface: interface)
        self.interface = interface
    }

    /// Sends one gratuitous ARP request and one gratuitous ARP reply (broadcast, sender IP =
    /// target IP = `address`, sender MAC = the interface's MAC). Returns the frames sent (2).
    @discardableResult
    public func announceIPv4(_ address: [UInt8]) throws -> Int {
        let label = addressText(address)
        guard address.count == 4 else {
            throw AnnounceError(operation: "sending gratuitous ARP", interface: interface, address: label,
                                libraryError: "not an IPv4 address (\(address.count) bytes)")
        }
        lock.lock(); defer { lock.unlock() }
        let mac = try link.currentMAC(for: "sending gratuitous ARP", address: label)
        // Request: target MAC zero (RFC 5227 announcement).
        try link.send(operation: "sending gratuitous ARP request", address: label) { l in
            LibnetLink.buildARP(l, destination: LibnetLink.broadcastMAC, operation: ARPFrame.request,
                                senderMAC: mac, senderIP: address, targetMAC: [0, 0, 0, 0, 0, 0], targetIP: address)
        }
        // Reply: Linux counts a reply as gratuitous only when target MAC = sender MAC.
        try link.send(operation: "sending gratuitous ARP reply", address: label) { l in
            LibnetLink.buildARP(l, destination: LibnetLink.broadcastMAC, operation: ARPFrame.reply,
                                senderMAC: mac, senderIP: address, targetMAC: mac, targetIP: address)
        }
        return 2
    }

    /// Sends one unsolicited neighbour advertisement for `address` to ff02::1 (override flag set,
    /// target link-layer address option = the interface's MAC). Returns the frames sent (1).
    @discardableResult
    public func announceIPv6(_ address: [UInt8]) throws -> Int {
        let label = addressText(address)
        guard address.count == 16 else {
            throw AnnounceError(operation: "sending unsolicited neighbour advertisement", interface: interface,
                                address: label, libraryError: "not an IPv6 address (\(address.count) bytes)")
        }
        lock.lock(); defer { lock.unlock() }
        let mac = try link.currentMAC(for: "sending unsolicited neighbour advertisement", address: label)
        try link.send(operation: "sending unsolicited neighbour advertisement", address: label) { l in
            NeighborAdvertisement.build(l, target: address, mac: mac)
        }
        return 1
    }

    /// Releases the libnet context. Idempotent; later announcements throw.
    public func close() {
        lock.lock(); defer { lock.unlock() }
        link.close()
    }
}
