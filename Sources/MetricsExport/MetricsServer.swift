import ConnectionLimits
import Foundation
import Logging
import NIOCore
import NIOHTTP1
import NIOPosix

/// Why the metrics endpoint could not start.
public struct MetricsServerError: Error, CustomStringConvertible, Sendable {
    public let address: String
    public let reason: String

    public var description: String {
        "cannot serve metrics on \(address): \(reason)"
    }
}

/// Brings counters kept elsewhere up to date before the metrics are rendered (the agent hands
/// over the adverts it counted on its own loop); the future completes when they are.
public typealias MetricsRefresh = @Sendable () -> EventLoopFuture<Void>

/// Serves `AgentMetrics` as Prometheus text at `http://host:port/metrics`, and liveness at
/// `/healthz` (200 while `liveness` answers within `livenessTimeout`, else 503).
// @unchecked Sendable: `channel` changes only under `lock` (start/stop); the rest is immutable.
public final class MetricsServer: @unchecked Sendable {
    private let host: String
    private let port: Int
    private let metrics: AgentMetrics
    private let logger: Logger
    private let group: EventLoopGroup
    private let liveness: LivenessProbe?
    private let refresh: MetricsRefresh?
    private let livenessTimeout: TimeAmount
    private let lock = NSLock()
    private var channel: Channel?
    private let limiter: ConnectionLimiter
    private let idleTimeout: TimeAmount

    /// - Parameters:
    ///   - maxConnections: connections served at once; more are closed as they arrive.
    ///   - idleTimeout: a connection with nothing read or written for this long is closed.
    ///   - refresh: called before each `/metrics` answer is rendered.
    public init(host: String, port: Int, metrics: AgentMetrics, logger: Logger,
                maxConnections: Int = 32, idleTimeout: TimeAmount = .seconds(30),
                group: EventLoopGroup = MultiThreadedEventLoopGroup.singleton,
                refresh: MetricsRefresh? = nil,
                liveness: LivenessProbe? = nil, livenessTimeout: TimeAmount = .seconds(1)) {
        self.liveness = liveness
        self.refresh = refresh
        self.livenessTimeout = livenessTimeout
        self.limiter = ConnectionLimiter(limit: maxConnections)
        self.idleTimeout = idleTimeout
        self.host = host
        self.port = port
        self.metrics = metrics
        self.logger = logger
        self.group = group
    }

    /// The address being served, e.g. "127.0.0.1:9450" ("[::1]:9450" for IPv6).
    public var address: String {
        host.contains(":") && !host.hasPrefix("[") ? "[\(host)]:\(port)" : "\(host):\(port)"
    }

    /// The port actually bound (differs from the configured one when that was 0); nil before `start()`.
    public var boundPort: Int? {
        lock.withLock { channel?.localAddress?.port }
    }

    /// Binds and starts answering. Throws `MetricsServerError` naming the address on failure.
    public func start() async throws {
        guard (0...65_535).contains(port) else {
            throw MetricsServerError(address: address, reason: "port \(port) is outside 0...65535")
        }
        let bareHost = host.hasPrefix("[") && host.hasSuffix("]") ? String(host.dropFirst().dropLast()) : host
        let metrics = self.metrics
        let liveness = self.liveness
        let refresh = self.refresh
        let livenessTimeout = self.livenessTimeout
        let limiter = self.limiter
        let idleTimeout = self.idleTimeout
        let bootstrap = ServerBootstrap(group: group)
            .serverChannelOption(ChannelOptions.backlog, value: 64)
            .serverChannelOption(ChannelOptions.socketOption(.so_reuseaddr), value: 1)
            .serverChannelInitializer { server in
                server.eventLoop.makeCompletedFuture { try server.pipeline.syncOperations.addHandler(limiter) }
            }
            .childChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(IdleStateHandler(allTimeout: idleTimeout))
                    try channel.pipeline.syncOperations.addHandler(IdleConnectionCloser())
                    try channel.pipeline.syncOperations.configureHTTPServerPipeline(withErrorHandling: true)
                    try channel.pipeline.syncOperations.addHandler(MetricsHTTPHandler(
                        render: { metrics.render() }, refresh: refresh, liveness: liveness, livenessTimeout: livenessTimeout))
                }
            }
            .childChannelOption(ChannelOptions.socketOption(.so_reuseaddr), value: 1)
        let bound: Channel
        do {
            bound = try await bootstrap.bind(host: bareHost, port: port).get()
        } catch {
            throw MetricsServerError(address: address, reason: "\(error)")
        }
        lock.withLock { channel = bound }
        logger.info("serving Prometheus metrics", metadata: [
            "address": "\(bound.localAddress.map { "\($0)" } ?? address)", "paths": "/metrics /healthz",
        ])
    }

    /// Connections open now, and those closed at once because the cap was reached.
    public var connectionCounts: (open: Int, refused: UInt64) { (limiter.openCount, limiter.refusedCount) }

    /// Stops accepting connections and closes the listening socket. Idempotent.
    public func stop() async {
        let current = lock.withLock { () -> Channel? in
            defer { channel = nil }
            return channel
        }
        guard let current else { return }
        try? await current.close()
        logger.info("stopped serving metrics", metadata: ["address": "\(address)"])
    }
}
