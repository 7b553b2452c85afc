/// The whole `vip-agent` configuration, every optional key resolved to its default.
/// Built by `ConfigLoader`; see CONTRACT.md for the YAML it comes from.
public struct Configuration: Sendable, Equatable {
    /// This node's name in adverts and status; defaults to the host name.
    public var node: String
    public var cluster: ClusterConfig
    public var vips: [VIPConfig]
    public var healthChecks: [HealthCheckConfig]
    /// How long a node with no healthy peer and no passed check waits before claiming.
    public var startupGrace: Duration
    public var announce: AnnounceConfig
    public var status: StatusConfig
    public var externalGateway: ExternalGatewayConfig?
    public var host: HostConfig

    public static let defaultStartupGrace: Duration = .seconds(60)

    public init(node: String, cluster: ClusterConfig, vips: [VIPConfig],
                healthChecks: [HealthCheckConfig] = [],
                startupGrace: Duration = Configuration.defaultStartupGrace,
                announce: AnnounceConfig = AnnounceConfig(), status: StatusConfig = StatusConfig(),
                externalGateway: ExternalGatewayConfig? = nil, host: HostConfig = HostConfig()) {
        self.node = node
        self.cluster = cluster
        self.vips = vips
        self.healthChecks = healthChecks
        self.startupGrace = startupGrace
        self.announce = announce
        self.status = status
        self.externalGateway = externalGateway
        self.host = host
    }

    /// The health check named `name`, if configured.
    public func healthCheck(named name: String) -> HealthCheckConfig? {
        healthChecks.first { $0.name == name }
    }
}

/// `announce:` — gratuitous ARP / unsolicited NA after becoming master.
public struct AnnounceConfig: Sendable, Equatable {
    public var garpCount: Int
    public var garpInterval: Duration
    /// Periodic re-announcement while master; `.zero` means off.
    public var refreshInterval: Duration

    public init(garpCount: Int = 5, garpInterval: Duration = .milliseconds(100),
                refreshInterval: Duration = .seconds(30)) {
        self.garpCount = garpCount
        self.garpInterval = garpInterval
        self.refreshInterval = refreshInterval
    }
}

/// `status:` — the vipctl socket and the Prometheus endpoint.
public struct StatusConfig: Sendable, Equatable {
    public static let defaultSocket = "/run/vip-agent/status.sock"
    public static let defaultMetrics = "127.0.0.1:9450"

    public var socket: String
    /// Group that owns the socket (mode 0660) and so may use vipctl.
    public var socketGroup: String
    /// `host:port` for `/metrics`; `nil` when off (an empty string in YAML).
    public var metrics: String?

    public init(socket: String = StatusConfig.defaultSocket, socketGroup: String = "root",
                metrics: String? = StatusConfig.defaultMetrics) {
        self.socket = socket
        self.socketGroup = socketGroup
        self.metrics = metrics
    }

    /// `metrics` parsed, when on.
    public var metricsEndpoint: HostPort? { metrics.flatMap(HostPort.init) }
}

/// `host:` — what the agent may repair on the host.
public struct HostConfig: Sendable, Equatable {
    /// Remove the copy of a node address left on an enslaved port (an OVS or bridge port, or a
    /// VLAN on one) while the same address is on a usable interface. Off by default.
    public var repairDuplicates: Bool

    public init(repairDuplicates: Bool = false) {
        self.repairDuplicates = repairDuplicates
    }
}
