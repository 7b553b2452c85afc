import BasicTypes

/// One entry of `healthChecks:`, with rise/fall hysteresis.
public struct HealthCheckConfig: Sendable, Equatable {
    public var name: String
    public var kind: HealthCheckKind
    public var interval: Duration
    /// Never longer than `interval`.
    public var timeout: Duration
    /// Consecutive successes before a failing check turns healthy.
    public var rise: Int
    /// Consecutive failures before a healthy check turns failing.
    public var fall: Int

    public init(name: String, kind: HealthCheckKind, interval: Duration = .seconds(1),
                timeout: Duration = .milliseconds(500), rise: Int = 2, fall: Int = 3) {
        self.name = name
        self.kind = kind
        self.interval = interval
        self.timeout = timeout
        self.rise = rise
        self.fall = fall
    }
}

/// What a health check probes. Exactly one per check.
public enum HealthCheckKind: Sendable, Equatable {
    /// GET `url` (https only); healthy on a 2xx answer.
    case https(url: String, caFile: String?, insecureSkipVerify: Bool, certFile: String?, keyFile: String?)
    /// A TCP connect to `host:port`.
    case tcp(address: String)
    /// Run `command` (argv, no shell); healthy on exit status 0.
    case exec(command: [String])
    /// An IPv4 `target` answers ARP on `interface`.
    case arp(target: IPAddress, interface: String)

    /// The YAML key naming this kind (`https`, `tcp`, `exec`, `arp`).
    public var keyword: String {
        switch self {
        case .https: return "https"
        case .tcp: return "tcp"
        case .exec: return "exec"
        case .arp: return "arp"
        }
    }
}
