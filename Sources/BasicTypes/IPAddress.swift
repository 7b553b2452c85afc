#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// An IPv4 or IPv6 address, as its network-order bytes (4 or 16 of them): the one address type
/// of the configuration, the host model and netlink. (The election's `NodeAddress` is its
/// 16-byte wire form with a total order, converted at the edge.)
public struct IPAddress: Hashable, Sendable, CustomStringConvertible, Comparable {
    public let bytes: [UInt8]

    public var isIPv4: Bool { bytes.count == 4 }
    public var isIPv6: Bool { bytes.count == 16 }
    /// Number of bits in an address of this family (32 or 128).
    public var bitWidth: UInt8 { isIPv4 ? 32 : 128 }
    /// The AF_INET / AF_INET6 constant of this address.
    public var family: Int32 { isIPv4 ? Int32(AF_INET) : Int32(AF_INET6) }

    /// Parses dotted-quad IPv4 or RFC 4291 IPv6 text (no zone, no prefix) with `inet_pton`.
    /// An embedded NUL (which would hide what follows from inet_pton) or overlong text is refused.
    public init?(_ text: String) {
        guard !text.isEmpty, !text.utf8.contains(0), text.utf8.count <= Int(INET6_ADDRSTRLEN) else { return nil }
        if let v4 = IPAddress.pton(AF_INET, text, count: 4) {
            bytes = v4
        } else if let v6 = IPAddress.pton(AF_INET6, text, count: 16) {
            bytes = v6
        } else {
            return nil
        }
    }

    /// Wraps raw network-order bytes; `nil` unless there are exactly 4 or 16.
    public init?(bytes: [UInt8]) {
        guard bytes.count == 4 || bytes.count == 16 else { return nil }
        self.bytes = bytes
    }

    private init(uncheckedBytes: [UInt8]) { self.bytes = uncheckedBytes }

    /// Canonical text, as `inet_ntop` writes it (`10.0.0.1`, `fd00::1`).
    public var description: String {
        var buffer = [CChar](repeating: 0, count: Int(INET6_ADDRSTRLEN) + 1)
        let ok = bytes.withUnsafeBytes { raw in
            inet_ntop(family, raw.baseAddress, &buffer, socklen_t(buffer.count)) != nil
        }
        guard ok else { return bytes.map(String.init).joined(separator: ".") }
        return String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    /// This address with all bits after `prefixLength` cleared (prefix clamped to the family's width).
    public func masked(to prefixLength: UInt8) -> IPAddress {
        let prefix = Int(min(prefixLength, bitWidth))
        var out = bytes
        for i in 0..<out.count {
            let bitsBefore = i * 8
            if bitsBefore >= prefix {
                out[i] = 0
            } else if prefix - bitsBefore < 8 {
                out[i] &= UInt8(truncatingIfNeeded: 0xFF << (8 - (prefix - bitsBefore)))
            }
        }
        return IPAddress(uncheckedBytes: out)
    }

    /// True when `other` has the same family and lies in self/prefixLength.
    public func subnetContains(_ other: IPAddress, prefixLength: UInt8) -> Bool {
        other.bytes.count == bytes.count && other.masked(to: prefixLength) == masked(to: prefixLength)
    }

    /// True when the first `prefixLength` bits equal those of `network` (same family only).
    public func isInSubnet(of network: IPAddress, prefixLength: UInt8) -> Bool {
        network.subnetContains(self, prefixLength: prefixLength)
    }

    /// IPv4 sorts before IPv6; within a family, numeric (byte-wise) order.
    public static func < (lhs: IPAddress, rhs: IPAddress) -> Bool {
        if lhs.bytes.count != rhs.bytes.count { return lhs.bytes.count < rhs.bytes.count }
        return lhs.bytes.lexicographicallyPrecedes(rhs.bytes)
    }

    private static func pton(_ family: Int32, _ text: String, count: Int) -> [UInt8]? {
        var out = [UInt8](repeating: 0, count: count)
        let result = out.withUnsafeMutableBytes { raw in inet_pton(family, text, raw.baseAddress) }
        return result == 1 ? out : nil
    }
}
