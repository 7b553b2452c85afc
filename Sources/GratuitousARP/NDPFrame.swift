/// An Ethernet/IPv6 neighbour solicitation or advertisement (RFC 4861 §4.3, §4.4): pure parsing
/// and building, no I/O. Only frames without extension headers, hop limit 255 and a correct
/// ICMPv6 checksum parse (what a receiver must check, RFC 4861 §7.1).
public struct NDPFrame: Equatable, Sendable {
    public static let solicitation: UInt8 = 135
    public static let advertisement: UInt8 = 136
    public static let etherType: UInt16 = 0x86DD
    static let icmpv6: UInt8 = 58
    static let hopLimit: UInt8 = 255
    /// Ethernet (14) + IPv6 (40) + ICMPv6 NS/NA without options (24).
    public static let minimumLength = 78
    static let icmpOffset = 54
    // Option types (RFC 4861 §4.6, RFC 7527 §4).
    static let sourceLinkLayerOption: UInt8 = 1
    static let targetLinkLayerOption: UInt8 = 2
    static let nonceOption: UInt8 = 14
    /// NA flags (first byte after the checksum).
    public static let overrideFlag: UInt8 = 0x20
    public static let solicitedFlag: UInt8 = 0x40
    public static let unspecified = [UInt8](repeating: 0, count: 16)

    public var destinationMAC: [UInt8]
    public var sourceMAC: [UInt8]
    public var sourceIP: [UInt8]
    public var destinationIP: [UInt8]
    /// `solicitation` or `advertisement`.
    public var type: UInt8
    /// NA: router/solicited/override in the top bits; NS: 0.
    public var flags: UInt8
    public var target: [UInt8]
    public var sourceLinkLayer: [UInt8]?
    public var targetLinkLayer: [UInt8]?
    /// RFC 7527 nonce (6 bytes here), carried by duplicate address detection probes.
    public var nonce: [UInt8]?

    public init(destinationMAC: [UInt8], sourceMAC: [UInt8], sourceIP: [UInt8], destinationIP: [UInt8],
                type: UInt8, flags: UInt8 = 0, target: [UInt8], sourceLinkLayer: [UInt8]? = nil,
                targetLinkLayer: [UInt8]? = nil, nonce: [UInt8]? = nil) {
        self.destinationMAC = destinationMAC
        self.sourceMAC = sourceMAC
        self.sourceIP = sourceIP
        self.destinationIP = destinationIP
        self.type = type
        self.flags = flags
        self.target = target
        self.sourceLinkLayer = sourceLinkLayer
        self.targetLinkLayer = targetLinkLayer
        self.nonce = nonce
    }

    /// A probe for `target` (RFC 4862 §5.4.2): from the unspecified address to the target's
    /// solicited-node group, no source link-layer option, `nonce` (RFC 7527) so that its sender
    /// can be recognised. `source`, when given (an address of the sender's), makes it an
    /// ordinary solicitation instead, with the source link-layer option (answered by unicast).
    public static func probe(for target: [UInt8], mac: [UInt8], nonce: [UInt8]?, source: [UInt8]? = nil) -> NDPFrame {
        let group = solicitedNodeGroup(of: target)
        return NDPFrame(destinationMAC: multicastMAC(of: group), sourceMAC: mac, sourceIP: source ?? unspecified,
                        destinationIP: group, type: solicitation, target: target,
                        sourceLinkLayer: source == nil ? nil : mac, nonce: nonce)
    }

    /// ff02::1:ffXX:XXXX, the low 24 bits of `address`.
    public static func solicitedNodeGroup(of address: [UInt8]) -> [UInt8] {
        [0xFF, 0x02, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x01, 0xFF] + address.suffix(3)
    }

    /// 33:33 and the low 32 bits of the IPv6 multicast group (RFC 2464 §7).
    public static func multicastMAC(of group: [UInt8]) -> [UInt8] {
        [0x33, 0x33] + group.suffix(4)
    }

    /// Parses an Ethernet frame (trailing padding ignored); nil unless it is a well-formed NS or NA.
    public init?(ethernetFrame f: [UInt8]) {
        guard f.count >= Self.minimumLength,
              UInt16(f[12]) << 8 | UInt16(f[13]) == Self.etherType,
              f[14] >> 4 == 6, f[20] == Self.icmpv6, f[21] == Self.hopLimit else { return nil }
        let payloadLength = Int(f[18]) << 8 | Int(f[19])
        let o = Self.icmpOffset
        guard payloadLength >= 24, o + payloadLength <= f.count,
              f[o] == Self.solicitation || f[o] == Self.advertisement, f[o + 1] == 0 else { return nil }
        let message = Array(f[o..<(o + payloadLength)])
        let source = Array(f[22..<38]), destination = Array(f[38..<54])
        guard Self.checksum(source: source, destination: destination, message: message) == 0 else { return nil }
        destinationMAC = Array(f[0..<6])
        sourceMAC = Array(f[6..<12])
        sourceIP = source
        destinationIP = destination
        type = message[0]
        flags = type == Self.advertisement ? message[4] & 0xE0 : 0
        target = Array(message[8..<24])
        var at = 24
        while at < message.count {
            guard at + 2 <= message.count else { return nil }
            let length = Int(message[at + 1]) * 8
            guard length > 0, at + length <= message.count else { return nil }  // RFC 4861 §4.6: length 0 is invalid
            let body = Array(message[(at + 2)..<(at + length)])
            switch message[at] {
            case Self.sourceLinkLayerOption where body.count >= 6: sourceLinkLayer = Array(body.prefix(6))
            case Self.targetLinkLayerOption where body.count >= 6: targetLinkLayer = Array(body.prefix(6))
            case Self.nonceOption: nonce = body
            default: break
            }
            at += length
        }
    }

    /// The frame's bytes, checksum computed.
    public var bytes: [UInt8] {
        var message: [UInt8] = [type, 0, 0, 0, flags, 0, 0, 0] + target
        if let sourceLinkLayer { message += [Self.sourceLinkLayerOption, 1] + sourceLinkLayer.prefix(6) }
        if let targetLinkLayer { message += [Self.targetLinkLayerOption, 1] + targetLinkLayer.prefix(6) }
        if let nonce {
            let length = (nonce.count + 2 + 7) / 8
            message += [Self.nonceOption, UInt8(length)] + nonce + [UInt8](repeating: 0, count: length * 8 - 2 - nonce.count)
        }
        let sum = Self.checksum(source: sourceIP, destination: destinationIP, message: message)
        message[2] = UInt8(sum >> 8)
        message[3] = UInt8(sum & 0xFF)
        let ipv6: [UInt8] = [0x60, 0, 0, 0, UInt8(message.count >> 8), UInt8(message.count & 0xFF), Self.icmpv6, Self.hopLimit]
        return destinationMAC + sourceMAC + [0x86, 0xDD] + ipv6 + sourceIP + destinationIP + message
    }

    /// The ICMPv6 checksum over the pseudo-header and `message` (RFC 4443 §2.3): 0 when
    /// `message` carries a correct one.
    static func checksum(source: [UInt8], destination: [UInt8], message: [UInt8]) -> UInt16 {
        var sum: UInt32 = 0
        func add(_ bytes: [UInt8]) {
            var i = 0
            while i + 1 < bytes.count {
                sum &+= UInt32(bytes[i]) << 8 | UInt32(bytes[i + 1])
                i += 2
            }
            if i < bytes.count { sum &+= UInt32(bytes[i]) << 8 }
        }
        add(source)
        add(destination)
        let length = UInt32(message.count)
        sum &+= length >> 16
        sum &+= length & 0xFFFF
        sum &+= UInt32(icmpv6)
        add(message)
        while sum >> 16 != 0 { sum = (sum & 0xFFFF) + (sum >> 16) }
        return ~UInt16(sum)
    }
}
