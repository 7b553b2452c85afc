/// An Ethernet/IPv4 ARP frame: pure parsing and building, no I/O.
public struct ARPFrame: Equatable, Sendable {
    public static let request: UInt16 = 1
    public static let reply: UInt16 = 2
    public static let etherType: UInt16 = 0x0806
    /// Ethernet header (14) + ARP for Ethernet/IPv4 (28).
    public static let minimumLength = 42

    public var destinationMAC: [UInt8]
    public var sourceMAC: [UInt8]
    public var operation: UInt16
    public var senderMAC: [UInt8]
    public var senderIP: [UInt8]
    public var targetMAC: [UInt8]
    public var targetIP: [UInt8]

    public init(destinationMAC: [UInt8], sourceMAC: [UInt8], operation: UInt16,
                senderMAC: [UInt8], senderIP: [UInt8], targetMAC: [UInt8], targetIP: [UInt8]) {
        self.destinationMAC = destinationMAC
        self.sourceMAC = sourceMAC
        self.operation = operation
        self.senderMAC = senderMAC
        self.senderIP = senderIP
        self.targetMAC = targetMAC
        self.targetIP = targetIP
    }

    /// Parses an Ethernet frame; nil unless it is an Ethernet/IPv4 ARP frame.
    public init?(ethernetFrame f: [UInt8]) {
        guard f.count >= Self.minimumLength,
              UInt16(f[12]) << 8 | UInt16(f[13]) == Self.etherType,
              f[14] == 0, f[15] == 1,            // hardware type Ethernet
              f[16] == 0x08, f[17] == 0x00,      // protocol type IPv4
              f[18] == 6, f[19] == 4 else { return nil }
        destinationMAC = Array(f[0..<6])
        sourceMAC = Array(f[6..<12])
        operation = UInt16(f[20]) << 8 | UInt16(f[21])
        senderMAC = Array(f[22..<28])
        senderIP = Array(f[28..<32])
        targetMAC = Array(f[32..<38])
        targetIP = Array(f[38..<42])
    }

    /// The frame's bytes (42, no padding).
    public var bytes: [UInt8] {
        destinationMAC + sourceMAC + [0x08, 0x06, 0, 1, 0x08, 0x00, 6, 4,
                                      UInt8(operation >> 8), UInt8(operation & 0xFF)]
            + senderMAC + senderIP + targetMAC + targetIP
    }

    /// True for a gratuitous announcement of `address` (sender IP = target IP = address).
    public func isGratuitous(for address: [UInt8]) -> Bool {
        senderIP == address && targetIP == address
    }

    /// True for an ARP reply sent by the owner of `address`.
    public func isReply(from address: [UInt8]) -> Bool {
        operation == Self.reply && senderIP == address
    }
}
