/// One election datagram (wire format v2): everything a node says to one peer in one advert
/// interval, for all its groups. See docs/protocol.md for the layout and the reasoning.
public struct Datagram: Hashable, Sendable {
    public var nodeName: String
    /// The sender's name in the gateway group (its chassis); nil when it has no gateway group.
    public var chassis: String?
    public var nodeAddress: NodeAddress
    /// Random, chosen at every start: never derived from the wall clock.
    public var epoch: UInt64
    /// Grows with every datagram the sender sends within one epoch.
    public var sequence: UInt64
    /// A nonce the receiver must echo before the receiver's own *new* epoch is believed by the
    /// sender (0: none).
    public var challenge: UInt64
    /// The latest challenge the receiver sent to the sender (0: none heard yet).
    public var echo: UInt64
    /// The peers the sender hears, with the age of their latest datagram.
    public var heard: [Heard]
    public var groups: [Group]

    public init(nodeName: String, chassis: String? = nil, nodeAddress: NodeAddress, epoch: UInt64,
                sequence: UInt64, challenge: UInt64 = 0, echo: UInt64 = 0, heard: [Heard] = [], groups: [Group]) {
        self.nodeName = nodeName
        self.chassis = chassis
        self.nodeAddress = nodeAddress
        self.epoch = epoch
        self.sequence = sequence
        self.challenge = challenge
        self.echo = echo
        self.heard = heard
        self.groups = groups
    }

    /// A peer the sender hears.
    public struct Heard: Hashable, Sendable {
        public var address: NodeAddress
        /// Milliseconds since its latest datagram reached the sender (saturates at 65,535).
        public var ageMilliseconds: UInt16

        public init(address: NodeAddress, ageMilliseconds: UInt16) {
            self.address = address
            self.ageMilliseconds = ageMilliseconds
        }
    }

    /// The sender's state in one group.
    public struct Group: Hashable, Sendable {
        public var routerId: UInt8
        public var priority: UInt8
        public var flags: AdvertFlags
        public var intervalMilliseconds: UInt16
        /// Index into `heard` of the master the sender hears directly in this group; nil: none.
        public var masterIndex: UInt8?
        /// Milliseconds since that master's latest datagram reached the sender.
        public var masterAgeMilliseconds: UInt16
        public var serviceDigest: UInt32

        public init(routerId: UInt8, priority: UInt8, flags: AdvertFlags, intervalMilliseconds: UInt16,
                    masterIndex: UInt8? = nil, masterAgeMilliseconds: UInt16 = 0, serviceDigest: UInt32 = 0) {
            self.routerId = routerId
            self.priority = priority
            self.flags = flags
            self.intervalMilliseconds = intervalMilliseconds
            self.masterIndex = masterIndex
            self.masterAgeMilliseconds = masterAgeMilliseconds
            self.serviceDigest = serviceDigest
        }
    }

    /// The group's advert as the receiver's election sees it (names the sender by its chassis
    /// in the gateway group). `receiver` finds the receiver's own age in `heard`.
    public func body(of group: Group, inGateway: Bool = false, receiver: NodeAddress) -> AdvertBody {
        var view: MasterView?
        if let i = group.masterIndex.map(Int.init), i < heard.count {
            view = MasterView(master: heard[i].address, age: Int64(group.masterAgeMilliseconds) * 1_000_000)
        }
        let me = heard.first { $0.address == receiver }.map { Int64($0.ageMilliseconds) * 1_000_000 }
        return AdvertBody(routerId: group.routerId, priority: group.priority, flags: group.flags,
                          advertIntervalMilliseconds: group.intervalMilliseconds,
                          nodeName: inGateway ? (chassis ?? nodeName) : nodeName, nodeAddress: nodeAddress,
                          serviceDigest: group.serviceDigest, view: view, heardReceiverAge: me)
    }
}

extension UInt16 {
    /// Nanoseconds as saturating milliseconds (for ages on the wire).
    public init(saturatingMilliseconds nanoseconds: Int64) {
        self = UInt16(clamping: Swift.max(0, nanoseconds) / 1_000_000)
    }
}
