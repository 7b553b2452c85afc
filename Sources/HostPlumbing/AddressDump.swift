#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// Reads every IPv4 and IPv6 address with a raw RTM_GETADDR dump on a NETLINK_ROUTE socket, for
/// the attributes libnl 3.7 leaves out (IFA_PROTO, see `AddressMark`). The caller owns `fd` and
/// serialises its use; every reply is read before this returns.
enum AddressDump {
    static func read(fd: Int32) throws -> [AddressRecord] {
        // struct nlmsghdr { len, type RTM_GETADDR (22), flags NLM_F_REQUEST|NLM_F_DUMP, seq, pid }
        // followed by struct ifaddrmsg (family AF_UNSPEC).
        var request = [UInt8](repeating: 0, count: 24)
        request.withUnsafeMutableBytes { raw in
            raw.storeBytes(of: UInt32(24), toByteOffset: 0, as: UInt32.self)
            raw.storeBytes(of: UInt16(22), toByteOffset: 4, as: UInt16.self)
            raw.storeBytes(of: UInt16(0x1 | 0x300), toByteOffset: 6, as: UInt16.self)
            raw.storeBytes(of: UInt32(0x5649_5041), toByteOffset: 8, as: UInt32.self)
        }
        let sent = request.withUnsafeBytes { send(fd, $0.baseAddress, $0.count, 0) }
        guard sent == request.count else { throw failure("sending an address dump request") }
        var records: [AddressRecord] = []
        var buffer = [UInt8](repeating: 0, count: 64 * 1024)
        while true {
            let n = buffer.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
            if n < 0 {
                if errno == EINTR { continue }
                throw failure("reading the address dump")
            }
            guard n > 0 else { throw HostError(operation: "reading the address dump", libraryError: "unexpected end") }
            do {
                if try AddressDumpParser.parse(Array(buffer[0..<n]), into: &records) == .done { return records }
            } catch {
                switch error {
                case .kernel(let code):
                    throw HostError(operation: "reading the address dump", libraryError: String(cString: strerror(code)), code: code)
                case .malformed(let why):
                    throw HostError(operation: "reading the address dump", libraryError: "malformed reply: \(why)")
                }
            }
        }
    }

    private static func failure(_ operation: String) -> HostError {
        let code = errno
        return HostError(operation: operation, libraryError: String(cString: strerror(code)), code: code)
    }
}
