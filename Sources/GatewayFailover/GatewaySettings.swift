import OVSDB

/// What the reconciler needs to know; the agent builds it from `externalGateway:`.
public struct GatewaySettings: Sendable {
    public var remotes: [OVSDBRemote]
    public var tls: OVSDBTLS?
    public var logicalRouterPort: String
    /// This node's chassis name (already resolved from `auto`).
    public var ownChassis: String
    /// At most one reorder per this much time; restoring our own order is not limited.
    public var minHoldTime: Duration
    /// Shown in the status document.
    public var routerId: Int
    public var clientOptions: OVSDBClientOptions
    /// Delay before planning again after another writer won a race (the monitor brings its rows).
    public var conflictRetryDelay: Duration
    /// Retry delays after a failed write: doubled from `conflictRetryDelay` up to this.
    public var maxRetryDelay: Duration

    public init(remotes: [OVSDBRemote], tls: OVSDBTLS? = nil, logicalRouterPort: String = "ovn-cluster-external",
                ownChassis: String, minHoldTime: Duration = .seconds(5), routerId: Int = 0,
                clientOptions: OVSDBClientOptions = OVSDBClientOptions(),
                conflictRetryDelay: Duration = .milliseconds(50), maxRetryDelay: Duration = .seconds(5)) {
        self.remotes = remotes
        self.tls = tls
        self.logicalRouterPort = logicalRouterPort
        self.ownChassis = ownChassis
        self.minHoldTime = minHoldTime
        self.routerId = routerId
        self.clientOptions = clientOptions
        self.conflictRetryDelay = conflictRetryDelay
        self.maxRetryDelay = maxRetryDelay
    }
}
