import ConnectionLimits
import Foundation
import Logging
import NIOCore
import NIOPosix
import StatusProtocol

/// The agent's control socket: a unix stream socket speaking `ControlProtocol` to `vipctl`.
///
/// `start()` prepares the path (creates the directory, refuses if another agent answers there,
/// replaces a stale socket), binds under a temporary name, sets mode 0660 and the group, and only
/// then moves the socket into place, so nobody ever sees it with looser permissions.
// @unchecked Sendable: `serverChannel` and `acceptLoop` change only under `lock` (start/stop);
// everything else is immutable.
public final class ControlServer: @unchecked Sendable {
    public let path: String
    private let group: String
    private let handler: ControlHandler
    private let logger: Logger
    private let eventLoopGroup: EventLoopGroup
    private let writeTimeout: TimeAmount
    private let limiter: ConnectionLimiter
    private let requestTimeout: TimeAmount

    private let lock = NSLock()
    private var serverChannel: Channel?
    private var acceptLoop: Task<Void, Never>?

    /// - Parameters:
    ///   - group: the group that may use the socket (`status.socketGroup`); empty: the agent's own group.
    ///   - writeTimeout: how long a client may leave a response unread before it is disconnected.
    ///   - maxConnections: connections served at once; more are closed as they arrive.
    ///   - requestTimeout: how long a connection may stay silent without watching.
    public init(path: String, group: String, handler: ControlHandler, logger: Logger,
                writeTimeout: TimeAmount = .seconds(10),
                maxConnections: Int = 64, requestTimeout: TimeAmount = .seconds(30),
                eventLoopGroup: EventLoopGroup = MultiThreadedEventLoopGroup.singleton) {
        self.limiter = ConnectionLimiter(limit: maxConnections)
        self.requestTimeout = requestTimeout
        self.path = path
        self.group = group
        self.handler = handler
        self.logger = logger
        self.writeTimeout = writeTimeout
        self.eventLoopGroup = eventLoopGroup
    }

    /// Binds the socket and starts serving clients. Throws `ControlServerError`.
    public func start() async throws {
        guard lock.withLock({ serverChannel == nil }) else { throw ControlServerError.alreadyStarted(path: path) }
        let gid = try SocketFile.groupID(group)
        let staging = path + ".new"
        _ = try SocketFile.unixAddress(staging)  // both names must fit in sockaddr_un
        try SocketFile.createParentDirectory(of: path)
        switch try SocketFile.inspect(path) {
        case .liveSocket:
            throw ControlServerError.alreadyServed(path: path)
        case .notASocket:
            throw ControlServerError.notASocket(path: path)
        case .staleSocket:
            logger.info("removing stale control socket left by a previous run", metadata: ["path": "\(path)"])
            try SocketFile.remove(path)
        case .nothing:
            break
        }
        try SocketFile.remove(staging)

        let channel: NIOAsyncChannel<NIOAsyncChannel<ControlInboundLine, ByteBuffer>, Never>
        do {
            let limiter = self.limiter
            let requestTimeout = self.requestTimeout
            channel = try await ServerBootstrap(group: eventLoopGroup)
                .serverChannelOption(ChannelOptions.backlog, value: 64)
                .serverChannelInitializer { server in
                    server.eventLoop.makeCompletedFuture { try server.pipeline.syncOperations.addHandler(limiter) }
                }
                .bind(unixDomainSocketPath: staging) { child in
                    child.eventLoop.makeCompletedFuture {
                        try child.pipeline.syncOperations.addHandler(
                            ByteToMessageHandler(ControlLineDecoder(limit: ControlCodec.maxRequestLineBytes)))
                        try child.pipeline.syncOperations.addHandler(RequestDeadline(timeout: requestTimeout))
                        return try NIOAsyncChannel<ControlInboundLine, ByteBuffer>(
                            wrappingChannelSynchronously: child)
                    }
                }
        } catch {
            throw ControlServerError.system(operation: "cannot listen on", path: staging, reason: "\(error)")
        }
        do {
            try SocketFile.restrict(staging, group: gid)
            try SocketFile.move(staging, to: path)
        } catch {
            try? await channel.channel.close()
            try? SocketFile.remove(staging)
            throw error
        }

        let handler = self.handler
        let logger = self.logger
        let timeout = self.writeTimeout
        let loop = Task {
            do {
                try await channel.executeThenClose { clients in
                    try await withThrowingDiscardingTaskGroup { connections in
                        for try await client in clients {
                            connections.addTask {
                                await ControlConnection(channel: client, handler: handler, writeTimeout: timeout,
                                                        logger: logger).run()
                            }
                        }
                        // The listening socket closed (stop()): end the remaining connections too.
                        connections.cancelAll()
                    }
                }
            } catch {
                logger.debug("control socket accept loop ended", metadata: ["error": "\(error)"])
            }
        }
        lock.withLock {
            serverChannel = channel.channel
            acceptLoop = loop
        }
        logger.info("control socket ready", metadata: [
            "path": "\(path)", "group": "\(group.isEmpty ? "(agent's own)" : group)", "mode": "0660",
        ])
    }

    /// Connections open now, and those closed at once because the cap was reached.
    public var connectionCounts: (open: Int, refused: UInt64) { (limiter.openCount, limiter.refusedCount) }

    /// Stops accepting, disconnects every client and removes the socket file. Idempotent.
    public func stop() async {
        let (channel, loop) = lock.withLock { () -> (Channel?, Task<Void, Never>?) in
            defer { serverChannel = nil; acceptLoop = nil }
            return (serverChannel, acceptLoop)
        }
        guard let channel else { return }
        try? await channel.close()
        loop?.cancel()
        await loop?.value
        // Only remove the file if it is still ours (a successor may have replaced it).
        if (try? SocketFile.probe(path)) == false {
            try? SocketFile.remove(path)
        }
        logger.info("control socket closed", metadata: ["path": "\(path)"])
    }
}
