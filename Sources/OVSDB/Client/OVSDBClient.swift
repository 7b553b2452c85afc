import Logging
import NIOCore
import NIOPosix

/// An RFC 7047 client for one database server or a cluster of them.
///
/// `connect()` starts a supervisor that keeps one connection up: it tries the remotes in order, moves to
/// the next member when a connection dies, and backs off (capped, exponential) after a whole round
/// failed. Monitors survive reconnections: each is re-issued and its replica replaced by the fresh dump.
/// A keep-alive `echo` that stays unanswered closes the connection, which makes the supervisor move on.
public actor OVSDBClient {
    public nonisolated let remotes: [OVSDBRemote]
    public nonisolated let tls: OVSDBTLS?
    public nonisolated let options: OVSDBClientOptions
    let logger: Logger
    let group: EventLoopGroup

    /// The connected remote, or why there is none.
    public internal(set) var connectionState: OVSDBConnectionState = .idle

    var supervisor: Task<Void, Never>?
    var channel: Channel?
    var remoteIndex = 0
    var nextRequestID = 1
    var pending: [Int: PendingRequest] = [:]
    var monitors: [Int: MonitorRegistration] = [:]
    var nextMonitorID = 1
    var connectWaiters: [CheckedContinuation<Void, Error>] = []
    var stateObservers: [@Sendable (OVSDBConnectionState) -> Void] = []
    var isClosed = false
    /// Why the keep-alive closed a channel, so the disconnection is reported with that reason.
    var keepAliveFailure: [ObjectIdentifier: String] = [:]

    public init(remotes: [OVSDBRemote], tls: OVSDBTLS? = nil, logger: Logger,
                options: OVSDBClientOptions = OVSDBClientOptions()) {
        self.remotes = remotes
        self.tls = tls
        self.logger = logger
        self.options = options
        self.group = MultiThreadedEventLoopGroup.singleton
    }

    /// Starts the connection supervisor if needed and waits until a remote is connected. Throws
    /// `connectFailed` (with every remote's error) when a whole round over the remotes failed; the
    /// supervisor keeps trying in the background until `close()`.
    public func connect() async throws {
        guard !isClosed else { throw OVSDBError.closed }
        guard !remotes.isEmpty else { throw OVSDBError.invalidRemote("empty remote list") }
        if connectionState.isConnected { return }
        if supervisor == nil {
            connectionState = .connecting(lastError: nil)
            supervisor = Task { await self.superviseConnection() }
        }
        try await withCheckedThrowingContinuation { continuation in
            connectWaiters.append(continuation)
        }
    }

    /// Closes the connection and stops reconnecting. Outstanding requests fail with `closed`.
    public func close() async {
        guard !isClosed else { return }
        isClosed = true
        supervisor?.cancel()
        supervisor = nil
        let channel = self.channel
        self.channel = nil
        failAllPending(OVSDBError.closed)
        resumeConnectWaiters(.failure(OVSDBError.closed))
        try? await channel?.close()
        setState(.idle)
    }

    /// `handler` is called on every change of `connectionState` (connected, lost, closed).
    public func onStateChange(_ handler: @escaping @Sendable (OVSDBConnectionState) -> Void) {
        stateObservers.append(handler)
    }

    /// Runs `operations` atomically in `database`. Throws `transactionFailed` naming the failed operation
    /// (a failed `wait` guard has `isWaitConflict`), `rpcError` with the server's text, or a connection error.
    public func transact(database: String, operations: [OVSDBOperation]) async throws -> [TransactionResult] {
        let params = JSONValue.array([.string(database)] + operations.map(\.json))
        let result = try await request("transact", params: params, timeout: options.requestTimeout)
        return try TransactionResults.check(result, operations: operations)
    }

    /// Replicates `tables` of `database`; `onUpdate` receives the replica after the initial dump and after
    /// every change. The monitor is kept across reconnections. When connected, the request is sent now
    /// and server errors (unknown table or column) are thrown; otherwise it is sent on connection.
    @discardableResult
    public func monitor(database: String, tables: [MonitorTable],
                        onUpdate: @escaping MonitorHandler) async throws -> DatabaseSnapshot {
        let id = nextMonitorID
        nextMonitorID += 1
        let registration = MonitorRegistration(id: id, database: database, tables: tables, onUpdate: onUpdate,
                                               snapshot: DatabaseSnapshot(tables: tables.map(\.name)))
        monitors[id] = registration
        guard connectionState.isConnected else { return registration.snapshot }
        do {
            try await startMonitor(id)
        } catch {
            monitors[id] = nil
            throw error
        }
        return monitors[id]?.snapshot ?? registration.snapshot
    }

    /// The current replica of a monitor started with `monitor(database:tables:onUpdate:)`.
    public func snapshot(database: String) -> DatabaseSnapshot? {
        monitors.values.sorted { $0.id < $1.id }.first { $0.database == database }?.snapshot
    }

    /// Names of the databases the server holds (`list_dbs`).
    public func listDatabases() async throws -> [String] {
        let result = try await request("list_dbs", params: .array([]), timeout: options.requestTimeout)
        guard let names = result.arrayValue?.compactMap(\.stringValue) else {
            throw OVSDBError.protocolViolation("list_dbs result is not an array of strings: \(result)")
        }
        return names
    }

    func setState(_ state: OVSDBConnectionState) {
        guard state != connectionState else { return }
        connectionState = state
        for observer in stateObservers { observer(state) }
    }

    func resumeConnectWaiters(_ result: Result<Void, Error>) {
        let waiters = connectWaiters
        connectWaiters = []
        for waiter in waiters { waiter.resume(with: result) }
    }
}
