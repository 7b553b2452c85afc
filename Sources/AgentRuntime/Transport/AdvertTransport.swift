import BasicTypes
import AgentConfig
import ElectionProtocol
import Logging
import NIOCore
import NIOPosix
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// The election's UDP socket: adverts go out unicast to every peer and come in on
/// `cluster.port`. Bytes only; decoding and filtering happen in `AdvertIntake`.
///
/// Read on the agent's loop (`AgentLoop.watch`) with `recvfrom` into one buffer, the sender's
/// address taken as bytes; written with `sendto` on the same descriptor. A failed send costs
/// that peer its advert, never the others theirs (EACCES, EPERM, ENETUNREACH, EADDRNOTAVAIL,
/// EINVAL from a route that refuses one peer); each failure is counted per peer
/// (`SendErrorLedger`) and logged at most once a minute per peer. A failed read (an ICMP error
/// queued for the socket, ENOMEM) drops nothing but that read: the socket stays open.
final class AdvertTransport {
    /// True when the socket is IPv6 and dual-stack (IPv4 peers are written as `::ffff:a.b.c.d`).
    let dualStack: Bool
    let ledger: SendErrorLedger
    private let descriptor: CInt
    private let loop: AgentLoop
    private let logger: Logger
    private let onDatagram: (NodeAddress?, [UInt8]) -> Void
    /// One byte more than the longest advert: a longer datagram arrives cut to this length and
    /// is dropped as oversized, never as truncated.
    private let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: AdvertCodec.maxLength + 1, alignment: 8)
    /// Datagrams read per wake-up at most, so a flood cannot starve the timers.
    static let readsPerWakeUp = 64
    private var open = true

    private init(descriptor: CInt, dualStack: Bool, loop: AgentLoop, ledger: SendErrorLedger, logger: Logger,
                 onDatagram: @escaping (NodeAddress?, [UInt8]) -> Void) {
        self.descriptor = descriptor
        self.dualStack = dualStack
        self.loop = loop
        self.ledger = ledger
        self.logger = logger
        self.onDatagram = onDatagram
    }

    deinit {
        buffer.deallocate()
    }

    /// Binds `bind`:`port`, or the dual-stack wildcard `[::]`:`port` (falling back to
    /// `0.0.0.0` where IPv6 is off), without SO_REUSEADDR: a port in use fails with a message
    /// naming it. `onDatagram` runs on `loop` with the sender (nil: not an IP address) and the
    /// bytes. Call on `loop`; never blocks.
    static func bind(on loop: AgentLoop, port: UInt16, bind: IPAddress?, logger: Logger,
                     ledger: SendErrorLedger = SendErrorLedger(),
                     onDatagram: @escaping (NodeAddress?, [UInt8]) -> Void) throws -> AdvertTransport {
        let socket: ElectionSocket
        do {
            socket = try ElectionSocket.open(port: port, bind: bind)
        } catch {
            throw TransportError("\(error)")
        }
        let transport = AdvertTransport(descriptor: socket.descriptor, dualStack: socket.dualStack, loop: loop,
                                        ledger: ledger, logger: logger, onDatagram: onDatagram)
        // Unowned: `close()` unwatches before the owner lets the transport go.
        loop.watch(socket.descriptor) { [unowned transport] in transport.readAvailable() }
        return transport
    }

    /// The UDP port the socket is bound to (nil once closed).
    var localPort: UInt16? {
        guard open else { return nil }
        var storage = sockaddr_storage()
        var length = socklen_t(MemoryLayout<sockaddr_storage>.size)
        let rc = withUnsafeMutablePointer(to: &storage) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(descriptor, $0, &length) }
        }
        guard rc == 0 else { return nil }
        // sin_port and sin6_port sit at the same offset, right after the family.
        return withUnsafeBytes(of: &storage) { UInt16(bigEndian: $0.loadUnaligned(fromByteOffset: 2, as: UInt16.self)) }
    }

    /// What is queued on the socket, up to `readsPerWakeUp` datagrams (the loop comes back for more).
    private func readAvailable() {
        var storage = sockaddr_storage()
        for _ in 0..<Self.readsPerWakeUp {
            var length = socklen_t(MemoryLayout<sockaddr_storage>.size)
            let count = withUnsafeMutablePointer(to: &storage) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                    recvfrom(descriptor, buffer.baseAddress, buffer.count, 0, $0, &length)
                }
            }
            guard count >= 0 else {
                if errno == EINTR { continue }
                return  // EAGAIN: all read; anything else (a queued ICMP error, ENOMEM): this read only
            }
            onDatagram(NodeAddress(storage), Array(UnsafeRawBufferPointer(rebasing: buffer[0..<count])))
            guard open else { return }
        }
    }

    /// Sends one datagram to each destination, each on its own: a failure towards one peer
    /// never stops the others. Returns the failures (`sendto` on a non-blocking socket: done
    /// when it returns, so there is nothing to wait for).
    func send(_ bytes: [UInt8], to destinations: [SocketAddress]) -> [AdvertSendError] {
        var failures: [AdvertSendError] = []
        guard open else { return failures }  // closed: the descriptor's number may be another file's now
        for destination in destinations {
            let code = Self.sendOne(descriptor, bytes, destination)
            guard code != 0 else { continue }
            let peer = Self.peerLabel(destination)
            let error = AdvertSendError(peer: peer, code: code)
            failures.append(error)
            if let count = ledger.record(peer: peer, now: UInt64(NIODeadline.now().uptimeNanoseconds)) {
                logger.warning("adverts to \(peer) fail: \(error.reason) (\(count) failure\(count == 1 ? "" : "s") since the last report; \(ledger.count(for: peer)) in all; next report in 1 minute at the earliest)",
                               metadata: ["peer": "\(peer)"])
            }
        }
        return failures
    }

    /// Stops reading and closes the socket. Call on the loop.
    func close() {
        guard open else { return }
        open = false
        loop.unwatch(descriptor)
        closeDescriptor(descriptor)
    }

    /// 0, or the errno of a failed `sendto` (EINTR retried).
    private static func sendOne(_ fd: CInt, _ bytes: [UInt8], _ destination: SocketAddress) -> CInt {
        while true {
            let sent = destination.withSockAddr { address, length in
                bytes.withUnsafeBytes { sendto(fd, $0.baseAddress, $0.count, CInt(MSG_NOSIGNAL), address, socklen_t(length)) }
            }
            if sent >= 0 { return 0 }
            if errno == EINTR { continue }
            return errno
        }
    }

    /// The peer as configured: an IPv4-mapped destination is shown as IPv4.
    static func peerLabel(_ destination: SocketAddress) -> String {
        let ip = destination.ipAddress ?? "\(destination)"
        return ip.hasPrefix("::ffff:") && ip.contains(".") ? String(ip.dropFirst(7)) : ip
    }
}

/// One advert that could not be handed to the kernel for one peer.
struct AdvertSendError: Error, CustomStringConvertible {
    let peer: String
    let code: CInt
    var reason: String { "\(String(cString: strerror(code))) (errno \(code))" }
    var description: String { "sending to \(peer): \(reason)" }
}

struct TransportError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

/// close(2), out of reach of `AdvertTransport.close()`.
private func closeDescriptor(_ fd: CInt) {
    _ = close(fd)
}
