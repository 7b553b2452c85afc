import OVSDB

/// What the reconciler needs to know; the agent builds it from `externalGateway:`.
public struct GatewaySettings: Sendable {
    public var remotes: [OVSDBRemote]
    public var tls: OVSDBTLS?
    /// The router ports whose `Gateway_Chassis` rows follow the one election, in configured order.
    public var logicalRouterPorts: [String]
    /// This node's chassis name (already resolved from `auto`).
    public var ownChassis: String
    /// At most one reorder per this much time (per port); restoring our own order is not limited.
    public var minHoldTime: Duration
    /// Shown in the status document.
    public var routerId: Int
    public var clientOptions: OVSDBClientOptions
    /// Delay before planning again after another writer won a race (the monitor brings its rows).
    public var conflictRetryDelay: Duration
    /// Retry delays after a failed write: doubled from `conflictRetryDelay` up to this.
    public var maxRetryDelay: Duration

    public static let defaultLogicalRouterPort = "ovn-cluster-external"

    /// The first router port: the one the status document's single-port fields describe.
    public var logicalRouterPort: String { logicalRouterPorts.first ?? Self.defaultLogicalRouterPort }

    public init(remotes: [OVSDBRemote], tls: OVSDBTLS? = nil,
                logicalRouterPorts: [String] = [GatewaySettings.defaultLogicalRouterPort],
                ownChassis: String, minHoldTime: Duration = .seconds(5), routerId: Int = 0,
                clientOptions: OVSDBClientOptions = OVSDBClientOptions(),
                conflictRetryDelay: Duration = .milliseconds(50), maxRetryDelay: Duration = .seconds(5)) {
        self.remotes = remotes
        self.tls = tls
        self.logicalRouterPorts = logicalRouterPorts.isEmpty ? [Self.defaultLogicalRouterPort] : logicalRouterPorts
        self.ownChassis = ownChassis
        self.minHoldTime = minHoldTime
        self.routerId = routerId
        self.clientOptions = clientOptions
        self.conflictRetryDelay = conflictRetryDelay
        self.maxRetryDelay = maxRetryDelay
    }

    /// One router port (the `logicalRouterPort:` shorthand).
    public init(remotes: [OVSDBRemote], tls: OVSDBTLS? = nil, logicalRouterPort: String,
                ownChassis: String, minHoldTime: Duration = .seconds(5), routerId: Int = 0,
                clientOptions: OVSDBClientOptions = OVSDBClientOptions(),
                conflictRetryDelay: Duration = .milliseconds(50), maxRetryDelay: Duration = .seconds(5)) {
        self.init(remotes: remotes, tls: tls, logicalRouterPorts: [logicalRouterPort], ownChassis: ownChassis,
                  minHoldTime: minHoldTime, routerId: routerId, clientOptions: clientOptions,
                  conflictRetryDelay: conflictRetryDelay, maxRetryDelay: maxRetryDelay)
    }
}
