import BasicTypes
import AgentConfig
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// The election's UDP socket, made by hand: bound without SO_REUSEADDR (any local user could
/// otherwise bind the same port and read the adverts), non-blocking, read and written by
/// `AdvertTransport` on the agent's loop.
struct ElectionSocket {
    let descriptor: CInt
    /// True for the dual-stack wildcard `[::]` (IPv4 peers are written as `::ffff:a.b.c.d`).
    let dualStack: Bool

    /// Binds `bind`:`port`, or `[::]`:`port` dual-stack, falling back to `0.0.0.0` where IPv6
    /// is off. A port in use is an error naming it, never a fallback.
    static func open(port: UInt16, bind: IPAddress?) throws -> ElectionSocket {
        if let bind {
            return try open(port: port, address: bind.bytes, dualStack: false, shown: bind.description)
        }
        do {
            return try open(port: port, address: [UInt8](repeating: 0, count: 16), dualStack: true, shown: "::")
        } catch let error as ElectionSocketError where error.code == EAFNOSUPPORT || error.code == EADDRNOTAVAIL {
            return try open(port: port, address: [0, 0, 0, 0], dualStack: false, shown: "0.0.0.0")
        }
    }

    private static func open(port: UInt16, address: [UInt8], dualStack: Bool, shown: String) throws -> ElectionSocket {
        let family = address.count == 4 ? AF_INET : AF_INET6
        let what = "the election socket on \(address.count == 4 ? shown : "[\(shown)]"):\(port)/udp"
        let fd = socket(family, Int32(SOCK_DGRAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue) | Int32(SOCK_NONBLOCK.rawValue), 0)
        guard fd >= 0 else { throw ElectionSocketError(doing: "opening \(what)", code: errno) }
        var ok = false
        defer { if !ok { close(fd) } }
        if family == AF_INET6 {
            var v6only: CInt = dualStack ? 0 : 1
            guard setsockopt(fd, Int32(IPPROTO_IPV6), IPV6_V6ONLY, &v6only, socklen_t(MemoryLayout<CInt>.size)) == 0 else {
                throw ElectionSocketError(doing: "setting IPV6_V6ONLY on \(what)", code: errno)
            }
        }
        let rc: CInt
        if family == AF_INET {
            var sin = sockaddr_in()
            sin.sin_family = sa_family_t(AF_INET)
            sin.sin_port = port.bigEndian
            withUnsafeMutableBytes(of: &sin.sin_addr) { $0.copyBytes(from: address) }
            rc = withUnsafePointer(to: &sin) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
            }
        } else {
            var sin6 = sockaddr_in6()
            sin6.sin6_family = sa_family_t(AF_INET6)
            sin6.sin6_port = port.bigEndian
            withUnsafeMutableBytes(of: &sin6.sin6_addr) { $0.copyBytes(from: address) }
            rc = withUnsafePointer(to: &sin6) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in6>.size)) }
            }
        }
        guard rc == 0 else {
            let code = errno
            if code == EADDRINUSE {
                throw ElectionSocketError(
                    doing: "binding \(what)", code: code,
                    hint: "port \(port)/udp is already in use on this host: another vip-agent, or another program (ss -ulpn 'sport = :\(port)'); "
                        + "set cluster.port on every node to move the election")
            }
            throw ElectionSocketError(doing: "binding \(what)", code: code)
        }
        ok = true
        return ElectionSocket(descriptor: fd, dualStack: dualStack)
    }
}

struct ElectionSocketError: Error, CustomStringConvertible {
    let doing: String
    let code: CInt
    var hint: String?

    init(doing: String, code: CInt, hint: String? = nil) {
        self.doing = doing
        self.code = code
        self.hint = hint
    }

    var description: String {
        "\(doing): \(String(cString: strerror(code)))\(hint.map { " — \($0)" } ?? "")"
    }
}
