/// The externally visible state of one election group (contract names).
public enum GroupState: String, Sendable, CaseIterable {
    case initial = "INIT"
    case backup = "BACKUP"
    case master = "MASTER"
    case fault = "FAULT"
}

/// The aggregate of the group's health checks, as the election sees it.
public enum Health: Sendable, Equatable {
    /// No gating check has passed yet (start-up): ranks as unhealthy, and a node that is best
    /// only because nobody healthy is around waits `startupGrace` before claiming.
    case unknown
    case healthy
    case unhealthy
}

/// Who a node is in the election.
public struct NodeIdentity: Hashable, Sendable {
    public var name: String
    public var address: NodeAddress
    public init(name: String, address: NodeAddress) {
        self.name = name
        self.address = address
    }
}

/// The election parameters of one group, in nanoseconds.
public struct ElectionConfig: Sendable, Equatable {
    public var routerId: UInt8
    public var priority: UInt8
    public var preempt: Bool
    public var preemptDelay: Int64
    public var advertInterval: Int64
    public var startupGrace: Int64
    public var stepDownHold: Int64
    /// How many peers are configured: once all have been heard, a starting node decides at once
    /// instead of listening for a whole down interval.
    public var peerCount: Int
    /// A MASTER that took the VIP less than this long ago is not preempted, and wins against
    /// another MASTER that is not settling (flap damping); 0: off.
    public var minHoldTime: Int64
    /// What this node serves in the group, digested (see `AdvertBody.serviceDigest`).
    public var serviceDigest: UInt32
    /// Whether the election sends its periodic adverts itself (a lone group). The node core
    /// sends one datagram for all its groups on its own schedule and sets this to false: the
    /// election then asks to advertise only when what it says changes.
    public var selfTimed: Bool

    public init(routerId: UInt8, priority: UInt8, preempt: Bool = true, preemptDelay: Duration = .zero,
                advertInterval: Duration = .milliseconds(100), startupGrace: Duration = .seconds(60),
                stepDownHold: Duration = .seconds(60), peerCount: Int, minHoldTime: Duration = .zero,
                serviceDigest: UInt32 = 0, selfTimed: Bool = true) {
        self.routerId = routerId
        self.priority = priority
        self.preempt = preempt
        self.preemptDelay = preemptDelay.nanoseconds
        self.advertInterval = advertInterval.nanoseconds
        self.startupGrace = startupGrace.nanoseconds
        self.stepDownHold = stepDownHold.nanoseconds
        self.peerCount = peerCount
        self.minHoldTime = minHoldTime.nanoseconds
        self.serviceDigest = serviceDigest
        self.selfTimed = selfTimed
    }

    /// Silence after which a peer (the master included) is considered gone: 3 × its interval.
    /// Two lost adverts and a late third are not a death: a peer silent for two send intervals
    /// is asked eight times an interval and answers at once (NodeCore+Datagrams).
    public static let downIntervals: Int64 = 3

    /// How long after the latest evidence a peer with this interval is still alive.
    public static func life(_ interval: Int64) -> Int64 { downIntervals * interval }
}

/// What happens to a group.
public enum ElectionEvent: Sendable, Equatable {
    case start
    case advertReceived(AdvertBody)
    case timerFired
    case healthChanged(Health)
    /// nil: the host can serve again.
    case faultChanged(String?)
    case stepDown
    case shutdown
    /// The configuration was reloaded: these parameters from now on, state kept; `forget`: peers
    /// no longer configured.
    case reconfigured(ElectionConfig, forget: [NodeAddress])
    /// This node was not running from `since` until now (its own process or host stalled): the
    /// silence of its peers over that time is not evidence, so nobody is declared dead until
    /// they have had one interval to be heard again.
    case resumed(since: Instant)
}

/// What the group asks its surroundings to do, in order.
public enum ElectionAction: Sendable, Equatable {
    case send(AdvertBody)
    case addVIP
    case removeVIP
    /// Gratuitous ARP / unsolicited NA for the VIP.
    case announce
    case transition(from: GroupState, to: GroupState, reason: String)
    /// A message for the operator (step-down answers).
    case notice(String)
    /// This node did not hear the master for 3 intervals, but peers do: it stays BACKUP.
    case evidenceSaved(master: String, silence: Int64)
    /// Call `handle(.timerFired, at:)` at this instant (replaces any earlier timer).
    case armTimer(at: Instant)
}
