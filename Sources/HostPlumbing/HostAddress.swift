#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// An IPv4 or IPv6 address as the host sees it: 4 or 16 bytes in network order.
/// Pure value type; parsing and formatting use inet_pton / inet_ntop.
public struct HostAddress: Hashable, Sendable, CustomStringConvertible {
    public let bytes: [UInt8]

    /// Parses canonical IPv4 ("10.77.0.100") or IPv6 ("fd00::64") text.
    /// Returns nil for anything else (prefixes, zones, host names, garbage).
    public init?(_ text: String) {
        // inet_pton reads a C string: an embedded NUL would hide whatever follows it.
        guard !text.utf8.contains(0), text.utf8.count <= Int(INET6_ADDRSTRLEN) else { return nil }
        var v4 = in_addr()
        if inet_pton(AF_INET, text, &v4) == 1 {
            self.bytes = withUnsafeBytes(of: &v4) { Array($0) }
            return
        }
        var v6 = in6_addr()
        if inet_pton(AF_INET6, text, &v6) == 1 {
            self.bytes = withUnsafeBytes(of: &v6) { Array($0) }
            return
        }
        return nil
    }

    /// Accepts exactly 4 (IPv4) or 16 (IPv6) bytes.
    public init?(bytes: [UInt8]) {
        guard bytes.count == 4 || bytes.count == 16 else { return nil }
        self.bytes = bytes
    }

    public var isIPv4: Bool { bytes.count == 4 }

    /// Number of bits in an address of this family (32 or 128).
    public var bitWidth: UInt8 { isIPv4 ? 32 : 128 }

    /// The AF_INET / AF_INET6 constant of this address.
    public var family: Int32 { isIPv4 ? Int32(AF_INET) : Int32(AF_INET6) }

    /// Canonical text (inet_ntop).
    public var description: String {
        var buffer = [CChar](repeating: 0, count: Int(INET6_ADDRSTRLEN) + 1)
        let ok = bytes.withUnsafeBytes { raw in
            inet_ntop(family, raw.baseAddress, &buffer, socklen_t(buffer.count)) != nil
        }
        guard ok else { return bytes.map { String($0) }.joined(separator: ".") }
        return String(cString: buffer)
    }

    /// This address with all bits after `prefixLength` cleared (prefix clamped to the family's width).
    public func masked(to prefixLength: UInt8) -> HostAddress {
        let prefix = Int(min(prefixLength, bitWidth))
        var out = bytes
        for i in 0..<out.count {
            let bitsBefore = i * 8
            if bitsBefore >= prefix {
                out[i] = 0
            } else if prefix - bitsBefore < 8 {
                let keep = prefix - bitsBefore
                out[i] &= UInt8(truncatingIfNeeded: 0xFF << (8 - keep))
            }
        }
        return HostAddress(uncheckedBytes: out)
    }

    /// True when `other` has the same family and lies in self/prefixLength.
    public func subnetContains(_ other: HostAddress, prefixLength: UInt8) -> Bool {
        guard other.bytes.count == bytes.count else { return false }
        return other.masked(to: prefixLength) == masked(to: prefixLength)
    }

    private init(uncheckedBytes: [UInt8]) { self.bytes = uncheckedBytes }
}
