import AgentConfig
import BasicTypes
import ElectionProtocol

/// What a node core is built from: the configuration, and the few facts the runtime finds out
/// before it starts (the node's own address, its gateway chassis, the advert epoch).
public struct NodeSettings: Sendable {
    public var configuration: Configuration
    public var identity: NodeIdentity
    /// This node's name in the gateway group (`externalGateway.chassis`, resolved); nil: no group.
    public var chassis: String?
    /// Boot epoch of the advert sequence (wall-clock nanoseconds at start, so it only grows).
    public var epoch: UInt64
    /// Overrides how long a lost interface must last before it counts (default: like carrier
    /// loss, twice the group's advert interval, at least 200 ms). Only for tests that replay the
    /// behaviour before the interface loss was debounced.
    public var interfaceLossHold: Duration?

    public init(configuration: Configuration, identity: NodeIdentity, chassis: String? = nil,
                epoch: UInt64, interfaceLossHold: Duration? = nil) {
        self.configuration = configuration
        self.identity = identity
        self.chassis = chassis
        self.epoch = epoch
        self.interfaceLossHold = interfaceLossHold
    }

    /// The configured peers, as election addresses.
    public var peers: Set<NodeAddress> { Set(configuration.cluster.peers.map(NodeAddress.init)) }

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
