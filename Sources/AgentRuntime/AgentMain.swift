import AgentConfig
import Foundation
import HostPreflight
import Logging
import NIOCore
import NIOPosix
import ProcessFootprint
import ServiceLifecycle
import UnixSignals
import SystemdIntegration

/// `vip-agent run`: the daemon until SIGTERM or SIGINT, then a graceful hand-over.
public enum AgentMain {
    /// Returns the process exit code: 0 after a graceful stop, 1 when the agent cannot start.
    /// Logging is set up by the caller (`vip-agent run`: --log-level, --log-format and their
    /// environment variables); without that, info level to the journal or stderr.
    public static func run(configuration: Configuration, configPath: String) async throws -> Int32 {
        LoggingSetup.bootstrap(level: .info)  // a no-op when the caller has bootstrapped already
        let logger = Logger(label: "vip-agent")
        // First, before any socket, the metrics listener or OVS: stale VIP copies go, VIPs the
        // host holds for itself are refused, missing capabilities are named.
        if let code = StartPreflight.run(configuration, logger: logger) { return code }
        let checkGroup = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        let loop: AgentLoop
        do {
            loop = try AgentLoop()
        } catch {
            logger.critical("cannot start: \(error)")
            return 1
        }
        defer { shutdown([loop, checkGroup]) }
        let agent: AgentHandle
        do {
            let chassis = try await GatewayChassis.resolve(configuration.externalGateway, logger: logger)
            // The agent is made on its own loop and never leaves it.
            agent = try await loop.submit {
                AgentHandle(try Agent(configuration: configuration, logger: logger, loop: loop,
                                      checkLoopGroup: checkGroup, gatewayChassis: chassis))
            }.get()
        } catch {
            logger.critical("cannot start: \(error)")
            return 1
        }
        let service = AgentService(agent: agent, settings: configuration.status, configuration: configuration,
                                   configPath: configPath, logger: logger)
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
    let agent: AgentHandle
    let settings: StatusConfig
    let configuration: Configuration
    let configPath: String
    let logger: Logger

    func run() async throws {
        try await agent.flatOnLoop { $0.openTransport() }
        let surfaces = OperatorSurfaces(agent: agent, settings: settings, logger: logger)
        try await agent.onLoop { surfaces.attach(to: $0) }
        // The control socket and the metrics endpoint first: a second agent on the same host
        // fails here, before it has touched any address.
        do {
            try await surfaces.open()
        } catch {
            logger.critical("cannot start: \(error)")
            try? await agent.flatOnLoop { $0.closeTransport() }
            await surfaces.stop()
            throw error
        }
        do {
            try await agent.onLoop { try $0.start() }
        } catch {
            logger.critical("cannot start: \(error)")
            try? await agent.flatOnLoop { $0.shutdown() }
            await surfaces.stop()
            throw error
        }
        await surfaces.ready()
        // Running: the code only the start-up needed need not stay mapped (ProcessFootprint).
        let released = StartupPages.release()
        logger.debug("start-up code pages released (\(released >> 20) MiB of executable mappings advised)")
        // Once more when what runs only once after start (first check, first claim, the OVN
        // connection) has run (WarmUp).
        let warmUp = Task { [agent, logger] in
            guard await WarmUp.settled(agent) else { return }
            let again = StartupPages.release()
            logger.debug("warm-up code pages released (\(again >> 20) MiB of executable mappings advised)")
        }
        defer { warmUp.cancel() }
        // SIGHUP (systemctl reload) never kills the agent: the file is read again, checked and
        // applied live (ConfigReload).
        let reloads = Task { [agent, configPath, logger] in
            for await _ in await UnixSignalsSequence(trapping: .sighup) {
                await ConfigReload.reload(path: configPath, agent: agent, logger: logger)
            }
        }
        defer { reloads.cancel() }
        try? await gracefulShutdown()
        await surfaces.stopping()
        try? await agent.flatOnLoop { $0.shutdown() }
        if let link = try? await agent.onLoop({ $0.gatewayLink }) { await link.stop() }
        await surfaces.stop()
        logger.info("stopped")
    }
}

private func shutdown(_ groups: [any EventLoopGroup]) {
    for group in groups { group.shutdownGracefully { _ in } }
}
