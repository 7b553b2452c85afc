import ElectionProtocol

/// One election group inside the node core (a VIP, or the gateway): the election, when it wants
/// the timer, its counters, and the health it advertises with the reason behind it. The VIP and
/// gateway groups differ only in what their actions do to the host; this part is shared.
public struct GroupDriver: Sendable {
    public let name: String
    public private(set) var election: Election
    /// When the election wants `.timerFired`; nil while it wants nothing.
    private(set) var wake: Instant?
    public internal(set) var advertsSent: UInt64 = 0
    public internal(set) var advertsReceived: UInt64 = 0
    public internal(set) var transitions: UInt64 = 0
    /// The latest health input (checks and link).
    var healthInput = HealthGate.Input(checks: [], carrier: nil, interface: nil)
    /// Why the group is not healthy (a check's reason, a lost carrier); nil while healthy. A
    /// transition that follows later (yielding to the better master it made) carries it too.
    public private(set) var healthWhy: String?
    private var healthCause: String?

    init(name: String, election: Election) {
        self.name = name
        self.election = election
    }

    /// The election's actions for `event`, with the timer taken and reasons completed: a
    /// transition caused by this node's health names it (`cause`, or the standing health cause).
    mutating func handle(_ event: ElectionEvent, at now: Instant, cause: String? = nil) -> [ElectionAction] {
        var out: [ElectionAction] = []
        for action in election.handle(event, at: now) {
            switch action {
            case .armTimer(let at):
                wake = at
            case .send:
                out.append(action)
            case .transition(let from, let to, let reason):
                transitions &+= 1
                let why = cause ?? (election.health == .healthy ? nil : healthCause)
                out.append(.transition(from: from, to: to, reason: why.map { "\(reason) (\($0))" } ?? reason))
            default:
                out.append(action)
            }
        }
        if case .shutdown = event { wake = nil }
        return out
    }

    /// The group's state went out in a datagram of the node.
    mutating func markAdvertised(at now: Instant) {
        advertsSent &+= 1
        election.markAdvertised(at: now)
    }

    /// The timer is due for this group.
    func isDue(at now: Instant) -> Bool { wake.map { $0 <= now } ?? false }

    /// Evaluates the health gate; returns the actions of a health change (none when unchanged)
    /// and whether the health changed, with why.
    mutating func updateHealth(cause: String?, at now: Instant) -> (actions: [ElectionAction], changed: Bool, why: String?) {
        let (health, why) = HealthGate.evaluate(healthInput)
        healthWhy = why
        healthCause = health == .healthy ? nil : (cause ?? why)
        guard health != election.health else { return ([], false, why) }
        return (handle(.healthChanged(health), at: now, cause: cause ?? why), true, why)
    }

    mutating func setFault(_ fault: String?, at now: Instant) -> [ElectionAction] {
        guard fault != election.fault else { return [] }
        return handle(.faultChanged(fault), at: now)
    }
}
