import BasicTypes
import ElectionProtocol
import NIOCore
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// Conversions between socket addresses and the election's addresses (the runtime is where
/// they meet; `NodeAddress(IPAddress)` lives with the node core).
extension NodeAddress {
    /// The sender of a datagram as `recvfrom` gives it (an IPv4 sender on a dual-stack socket
    /// comes IPv4-mapped, the form `NodeAddress` keeps IPv4 in); nil for another family.
    init?(_ storage: sockaddr_storage) {
        var storage = storage
        switch CInt(storage.ss_family) {
        case AF_INET:
            let v4 = withUnsafeBytes(of: &storage) { $0.load(as: sockaddr_in.self) }
            self.init(high: 0, low: 0x0000_FFFF_0000_0000 | UInt64(UInt32(bigEndian: v4.sin_addr.s_addr)))
        case AF_INET6:
            let v6 = withUnsafeBytes(of: &storage) { $0.load(as: sockaddr_in6.self) }
            let (high, low) = withUnsafeBytes(of: v6.sin6_addr) {
                (UInt64(bigEndian: $0.loadUnaligned(as: UInt64.self)), UInt64(bigEndian: $0.loadUnaligned(fromByteOffset: 8, as: UInt64.self)))
            }
            self.init(high: high, low: low)
        default:
            return nil
        }
    }
}

extension SocketAddress {
    /// `ip`:`port`; IPv4 as IPv4-mapped IPv6 when the socket is IPv6 (dual-stack).
    static func peer(_ ip: IPAddress, port: UInt16, mapToIPv6: Bool) throws -> SocketAddress {
        let text = ip.isIPv4 && mapToIPv6 ? "::ffff:\(ip)" : ip.description
        return try SocketAddress(ipAddress: text, port: Int(port))
    }
}
