import AgentConfig
import BasicTypes
import ElectionProtocol
import HostModel

/// One VIP inside the node core: its election and where it is on the host. The decisions are
/// the election's; this records whether the node holds the VIP, on which interface it was put,
/// the interface resolution behind that, and the debounce of losing the link under it.
public struct VIPGroup: Sendable {
    public internal(set) var config: VIPConfig
    public internal(set) var driver: GroupDriver
    /// True while this node should have the VIP on the host (it is MASTER).
    public internal(set) var holding = false
    /// Where the VIP was last put (nil while not holding or when no interface could be used).
    public internal(set) var placedOn: String?
    public internal(set) var resolution = InterfaceResolver.Resolution(interface: nil)
    var carrierLoss: LossHold
    var interfaceLoss: LossHold
    var announcements: AnnounceSchedule
    /// The interface the VIP was on before the last placement, to undo an optimistic update
    /// when the host refuses a step; whether that placement added the VIP.
    var placedBefore: String?
    var placementAdded = false
    /// Set while the host refuses to take the VIP (EPERM, EADDRNOTAVAIL …): the group is FAULT
    /// with this reason until `placementRetryAt`, then tries again; the wait doubles with every
    /// failure in a row (1 s … 30 s) and is forgotten once a placement succeeds.
    public internal(set) var placementFault: String?
    var placementRetryAt: Instant?
    var placementFailures = 0
    /// Set while another host answers ARP for the VIP ("address conflict: … is answered by
    /// <MAC>"): the group is FAULT until the runtime's probes find it gone.
    public internal(set) var conflictFault: String?
    /// The MAC of the host answering for the VIP while `conflictFault` is set.
    public internal(set) var conflictOwner: String?
    /// The MAC of `placedOn` when last seen, to announce again when it changes.
    var placedMAC: [UInt8]?

    init(config: VIPConfig, identity: NodeIdentity, peerCount: Int, settings: NodeSettings) {
        self.config = config
        driver = GroupDriver(name: config.name, election: Election(
            config: Self.electionConfig(config, peerCount: peerCount, settings: settings), me: identity,
            health: config.checks.isEmpty ? .healthy : .unknown))
        let hold = settings.linkDownHold(advertInterval: config.advertInterval)
        carrierLoss = LossHold(hold: hold)
        interfaceLoss = LossHold(hold: settings.interfaceLossHold?.nanoseconds ?? hold)
        announcements = AnnounceSchedule(settings: settings.configuration.announce)
        hostFault = settings.hostFault
    }

    static func electionConfig(_ config: VIPConfig, peerCount: Int, settings: NodeSettings) -> ElectionConfig {
        ElectionConfig(
            routerId: config.routerId, priority: config.priority, preempt: config.preempt,
            preemptDelay: config.preemptDelay, advertInterval: config.advertInterval,
            startupGrace: settings.configuration.startupGrace, stepDownHold: config.stepDownHold,
            peerCount: peerCount, minHoldTime: config.minHoldTime, serviceDigest: Self.digest(config.cidr),
            selfTimed: false)
    }

    /// A reload with the same VIP (name, address, interface, routerId): the new parameters for
    /// the host side; the election's come back for `.reconfigured`. State is kept.
    mutating func reconfigure(_ fresh: VIPConfig, peerCount: Int, settings: NodeSettings) -> ElectionConfig {
        config = fresh
        let hold = settings.linkDownHold(advertInterval: fresh.advertInterval)
        carrierLoss.hold = hold
        interfaceLoss.hold = settings.interfaceLossHold?.nanoseconds ?? hold
        announcements.reconfigure(settings.configuration.announce)
        return Self.electionConfig(fresh, peerCount: peerCount, settings: settings)
    }

    public var name: String { config.name }
    public var address: IPAddress { config.address }
    public var election: Election { driver.election }

    /// What keeps this node from serving the VIP: no usable interface, a host that refuses it,
    /// or another host that answers for it.
    var fault: String? { hostFault ?? resolution.fault ?? placementFault ?? conflictFault }
    /// From `NodeSettings.hostFault`.
    var hostFault: String?

    /// The earliest instant this group wants the timer for its host side.
    var hostDeadline: Instant? {
        func earlier(_ a: Instant?, _ b: Instant?) -> Instant? {
            guard let a else { return b }
            guard let b else { return a }
            return min(a, b)
        }
        return earlier(earlier(carrierLoss.deadline, interfaceLoss.deadline), placementRetryAt)
    }

    /// FNV-1a of the VIP's address and prefix: peers compare it to tell a disagreeing peer.
    static func digest(_ text: String) -> UInt32 {
        var h: UInt32 = 2_166_136_261
        for b in text.utf8 { h = (h ^ UInt32(b)) &* 16_777_619 }
        return h == 0 ? 1 : h
    }

    static let placementRetryFirst: Int64 = 1_000_000_000
    static let placementRetryMax: Int64 = 30_000_000_000
}
