/// What a node says about itself in a group, backups included: enough for every node to
/// compute the same ranking of the group.
public struct AdvertFlags: OptionSet, Hashable, Sendable {
    public let rawValue: UInt8
    public init(rawValue: UInt8) { self.rawValue = rawValue }

    /// Every health check gating this group passes.
    public static let healthy = AdvertFlags(rawValue: 1 << 0)
    /// The sender holds the VIP.
    public static let master = AdvertFlags(rawValue: 1 << 1)
    /// The sender cannot serve (interface missing, address conflict): never a candidate.
    public static let fault = AdvertFlags(rawValue: 1 << 2)
    /// The sender was told to step down and ranks below every other candidate for a while.
    public static let demoted = AdvertFlags(rawValue: 1 << 3)
    /// The sender became MASTER less than `minHoldTime` ago: it is not preempted, and a MASTER
    /// returning from a stall yields to it.
    public static let settling = AdvertFlags(rawValue: 1 << 4)
    /// The sender is a MASTER that did not run for longer than its peers wait (SIGSTOP, a
    /// starved host): it yields to a MASTER that took over meanwhile.
    public static let resumed = AdvertFlags(rawValue: 1 << 5)

    public static let all: AdvertFlags = [.healthy, .master, .fault, .demoted, .settling, .resumed]
}

/// What the sender hears of the group's master: the best MASTER it hears *directly* (never by
/// hearsay, so that a dead master cannot be kept alive by the peers vouching for each other),
/// and how long ago that master's latest datagram reached it.
public struct MasterView: Hashable, Sendable {
    public var master: NodeAddress
    /// Nanoseconds between the master's latest datagram and the sender's advert.
    public var age: Int64

    public init(master: NodeAddress, age: Int64) {
        self.master = master
        self.age = age
    }
}

/// The election content of one group in an advert. Priority 0 means "I am leaving" (resign).
public struct AdvertBody: Hashable, Sendable {
    public var routerId: UInt8
    public var priority: UInt8
    public var flags: AdvertFlags
    public var advertIntervalMilliseconds: UInt16
    /// The sender's name in this group (its node name; its chassis in the gateway group).
    public var nodeName: String
    public var nodeAddress: NodeAddress
    /// A digest of what the sender serves in this group (the VIP and its prefix; 0: not compared),
    /// so that peers configured with different addresses for one routerId are told apart.
    public var serviceDigest: UInt32
    /// The master the sender hears for this group (nil: none heard directly).
    public var view: MasterView?
    /// How long before this advert the sender last heard the receiver (nil: not heard at all).
    /// Only meaningful on reception: the datagram is built for one receiver.
    public var heardReceiverAge: Int64?

    public init(routerId: UInt8, priority: UInt8, flags: AdvertFlags, advertIntervalMilliseconds: UInt16,
                nodeName: String, nodeAddress: NodeAddress, serviceDigest: UInt32 = 0,
                view: MasterView? = nil, heardReceiverAge: Int64? = nil) {
        self.routerId = routerId
        self.priority = priority
        self.flags = flags
        self.advertIntervalMilliseconds = advertIntervalMilliseconds
        self.nodeName = nodeName
        self.nodeAddress = nodeAddress
        self.serviceDigest = serviceDigest
        self.view = view
        self.heardReceiverAge = heardReceiverAge
    }

    public var isResign: Bool { priority == 0 }
    public var interval: Int64 { Int64(advertIntervalMilliseconds) * 1_000_000 }
}
