import AgentConfig
import ControlSocket
import Foundation
import Logging
import MetricsExport
import NIOCore
import SystemdIntegration

/// The parts operators touch: the vipctl socket, /metrics and systemd (READY=1 once the first
/// state is known, STATUS= on every change, WATCHDOG=1 from the agent's loop while it turns).
final class OperatorSurfaces: @unchecked Sendable {
    private let agent: Agent
    private let logger: Logger
    private let broadcaster = StatusBroadcaster()
    private var control: ControlServer?
    private var metricsServer: MetricsServer?
    private let notifier = SystemdNotifier.fromEnvironment()
    private var watchdog: RepeatedTask?

    private init(agent: Agent, logger: Logger) {
        self.agent = agent
        self.logger = logger
    }

    /// Call on the agent's loop before `agent.start()`, so no event is missed.
    static func attach(agent: Agent, logger: Logger) -> OperatorSurfaces {
        let surfaces = OperatorSurfaces(agent: agent, logger: logger)
        let broadcaster = surfaces.broadcaster
        let notifier = surfaces.notifier
        agent.observers.onChange.append { [weak agent] in
            guard let agent else { return }
            broadcaster.changed(on: agent.loop) { agent.statusDocument() }
            _ = notifier?.status(agent.oneLineStatus())
        }
        agent.observers.onFinish.append { broadcaster.finish() }
        return surfaces
    }

    /// Opens the metrics endpoint and the vipctl socket. Call before `agent.start()`: when
    /// either is taken (another agent runs), the agent stops before touching the host.
    func open() async throws {
        let settings = agent.configuration.status
        let metrics = AgentMetrics(version: VIPAgentVersion.current)
        try await agent.loop.submit { MetricsBridge.attach(metrics, to: self.agent) }.get()
        if let endpoint = settings.metricsEndpoint {
            // /healthz hops onto the agent's loop: a stuck or stopped loop fails the probe.
            let loop = agent.loop
            let server = MetricsServer(host: endpoint.host, port: Int(endpoint.port), metrics: metrics, logger: logger,
                                       liveness: { loop.submit {} })
            try await server.start()
            metricsServer = server
            logger.info("metrics at http://\(endpoint)/metrics")
        }
        let control = ControlServer(path: settings.socket, group: settings.socketGroup,
                                    handler: AgentControlHandler(agent: agent, broadcaster: broadcaster), logger: logger)
        try await control.start()
        self.control = control
        logger.info("vipctl socket at \(settings.socket)")
    }

    /// The agent has started: tell systemd (READY=1 with the first state) and start the
    /// watchdog pings.
    func ready() async {
        guard let notifier else { return }
        let line = (try? await agent.loop.submit { self.agent.oneLineStatus() }.get()) ?? "started"
        _ = notifier.ready(status: line)
        if let every = notifier.watchdogInterval {
            // Pinged from the agent's own loop: a stuck loop stops the pings and systemd restarts us.
            watchdog = agent.loop.scheduleRepeatedTask(initialDelay: .zero, delay: every.timeAmount) { _ in
                _ = notifier.watchdogPing()
            }
        }
    }

    /// The agent is about to resign.
    func stopping() async {
        _ = notifier?.stopping()
    }

    func stop() async {
        watchdog?.cancel()
        await control?.stop()
        await metricsServer?.stop()
        broadcaster.finish()
    }
}
