/// `externalGateway:` — Kube-OVN centralized external-gateway failover, elected like a VIP.
public struct ExternalGatewayConfig: Sendable, Equatable {
    /// OVN northbound remotes: `tcp:host:port`, `ssl:host:port` or `unix:/path`.
    public var nb: [String]
    /// Client certificate and CA for `ssl:` remotes.
    public var tls: TLSFiles?
    /// The router ports whose `Gateway_Chassis` rows the one election orders (at least one).
    public var logicalRouterPorts: [String]
    /// `auto`: `external_ids:system-id` of the local Open_vSwitch database.
    public var chassis: String
    public var routerId: UInt8
    public var priority: UInt8
    /// The external-gw NIC; its carrier is an implicit check.
    public var nic: String?
    public var checks: [String]
    /// Shortest time a chassis keeps the gateway before it may move again.
    public var minHoldTime: Duration
    public var advertInterval: Duration
    public var preempt: Bool

    /// The first router port (the only one with the `logicalRouterPort` shorthand).
    public var logicalRouterPort: String { logicalRouterPorts.first ?? Self.defaultLogicalRouterPort }

    public static let defaultLogicalRouterPort = "ovn-cluster-external"
    public static let autoChassis = "auto"

    public init(nb: [String], tls: TLSFiles? = nil,
                logicalRouterPorts: [String] = [ExternalGatewayConfig.defaultLogicalRouterPort],
                chassis: String = ExternalGatewayConfig.autoChassis, routerId: UInt8,
                priority: UInt8 = 100, nic: String? = nil, checks: [String] = [],
                minHoldTime: Duration = .seconds(5), advertInterval: Duration = .milliseconds(100),
                preempt: Bool = true) {
        self.nb = nb
        self.tls = tls
        self.logicalRouterPorts = logicalRouterPorts
        self.chassis = chassis
        self.routerId = routerId
        self.priority = priority
        self.nic = nic
        self.checks = checks
        self.minHoldTime = minHoldTime
        self.advertInterval = advertInterval
        self.preempt = preempt
    }
}

/// PEM files for an mTLS connection.
public struct TLSFiles: Sendable, Equatable {
    public var caFile: String
    public var certFile: String
    public var keyFile: String

    public init(caFile: String, certFile: String, keyFile: String) {
        self.caFile = caFile
        self.certFile = certFile
        self.keyFile = keyFile
    }
}
