import BasicTypes
import AgentConfig
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
/// NIO reads; adverts are written with `sendto` on a second descriptor of the same socket, on
/// the loop, outside NIO: NIO closes a datagram channel on any write error but ECONNREFUSED and
/// ENOMEM, and a route that refuses one peer (EACCES, EPERM, ENETUNREACH, EADDRNOTAVAIL, EINVAL)
/// must cost that peer its adverts, not every peer theirs. Each failure is counted per peer
/// (`SendErrorLedger`) and logged at most once a minute per peer.
final class AdvertTransport {
    let channel: Channel
    /// True when the socket is IPv6 and dual-stack (IPv4 peers are written as `::ffff:a.b.c.d`).
    let dualStack: Bool
    let ledger: SendErrorLedger
    private let sendDescriptor: CInt
    private let logger: Logger

    private init(channel: Channel, dualStack: Bool, sendDescriptor: CInt, ledger: SendErrorLedger, logger: Logger) {
        self.channel = channel
        self.dualStack = dualStack
        self.sendDescriptor = sendDescriptor
        self.ledger = ledger
        self.logger = logger
        // The send descriptor lives exactly as long as the channel's.
        channel.closeFuture.whenComplete { _ in closeDescriptor(sendDescriptor) }
    }

    /// Binds `bind`:`port`, or the dual-stack wildcard `[::]`:`port` (falling back to
    /// `0.0.0.0` where IPv6 is off), without SO_REUSEADDR: a port in use fails with a message
    /// naming it. `onDatagram` runs on `loop`. Never blocks.
    static func bind(on loop: EventLoop, port: UInt16, bind: IPAddress?, logger: Logger,
                     ledger: SendErrorLedger = SendErrorLedger(),
                     onDatagram: @escaping (SocketAddress, ByteBuffer) -> Void) -> EventLoopFuture<AdvertTransport> {
        let socket: ElectionSocket
        let sendDescriptor: CInt
        do {
            socket = try ElectionSocket.open(port: port, bind: bind)
            sendDescriptor = dup(socket.descriptor)  // shares the file description, so O_NONBLOCK too
            guard sendDescriptor >= 0 else {
                let error = ElectionSocketError(doing: "duplicating the election socket", code: errno)
                closeDescriptor(socket.descriptor)
                throw error
            }
        } catch {
            return loop.makeFailedFuture(TransportError("\(error)"))
        }
        return DatagramBootstrap(group: loop)
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(DatagramHandler(onDatagram: onDatagram))
                }
            }
            .withBoundSocket(socket.descriptor)
            .map { AdvertTransport(channel: $0, dualStack: socket.dualStack, sendDescriptor: sendDescriptor, ledger: ledger, logger: logger) }
            .flatMapErrorThrowing { error in
                closeDescriptor(sendDescriptor)
                throw TransportError("registering the election socket on port \(port): \(error)")
            }
    }

    /// Sends one datagram to each destination, each on its own: a failure towards one peer
    /// never stops the others. Returns the failures (`sendto` on a non-blocking socket: done
    /// when it returns, so there is nothing to wait for).
    func send(_ bytes: [UInt8], to destinations: [SocketAddress]) -> [AdvertSendError] {
        var failures: [AdvertSendError] = []
        for destination in destinations {
            let code = Self.sendOne(sendDescriptor, bytes, destination)
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

    func close() -> EventLoopFuture<Void> {
        channel.close().recover { _ in }
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

private final class DatagramHandler: ChannelInboundHandler {
    // @unchecked: the handler lives in one channel's pipeline and is only called on its loop.
    typealias InboundIn = AddressedEnvelope<ByteBuffer>
    private let onDatagram: (SocketAddress, ByteBuffer) -> Void

    init(onDatagram: @escaping (SocketAddress, ByteBuffer) -> Void) { self.onDatagram = onDatagram }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let envelope = unwrapInboundIn(data)
        onDatagram(envelope.remoteAddress, envelope.data)
    }

    func errorCaught(context: ChannelHandlerContext, error: Error) {
        // Non-fatal read errors (ECONNREFUSED from a peer that is down, ENOMEM): the election
        // notices a silent peer by itself. Writes never go through NIO, so never close it.
    }
}

/// close(2), out of reach of `AdvertTransport.close()`.
private func closeDescriptor(_ fd: CInt) {
    _ = close(fd)
}
