import Foundation
import Logging
import OVSDB
import StatusProtocol

/// Keeps the `Gateway_Chassis` priorities of the router port in the order the election wants.
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
    var store: GatewayChassisStore?
    var events: AsyncStream<ReconcilerEvent>.Continuation?
    var eventLoop: Task<Void, Never>?
    var retryTimer: Task<Void, Never>?
    var retryDelay: Duration

    var isMaster = false
    var ranking: [GatewayMember] = []
    var nbState: OVSDBConnectionState = .idle
    var snapshotSeen = false
    var view: GatewayPortView?
    /// Bumped on every replica change, so a write's reply never overwrites fresher rows.
    var viewGeneration = 0
    /// The order we last wrote or found in place as the master, and when we last changed it.
    var lastOrder: [String]?
    var lastReorderAt: ContinuousClock.Instant?
    var lastWrite: Date?
    var lastWriteResult: String?
    var missingReported: [String] = []
    var writing = false
    var dirty = false
    /// Whether `options:nat-addresses` was ensured on this connection (GatewayReconciler+NATAddresses).
    var natAddressesEnsured = false
    public internal(set) var counters = GatewayWriteCounters()
    var writeObserver: (@Sendable (GatewayWriteOutcome) -> Void)?
    var statusObserver: (@Sendable (GatewayStatus) -> Void)?

    public init(config: GatewaySettings, logger: Logger) {
        self.settings = config
        self.logger = logger
        self.retryDelay = config.conflictRetryDelay
    }

    /// Connects to the northbound database and starts following it. Returns at once: an unreachable
    /// database is reported in `status()` and retried in the background.
    public func start() async {
        guard client == nil else { return }
        let client = OVSDBClient(remotes: settings.remotes, tls: settings.tls, logger: logger,
                                 options: settings.clientOptions)
        let (stream, sink) = AsyncStream<ReconcilerEvent>.makeStream()
        self.client = client
        self.store = GatewayChassisStore(client: client, logicalRouterPort: settings.logicalRouterPort)
        self.events = sink
        eventLoop = Task { for await event in stream { self.handle(event) } }
        await client.onStateChange { sink.yield(.connection($0)) }
        let port = settings.logicalRouterPort
        _ = try? await client.monitor(database: GatewayChassisStore.database,
                                      tables: GatewayChassisStore.monitoredTables) { snapshot in
            sink.yield(.rows(GatewayPortView.read(port: port, from: snapshot)))
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
        store = nil
        nbState = .idle
    }

    /// The agent's election result: whether this node masters the gateway group, and the members in order
    /// of merit (the master first). Called on every change.
    public func update(isMaster: Bool, ranking: [GatewayMember]) {
        if isMaster && !self.isMaster { lastOrder = nil }
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
            if !state.isConnected { natAddressesEnsured = false }
            if !state.isConnected { logger.warning("OVN northbound database down", metadata: ["state": "\(state)"]) }
        case .rows(let view):
            snapshotSeen = true
            if view == nil && self.view != nil {
                logger.warning("logical router port not found in the northbound database",
                               metadata: ["lrp": "\(settings.logicalRouterPort)"])
            }
            if self.view == nil { natAddressesEnsured = false }
            self.view = view
            viewGeneration += 1
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
    case rows(GatewayPortView?)
    case retry
}
