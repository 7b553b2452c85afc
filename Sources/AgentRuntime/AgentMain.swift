import AgentConfig
import Foundation
import HostPreflight
import Logging
import NIOCore
import NIOPosix
import ServiceLifecycle
import SystemdIntegration

/// `vip-agent run`: the daemon until SIGTERM or SIGINT, then a graceful hand-over.
public enum AgentMain {
    /// Returns the process exit code: 0 after a graceful stop, 1 when the agent cannot start.
    public static func run(configuration: Configuration, configPath: String) async throws -> Int32 {
        let level = ProcessInfo.processInfo.environment["VIP_AGENT_LOG_LEVEL"].flatMap(Logger.Level.init(rawValue:)) ?? .info
        LoggingSetup.bootstrap(level: level)
        let logger = Logger(label: "vip-agent")
        // First, before any socket, the metrics listener or OVS: stale VIP copies go, VIPs the
        // host holds for itself are refused, missing capabilities are named.
        if let code = StartPreflight.run(configuration, logger: logger) { return code }
        let loopGroup = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        let checkGroup = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        defer { shutdown([loopGroup, checkGroup]) }
        let agent: Agent
        do {
            let chassis = try await GatewayChassis.resolve(configuration.externalGateway, logger: logger)
            agent = try Agent(configuration: configuration, logger: logger, loop: loopGroup.next(),
                              checkLoopGroup: checkGroup, gatewayChassis: chassis)
        } catch {
            logger.critical("cannot start: \(error)")
            return 1
        }
        let service = AgentService(agent: agent, logger: logger)
        let group = ServiceGroup(configuration: .init(
            services: [.init(service: service)], gracefulShutdownSignals: [.sigterm, .sigint], logger: logger))
        do {
            try await group.run()
        } catch {
            logger.critical("cannot start: \(error)")
            return 1
        }
        return 0
    }
}

/// The agent as a service-lifecycle service: start, wait for the shutdown signal, resign.
struct AgentService: Service {
    let agent: Agent
    let logger: Logger

    func run() async throws {
        let transport = try await agent.openTransport().get()
        let surfaces = try await agent.loop.submit { OperatorSurfaces.attach(agent: agent, logger: logger) }.get()
        // The control socket and the metrics endpoint first: a second agent on the same host
        // fails here, before it has touched any address.
        do {
            try await surfaces.open()
        } catch {
            logger.critical("cannot start: \(error)")
            _ = try? await transport.close().get()
            await surfaces.stop()
            throw error
        }
        do {
            try await agent.loop.submit { try agent.start(transport: transport) }.get()
        } catch {
            logger.critical("cannot start: \(error)")
            try? await agent.loop.flatSubmit { agent.shutdown() }.get()
            await surfaces.stop()
            throw error
        }
        await surfaces.ready()
        try? await gracefulShutdown()
        await surfaces.stopping()
        try? await agent.loop.flatSubmit { agent.shutdown() }.get()
        await agent.gatewayLink?.stop()
        await surfaces.stop()
        logger.info("stopped")
    }
}

private func shutdown(_ groups: [MultiThreadedEventLoopGroup]) {
    for group in groups { group.shutdownGracefully { _ in } }
}
