import Foundation

/// This host's IPv6 link-local address on an interface: the source of the solicitations that ask
/// the peers their MACs (a link-local address is never a VIP, and an ordinary solicitation from
/// it cannot disturb a peer's own duplicate address detection as a probe from :: would).
enum LinkLocalAddress {
    /// The first fe80::/10 address of `interface` in this thread's network namespace, or nil.
    static func first(on interface: String) -> [UInt8]? {
        var list: UnsafeMutablePointer<ifaddrs>?
        guard getifaddrs(&list) == 0, let list else { return nil }
        defer { freeifaddrs(list) }
        var entry: UnsafeMutablePointer<ifaddrs>? = list
        while let current = entry {
            defer { entry = current.pointee.ifa_next }
            guard let address = current.pointee.ifa_addr, address.pointee.sa_family == sa_family_t(AF_INET6),
                  String(cString: current.pointee.ifa_name) == interface else { continue }
            let bytes = address.withMemoryRebound(to: sockaddr_in6.self, capacity: 1) { pointer in
                withUnsafeBytes(of: pointer.pointee.sin6_addr) { Array($0) }
            }
            if bytes[0] == 0xFE, bytes[1] & 0xC0 == 0x80 { return bytes }
        }
        return nil
    }
}
