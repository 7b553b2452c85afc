import CLibnet
import Foundation

/// An AF_PACKET SOCK_RAW socket bound to one interface and one EtherType, for receiving whole
/// Ethernet frames with a poll() deadline. Opened in the namespace of the creating thread.
final class PacketSocket {
    static let etherTypeARP: UInt16 = 0x0806
    static let etherTypeAll: UInt16 = 0x0003   // ETH_P_ALL
    static let outgoing: UInt8 = 4             // PACKET_OUTGOING

    let interface: String
    let interfaceIndex: Int32
    private var fd: Int32

    init(interface: String, etherType: UInt16) throws {
        self.interface = interface
        guard isValidInterfaceName(interface) else {
            throw AnnounceError(operation: "opening packet socket", interface: "\"\(interface)\"",
                                libraryError: "invalid interface name (Linux allows 1 to 15 characters)")
        }
        let index = if_nametoindex(interface)
        guard index != 0 else {
            throw AnnounceError(operation: "opening packet socket", interface: interface,
                                libraryError: "interface does not exist (\(String(cString: strerror(errno))))")
        }
        interfaceIndex = Int32(index)
        // Protocol 0 first, then bind with the EtherType: no frame from another interface slips in.
        fd = socket(AF_PACKET, Int32(SOCK_RAW.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else {
            throw AnnounceError(operation: "opening packet socket", interface: interface,
                                libraryError: String(cString: strerror(errno)))
        }
        var address = sockaddr_ll()
        address.sll_family = UInt16(AF_PACKET)
        address.sll_protocol = etherType.bigEndian
        address.sll_ifindex = interfaceIndex
        let rc = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(fd, $0, socklen_t(MemoryLayout<sockaddr_ll>.size))
            }
        }
        guard rc == 0 else {
            let text = String(cString: strerror(errno))
            Glibc.close(fd)
            throw AnnounceError(operation: "binding packet socket", interface: interface, libraryError: text)
        }
    }

    deinit { close() }

    func close() {
        if fd >= 0 { Glibc.close(fd) }
        fd = -1
    }

    /// Keeps only neighbour solicitations and advertisements (a socket bound for IPv6).
    func attachNDPFilter() throws {
        guard vip_attach_ndp_filter(fd) == 0 else {
            throw AnnounceError(operation: "attaching the NS/NA filter to the packet socket", interface: interface,
                                libraryError: String(cString: strerror(errno)))
        }
    }

    /// Keeps only ARP replies (a socket bound for ARP), and room for a window's worth of them:
    /// the replies are read when a probe's window has passed, not as they come.
    func attachARPReplyFilter() throws {
        guard vip_attach_arp_reply_filter(fd) == 0 else {
            throw AnnounceError(operation: "attaching the ARP reply filter to the packet socket", interface: interface,
                                libraryError: String(cString: strerror(errno)))
        }
        var size: CInt = 1 << 20
        _ = setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &size, socklen_t(MemoryLayout<CInt>.size))  // best effort (net.core.rmem_max)
    }

    /// Makes the interface accept frames to the multicast MAC `mac` while this socket is open.
    func addMembership(_ mac: [UInt8]) throws {
        guard mac.count == 6, mac.withUnsafeBufferPointer({ vip_add_multicast_membership(fd, interfaceIndex, $0.baseAddress) }) == 0 else {
            throw AnnounceError(operation: "joining \(mac.map { String($0, radix: 16) }.joined(separator: ":")) on the packet socket",
                                interface: interface, libraryError: String(cString: strerror(errno)))
        }
    }

    /// Discards every frame already queued.
    func drain() {
        var buffer = [UInt8](repeating: 0, count: 2048)
        while fd >= 0, buffer.withUnsafeMutableBytes({ recv(fd, $0.baseAddress, $0.count, Int32(MSG_DONTWAIT)) }) > 0 {}
    }

    /// Blocks the calling thread until `deadline`.
    static func sleep(until deadline: ContinuousClock.Instant) {
        while true {
            let milliseconds = Self.milliseconds(ContinuousClock.now.duration(to: deadline))
            if milliseconds <= 0 { return }
            _ = poll(nil, 0, milliseconds)  // a signal ends it early: sleep again for the rest
        }
    }

    /// Hands `each` every incoming frame queued now; never waits. Frames this host sent are skipped.
    func readQueued(_ each: ([UInt8]) -> Void) throws {
        var buffer = [UInt8](repeating: 0, count: 4096)
        while fd >= 0 {
            switch receiveOne(into: &buffer) {
            case .frame(let count): each(Array(buffer[0..<count]))
            case .outgoing, .interrupted: continue
            case .empty: return
            case .failed(let code):
                throw AnnounceError(operation: "receiving frames", interface: interface, libraryError: String(cString: strerror(code)))
            }
        }
    }

    private enum Received { case frame(Int), outgoing, interrupted, empty, failed(CInt) }

    /// One `recvfrom` without waiting: a frame of `count` bytes in `buffer` (cut to its size),
    /// one this host sent, nothing queued, or the errno.
    private func receiveOne(into buffer: inout [UInt8]) -> Received {
        var from = sockaddr_ll()
        var fromLength = socklen_t(MemoryLayout<sockaddr_ll>.size)
        let count = buffer.withUnsafeMutableBytes { raw in
            withUnsafeMutablePointer(to: &from) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                    recvfrom(fd, raw.baseAddress, raw.count, Int32(MSG_DONTWAIT), $0, &fromLength)
                }
            }
        }
        if count < 0 {
            if errno == EINTR { return .interrupted }
            if errno == EAGAIN || errno == EWOULDBLOCK { return .empty }
            return .failed(errno)
        }
        return from.sll_pkttype == Self.outgoing ? .outgoing : .frame(count)
    }

    /// Receives incoming frames until `match` returns a value or `deadline` passes (nil).
    /// Frames this host sent are skipped.
    func receive<T>(until deadline: ContinuousClock.Instant, _ match: ([UInt8]) -> T?) throws -> T? {
        // ARP and neighbour discovery frames only (the socket's filter): 4 KiB holds any of
        // them; a longer frame is cut, never overruns (zeroing 64 KiB per round cost more
        // than the round's parsing).
        var buffer = [UInt8](repeating: 0, count: 4096)
        while true {
            let remaining = ContinuousClock.now.duration(to: deadline)
            let milliseconds = max(0, Self.milliseconds(remaining))
            var descriptor = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
            let ready = poll(&descriptor, 1, milliseconds)
            if ready < 0 {
                if errno == EINTR { continue }
                throw AnnounceError(operation: "waiting for frames (poll)", interface: interface,
                                    libraryError: String(cString: strerror(errno)))
            }
            if ready == 0 {
                if milliseconds == 0 { return nil }
                continue
            }
            switch receiveOne(into: &buffer) {
            case .frame(let count): if let found = match(Array(buffer[0..<count])) { return found }
            case .outgoing, .interrupted, .empty: continue
            case .failed(let code):
                throw AnnounceError(operation: "receiving frames", interface: interface, libraryError: String(cString: strerror(code)))
            }
        }
    }

    /// Rounded up, so a wait never ends before the deadline.
    static func milliseconds(_ duration: Duration) -> Int32 {
        let (seconds, attoseconds) = duration.components
        if seconds < 0 || (seconds == 0 && attoseconds <= 0) { return 0 }
        if seconds >= Int64(Int32.max) / 1000 { return Int32.max }
        let ms = seconds * 1000 + (attoseconds + 999_999_999_999_999) / 1_000_000_000_000_000
        return Int32(clamping: ms)
    }
}
