import AgentConfig
import BasicTypes
import ElectionProtocol

/// What a node core is built from: the configuration, and the few facts the runtime finds out
/// before it starts (the node's own address, its gateway chassis, the advert epoch).
public struct NodeSettings: Sendable {
    public var configuration: Configuration {
        didSet { sortedPeers = Self.sortedPeers(of: configuration) }
    }
    public var identity: NodeIdentity
    /// This node's name in the gateway group (`externalGateway.chassis`, resolved); nil: no group.
    public var chassis: String?
    /// The epoch of this start's adverts: random (never the wall clock; see docs/protocol.md).
    public var epoch: UInt64
    /// Seeds the challenges this node sends its peers (random in the runtime).
    public var nonceSeed: UInt64
    /// Overrides how long a lost interface must last before it counts (default: like carrier
    /// loss, twice the group's advert interval, at least 200 ms). Only for tests that replay the
    /// behaviour before the interface loss was debounced.
    public var interfaceLossHold: Duration?
    /// Why this host can never hold a VIP while the agent runs (a capability it lacks): every
    /// VIP group is FAULT with this reason, and never claims (no retry could succeed).
    public var hostFault: String?

    public init(configuration: Configuration, identity: NodeIdentity, chassis: String? = nil,
                epoch: UInt64, nonceSeed: UInt64? = nil, interfaceLossHold: Duration? = nil, hostFault: String? = nil) {
        self.hostFault = hostFault
        self.configuration = configuration
        sortedPeers = Self.sortedPeers(of: configuration)
        self.identity = identity
        self.chassis = chassis
        self.epoch = epoch
        self.nonceSeed = nonceSeed ?? (epoch ^ 0x5DEE_CE66_D1CE_5EED)
        self.interfaceLossHold = interfaceLossHold
    }

    /// The configured peers as election addresses, in address order: the order datagrams go out
    /// and the heard list is written (kept with the configuration: read on every datagram).
    public private(set) var sortedPeers: [NodeAddress]
    /// The same as a set.
    public var peers: Set<NodeAddress> { Set(sortedPeers) }

    private static func sortedPeers(of configuration: Configuration) -> [NodeAddress] {
        Set(configuration.cluster.peers.map(NodeAddress.init)).sorted()
    }

    /// How long a lost carrier must last before it counts: twice the advert interval, at least
    /// 200 ms.
    func linkDownHold(advertInterval: Duration) -> Int64 {
        max(advertInterval.nanoseconds * 2, 200_000_000)
    }
}

extension NodeAddress {
    /// The election form of a configured address.
    public init(_ ip: IPAddress) { self = NodeAddress(bytes: ip.bytes)! }  // IPAddress is 4 or 16 bytes
}
