import BasicTypes

/// One entry of `vips:` — a floating address and the election group that owns it.
public struct VIPConfig: Sendable, Equatable {
    public static let autoInterface = "auto"

    public var name: String
    public var address: IPAddress
    public var prefixLength: UInt8
    /// An interface name, or `auto`: the interface holding an address in the VIP's subnet.
    public var interface: String
    /// 1...255; defaults to the entry's index + 1.
    public var routerId: UInt8
    /// 1...254; higher wins.
    public var priority: UInt8
    public var preempt: Bool
    public var preemptDelay: Duration
    /// 10ms...10s.
    public var advertInterval: Duration
    /// Names of health checks that gate mastership of this VIP.
    public var checks: [String]
    /// How long a node told `vipctl step-down` stays out of the running.
    public var stepDownHold: Duration
    /// A VIP held for less than this moves again only when its holder dies, faults, resigns,
    /// steps down or fails its checks: no preemption, and a returning master yields to it.
    public var minHoldTime: Duration
    public static let defaultMinHoldTime: Duration = .seconds(2)

    public init(name: String, address: IPAddress, prefixLength: UInt8,
                interface: String = VIPConfig.autoInterface, routerId: UInt8, priority: UInt8 = 100,
                preempt: Bool = true, preemptDelay: Duration = .zero,
                advertInterval: Duration = .milliseconds(100), checks: [String] = [],
                stepDownHold: Duration = .seconds(60), minHoldTime: Duration = VIPConfig.defaultMinHoldTime) {
        self.name = name
        self.address = address
        self.prefixLength = prefixLength
        self.interface = interface
        self.routerId = routerId
        self.priority = priority
        self.preempt = preempt
        self.preemptDelay = preemptDelay
        self.advertInterval = advertInterval
        self.checks = checks
        self.stepDownHold = stepDownHold
        self.minHoldTime = minHoldTime
    }

    public var usesAutoInterface: Bool { interface == VIPConfig.autoInterface }

    /// `10.77.0.100/24`, as in the status document.
    public var cidr: String { "\(address)/\(prefixLength)" }
}
