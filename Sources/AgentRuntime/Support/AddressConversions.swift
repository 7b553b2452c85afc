import BasicTypes
import ElectionProtocol
import NIOCore

/// Conversions between socket addresses and the election's addresses (the runtime is where
/// they meet; `NodeAddress(IPAddress)` lives with the node core).
extension NodeAddress {
    /// The sender of a datagram, IPv4-mapped IPv6 folded to IPv4.
    init?(_ socket: SocketAddress) {
        switch socket {
        case .v4(let a):
            var raw = a.address.sin_addr
            self.init(bytes: withUnsafeBytes(of: &raw) { Array($0) })
        case .v6(let a):
            var raw = a.address.sin6_addr
            self.init(bytes: withUnsafeBytes(of: &raw) { Array($0) })
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
