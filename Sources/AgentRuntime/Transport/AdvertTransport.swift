import BasicTypes
import AgentConfig
import Logging
import NIOCore
import NIOPosix

/// The election's UDP socket: adverts go out unicast to every peer and come in on
/// `cluster.port`. Bytes only; decoding and filtering happen in `AdvertIntake`.
final class AdvertTransport: Sendable {
    let channel: Channel
    /// True when the socket is IPv6 and dual-stack (IPv4 peers are written as `::ffff:a.b.c.d`).
    let dualStack: Bool

    private init(channel: Channel, dualStack: Bool) {
        self.channel = channel
        self.dualStack = dualStack
    }

    /// Binds `bind`:`port`, or the dual-stack wildcard `[::]`:`port` (falling back to
    /// `0.0.0.0` where IPv6 is off). `onDatagram` runs on `loop`. Never blocks.
    static func bind(on loop: EventLoop, port: UInt16, bind: IPAddress?, logger: Logger,
                     onDatagram: @escaping (SocketAddress, ByteBuffer) -> Void) -> EventLoopFuture<AdvertTransport> {
        let bootstrap = DatagramBootstrap(group: loop)
            .channelOption(ChannelOptions.socketOption(.so_reuseaddr), value: 1)
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(DatagramHandler(onDatagram: onDatagram))
                }
            }
        if let bind {
            return bootstrap.bind(host: bind.description, port: Int(port))
                .map { AdvertTransport(channel: $0, dualStack: false) }
                .flatMapErrorThrowing { throw TransportError("binding the election socket to \(bind) port \(port): \($0)") }
        }
        return bootstrap.bind(host: "::", port: Int(port))
            .map { AdvertTransport(channel: $0, dualStack: true) }
            .flatMapError { v6Error in
                logger.info("IPv6 wildcard bind failed (\(v6Error)); using 0.0.0.0")
                return bootstrap.bind(host: "0.0.0.0", port: Int(port))
                    .map { AdvertTransport(channel: $0, dualStack: false) }
                    .flatMapErrorThrowing { throw TransportError("binding the election socket to port \(port): \($0)") }
            }
    }

    /// Writes one datagram to each destination and flushes; the future completes when all are
    /// handed to the kernel, with the failures per destination (never failed itself).
    func send(_ bytes: [UInt8], to destinations: [SocketAddress]) -> EventLoopFuture<[Error]> {
        var futures: [EventLoopFuture<Error?>] = []
        for destination in destinations {
            let buffer = channel.allocator.buffer(bytes: bytes)
            let envelope = AddressedEnvelope(remoteAddress: destination, data: buffer)
            let promise = channel.eventLoop.makePromise(of: Void.self)
            channel.write(envelope, promise: promise)
            futures.append(promise.futureResult.map { nil }.recover { $0 })
        }
        channel.flush()
        return EventLoopFuture.whenAllSucceed(futures, on: channel.eventLoop).map { $0.compactMap { $0 } }
    }

    func close() -> EventLoopFuture<Void> {
        channel.close().recover { _ in }
    }
}

struct TransportError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

private final class DatagramHandler: ChannelInboundHandler, @unchecked Sendable {
    typealias InboundIn = AddressedEnvelope<ByteBuffer>
    private let onDatagram: (SocketAddress, ByteBuffer) -> Void

    init(onDatagram: @escaping (SocketAddress, ByteBuffer) -> Void) { self.onDatagram = onDatagram }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let envelope = unwrapInboundIn(data)
        onDatagram(envelope.remoteAddress, envelope.data)
    }

    func errorCaught(context: ChannelHandlerContext, error: Error) {
        // ICMP errors from a peer that is down (ECONNREFUSED) surface here: expected while a
        // peer is away; the election notices its silence. A fatal error closes the channel and
        // the agent reopens it.
    }
}
