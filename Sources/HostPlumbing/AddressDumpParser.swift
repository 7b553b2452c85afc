import BasicTypes

/// Pure parsing of RTM_GETADDR dump replies: a buffer of netlink messages in, address records
/// out. Never traps on a short or malformed buffer: that is a `malformed` error.
enum AddressDumpParser {
    enum Outcome: Equatable {
        /// More messages follow in the next datagram.
        case more
        /// NLMSG_DONE was seen.
        case done
    }

    enum Failure: Error, Equatable {
        case malformed(String)
        /// NLMSG_ERROR with this (positive) errno.
        case kernel(Int32)
    }

    static let done: UInt16 = 3          // NLMSG_DONE
    static let error: UInt16 = 2         // NLMSG_ERROR
    static let newAddress: UInt16 = 20   // RTM_NEWADDR
    static let headerSize = 16           // struct nlmsghdr
    static let ifaddrmsgSize = 8         // struct ifaddrmsg

    // Attribute types (linux/if_addr.h).
    static let ifaAddress: UInt16 = 1, ifaLocal: UInt16 = 2, ifaLabel: UInt16 = 3
    static let ifaFlags: UInt16 = 8, ifaProto: UInt16 = 11

    static func parse(_ buffer: [UInt8], into records: inout [AddressRecord]) throws(Failure) -> Outcome {
        var offset = 0
        while buffer.count - offset >= headerSize {
            let length = Int(u32(buffer, offset))
            let type = u16(buffer, offset + 4)
            guard length >= headerSize, length <= buffer.count - offset else {
                throw .malformed("message length \(length) at offset \(offset) of \(buffer.count)")
            }
            let body = (offset + headerSize)..<(offset + length)
            switch type {
            case done:
                return .done
            case error:
                guard body.count >= 4 else { throw .malformed("short NLMSG_ERROR") }
                let code = Int32(bitPattern: u32(buffer, body.lowerBound))
                if code != 0 { throw .kernel(-code) }
            case newAddress:
                if let record = try address(buffer, body) { records.append(record) }
            default:
                break
            }
            offset += (length + 3) & ~3
        }
        guard offset >= buffer.count else { throw .malformed("\(buffer.count - offset) trailing bytes") }
        return .more
    }

    /// One RTM_NEWADDR body: struct ifaddrmsg, then attributes. nil for families other than
    /// IPv4 and IPv6, or an address of the wrong length.
    private static func address(_ b: [UInt8], _ body: Range<Int>) throws(Failure) -> AddressRecord? {
        guard body.count >= ifaddrmsgSize else { throw .malformed("short ifaddrmsg") }
        let family = b[body.lowerBound]
        let prefixLength = b[body.lowerBound + 1]
        var flags = UInt32(b[body.lowerBound + 2])
        let index = Int32(bitPattern: u32(b, body.lowerBound + 4))
        var local: [UInt8]?, peer: [UInt8]?, label: String?, proto: UInt8?
        var offset = body.lowerBound + ifaddrmsgSize
        while body.upperBound - offset >= 4 {
            let length = Int(u16(b, offset))
            let type = u16(b, offset + 2) & 0x3FFF  // without NLA_F_NESTED / NLA_F_NET_BYTEORDER
            guard length >= 4, length <= body.upperBound - offset else {
                throw .malformed("attribute length \(length) in an address message")
            }
            let value = Array(b[(offset + 4)..<(offset + length)])
            switch type {
            case ifaAddress: peer = value
            case ifaLocal: local = value
            case ifaLabel: label = String(decoding: value.prefix { $0 != 0 }, as: UTF8.self)
            case ifaFlags where value.count >= 4: flags = u32(value, 0)
            case ifaProto where value.count >= 1: proto = value[0]
            default: break
            }
            offset += (length + 3) & ~3
        }
        guard family == 2 || family == 10,
              let bytes = local ?? peer, bytes.count == (family == 2 ? 4 : 16),
              let address = IPAddress(bytes: bytes) else { return nil }
        return AddressRecord(interfaceIndex: index, address: address, prefixLength: prefixLength,
                             flags: flags, label: label, proto: proto)
    }

    /// Host byte order, as the kernel writes netlink integers. Callers check the bounds.
    private static func u32(_ b: [UInt8], _ at: Int) -> UInt32 {
        b.withUnsafeBytes { $0.loadUnaligned(fromByteOffset: at, as: UInt32.self) }
    }

    private static func u16(_ b: [UInt8], _ at: Int) -> UInt16 {
        b.withUnsafeBytes { $0.loadUnaligned(fromByteOffset: at, as: UInt16.self) }
    }
}
