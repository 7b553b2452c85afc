/// What a node says about itself in every advert, backups included: enough for every node to
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

    public static let all: AdvertFlags = [.healthy, .master, .fault, .demoted]
}

/// The election content of an advert. Priority 0 means "I am leaving" (resign).
public struct AdvertBody: Hashable, Sendable {
    public var routerId: UInt8
    public var priority: UInt8
    public var flags: AdvertFlags
    public var advertIntervalMilliseconds: UInt16
    public var nodeName: String
    public var nodeAddress: NodeAddress

    public init(routerId: UInt8, priority: UInt8, flags: AdvertFlags, advertIntervalMilliseconds: UInt16,
                nodeName: String, nodeAddress: NodeAddress) {
        self.routerId = routerId
        self.priority = priority
        self.flags = flags
        self.advertIntervalMilliseconds = advertIntervalMilliseconds
        self.nodeName = nodeName
        self.nodeAddress = nodeAddress
    }

    public var isResign: Bool { priority == 0 }
}

/// An advert as it travels: the body plus the sender's boot epoch and sequence number, which
/// let receivers refuse replays.
public struct Advert: Hashable, Sendable {
    public var body: AdvertBody
    /// Chosen once per agent start and never smaller than a previous start's (wall-clock based).
    public var epoch: UInt64
    /// Strictly increasing for every advert a node sends within one epoch.
    public var sequence: UInt64

    public init(body: AdvertBody, epoch: UInt64, sequence: UInt64) {
        self.body = body
        self.epoch = epoch
        self.sequence = sequence
    }
}
