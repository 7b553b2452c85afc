import AgentConfig
import ControlSocket
import Foundation
import Logging
import MetricsExport
import NIOCore
import SystemdIntegration

/// The parts operators touch: the vipctl socket, /metrics and systemd (READY=1 once the first
/// state is known, STATUS= on every change, WATCHDOG=1 from the agent's loop while it turns).
actor OperatorSurfaces {
    private let agent: AgentHandle
    private let settings: StatusConfig
    private let logger: Logger
    nonisolated let broadcaster = StatusBroadcaster()
    nonisolated let notifier = SystemdNotifier.fromEnvironment()
    private var control: ControlServer?
    private var metricsServer: MetricsServer?
    private var watchdog: RepeatedTask?

    init(agent: AgentHandle, settings: StatusConfig, logger: Logger) {
        self.agent = agent
        self.settings = settings
        self.logger = logger
    }

    /// Call on the agent's loop before `agent.start()`, so no event is missed.
    nonisolated func attach(to agent: Agent) {
        let broadcaster = self.broadcaster
        let notifier = self.notifier
        let bound = agent.bound
        let loop = agent.loop
        agent.observers.onChange.append {
            broadcaster.changed(on: loop) { bound.value.statusDocument() }
            _ = notifier?.status(bound.value.oneLineStatus())
        }
        agent.observers.onFinish.append { broadcaster.finish() }
    }

    /// Opens the metrics endpoint and the vipctl socket. Call before `agent.start()`: when
    /// either is taken (another agent runs), the agent stops before touching the host.
    func open() async throws {
        let metrics = AgentMetrics(version: VIPAgentVersion.current)
        try await agent.onLoop { MetricsBridge.attach(metrics, to: $0) }
        if let endpoint = settings.metricsEndpoint {
            // /healthz hops onto the agent's loop: a stuck or stopped loop fails the probe. /metrics
            // first takes the adverts the agent counted since the last read (no timer flushes them).
            let loop = agent.loop
            let bound = agent.agent
            let server = MetricsServer(host: endpoint.host, port: Int(endpoint.port), metrics: metrics, logger: logger,
                                       refresh: { loop.submit { bound.value.flushTally() } },
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
        let line = (try? await agent.onLoop { $0.oneLineStatus() }) ?? "started"
        _ = notifier.ready(status: line)
        if let every = notifier.watchdogInterval {
            // Pinged from the agent's own loop: a stuck loop stops the pings and systemd restarts us.
            watchdog = agent.loop.scheduleRepeatedTask(initialDelay: .zero, delay: .nanoseconds(every.nanoseconds)) { _ in
                _ = notifier.watchdogPing()
            }
        }
    }

    /// The agent is about to resign.
    func stopping() {
        _ = notifier?.stopping()
    }

    func stop() async {
        watchdog?.cancel()
        await control?.stop()
        await metricsServer?.stop()
        broadcaster.finish()
    }
}
