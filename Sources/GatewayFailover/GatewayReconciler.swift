import Foundation
import Logging
import OVSDB
import StatusProtocol

/// Keeps the `Gateway_Chassis` priorities of the router ports in the order the election wants: one
/// election, every configured port (`logicalRouterPorts`) ranked the same way, over one connection.
///
/// Only the group master writes. The northbound rows are monitored, so a change by anyone else (the
/// controller re-creating rows after a restart, an operator, a racing agent) is seen at once and the
/// master's order re-applied. While the database is unreachable the latest wish is kept and applied as
/// soon as the client is back (it reconnects with capped backoff). Hysteresis: at most one reorder per
/// `minHoldTime`; restoring the order we wrote last after someone else changed it is not limited.
public actor GatewayReconciler {
    public let settings: GatewaySettings
    let logger: Logger

    var client: OVSDBClient?
    var events: AsyncStream<ReconcilerEvent>.Continuation?
    var eventLoop: Task<Void, Never>?
    var retryTimer: Task<Void, Never>?

    var isMaster = false
    var ranking: [GatewayMember] = []
    var nbState: OVSDBConnectionState = .idle
    var snapshotSeen = false
    /// One entry per configured router port, in configured order (never added to or removed from).
    var ports: [GatewayPortState]
    var writing = false
    var dirty = false
    public internal(set) var counters = GatewayWriteCounters()
    var writeObserver: (@Sendable (GatewayWriteOutcome) -> Void)?
    var statusObserver: (@Sendable (GatewayStatus) -> Void)?

    public init(config: GatewaySettings, logger: Logger) {
        self.settings = config
        self.logger = logger
        self.ports = config.logicalRouterPorts.map { GatewayPortState(name: $0, retryDelay: config.conflictRetryDelay) }
    }

    /// Connects to the northbound database and starts following it. Returns at once: an unreachable
    /// database is reported in `status()` and retried in the background.
    public func start() async {
        guard client == nil else { return }
        let client = OVSDBClient(remotes: settings.remotes, tls: settings.tls, logger: logger,
                                 options: settings.clientOptions)
        let (stream, sink) = AsyncStream<ReconcilerEvent>.makeStream()
        self.client = client
        self.events = sink
        eventLoop = Task { for await event in stream { self.handle(event) } }
        await client.onStateChange { sink.yield(.connection($0)) }
        let names = settings.logicalRouterPorts
        _ = try? await client.monitor(database: GatewayChassisStore.database,
                                      tables: GatewayChassisStore.monitoredTables) { snapshot in
            sink.yield(.rows(names.map { GatewayPortView.read(port: $0, from: snapshot) }))
        }
        Task {
            do { try await client.connect() } catch {
                self.logger.warning("OVN northbound database unreachable, retrying",
                                    metadata: ["nb": "\(self.settings.remotes.map(\.description).joined(separator: ","))",
                                               "error": "\(error)"])
            }
        }
    }

    /// Stops writing and closes the connection.
    public func stop() async {
        retryTimer?.cancel()
        retryTimer = nil
        events?.finish()
        events = nil
        eventLoop?.cancel()
        eventLoop = nil
        await client?.close()
        client = nil
        nbState = .idle
    }

    /// The agent's election result: whether this node masters the gateway group, and the members in order
    /// of merit (the master first). Called on every change.
    public func update(isMaster: Bool, ranking: [GatewayMember]) {
        if isMaster && !self.isMaster {
            for index in ports.indices { ports[index].lastOrder = nil }
        }
        self.isMaster = isMaster
        self.ranking = ranking
        reconcile()
        publishStatus()
    }

    /// `handler` is called with the status after every change that can move it (the
    /// connection, the rows, an update, a write), so nobody needs to poll.
    public func onStatus(_ handler: @escaping @Sendable (GatewayStatus) -> Void) {
        statusObserver = handler
        handler(status())
    }

    func publishStatus() {
        statusObserver?(status())
    }

    /// `handler` is called after every write attempt (for metrics).
    public func onWrite(_ handler: @escaping @Sendable (GatewayWriteOutcome) -> Void) {
        writeObserver = handler
    }

    func handle(_ event: ReconcilerEvent) {
        switch event {
        case .connection(let state):
            nbState = state
            if !state.isConnected {
                for index in ports.indices { ports[index].natAddressesEnsured = false }
                logger.warning("OVN northbound database down", metadata: ["state": "\(state)"])
            }
        case .rows(let views):
            for (index, view) in zip(ports.indices, views) {
                let had = ports[index].view != nil
                ports[index].take(view)
                if view == nil && (had || !snapshotSeen) {
                    logger.warning("logical router port not found in the northbound database",
                                   metadata: ["lrp": "\(ports[index].name)"])
                }
            }
            snapshotSeen = true
        case .retry:
            retryTimer = nil
        }
        reconcile()
        publishStatus()
    }
}

/// What the reconciler reacts to, delivered in order through one stream.
enum ReconcilerEvent: Sendable {
    case connection(OVSDBConnectionState)
    /// Every configured port's rows (nil: no such port), in configured order.
    case rows([GatewayPortView?])
    case retry
}
