import BasicTypes
/// The election state machine of one VIP group: sans-I/O, no clock, no socket.
///
/// Every node advertises (backups too), so every node knows the ranking and the health of the
/// group; the machine turns events into actions. Semantics are VRRPv3's adapted to unicast peers:
/// - INIT → BACKUP on start; a starting node listens for one down interval (3 × advertInterval),
///   or less once it has heard every configured peer, before it claims anything.
/// - The order of merit is (healthy, not stepped down, priority, node address). The best candidate
///   takes over *at once* when the master falls silent for 3 × its interval, resigns (priority 0),
///   steps down or turns unhealthy: the others know they are not best and stay BACKUP, so there
///   is no skew wait.
/// - A better node preempts a healthy master only with `preempt`, after `preemptDelay`.
/// - A MASTER that hears a better MASTER yields.
/// - An unhealthy node is still a candidate: it wins only when no healthy node is reachable, so
///   the VIP is never left without a holder while any agent runs.
/// - FAULT when the host cannot serve; such a node is never a candidate.
public struct Election: Sendable {
    public let config: ElectionConfig
    public let me: NodeIdentity

    public private(set) var state: GroupState = .initial
    public private(set) var since: Instant = .zero
    public private(set) var reason = "not started"
    public private(set) var health: Health
    public private(set) var fault: String?
    public private(set) var peers: [PeerView] = []

    private var startedAt: Instant?
    /// Whether this node's checks have passed since it started: until they have, a node that
    /// would win only because nobody healthy is around waits out `startupGrace`.
    public private(set) var hasBeenHealthy: Bool
    private var listenUntil = Instant.zero
    private var nextAdvertAt = Instant.zero
    private var outrankSince: Instant?
    /// The other MASTER this one outranks and has re-announced over (split brain healing).
    private var outrankedMaster: String?
    /// Set when a peer that was unknown or silent is heard again; cleared by `evaluate`.
    private var peerReturned = false
    /// Peers heard again after falling silent, with the newest advert so far and when it counts.
    /// When a link comes back, the kernel delivers the adverts it queued while it resolved the
    /// peer's address, oldest first, within a few milliseconds: taken one by one they replay
    /// states that are over (healthy, unhealthy, healthy …) and make the others flap. So a
    /// returning peer's adverts are collected for a moment and only the newest is believed.
    private var returning: [String: (body: AdvertBody, settleAt: Instant)] = [:]
    /// How long a returning peer's adverts are collected: its advert interval, at most 100 ms.
    static let returnSettleCap: Int64 = 100_000_000
    /// End of a step-down hold: the node ranks below its peers until then.
    public private(set) var demotedUntil: Instant?
    private var stopped = false
    private var heard = Set<String>()
    /// The peer last seen as MASTER, and why it is not any more.
    private var lastMasterPeer: String?
    private var masterGone: String?

    public init(config: ElectionConfig, me: NodeIdentity, health: Health = .healthy) {
        self.config = config
        self.me = me
        self.health = health
        self.hasBeenHealthy = health == .healthy
    }

    // MARK: - Events

    public mutating func handle(_ event: ElectionEvent, at now: Instant) -> [ElectionAction] {
        guard !stopped else { return [] }
        var step = Step()
        switch event {
        case .start:
            guard startedAt == nil else { return [] }
            startedAt = now
            listenUntil = now + ElectionConfig.downIntervals * config.advertInterval
            transition(to: .backup, "started", now, &step)
        case .advertReceived(let body):
            guard startedAt != nil, body.routerId == config.routerId, body.nodeName != me.name else { return [] }
            admit(body, now, &step)
        case .timerFired:
            break
        case .healthChanged(let h):
            step.advertise = h != health
            health = h
            if h == .healthy { hasBeenHealthy = true }
        case .faultChanged(let f):
            step.advertise = f != fault
            fault = f
        case .stepDown:
            stepDown(now, &step)
        case .shutdown:
            return shutdown(now)
        }
        guard startedAt != nil else { return step.actions }
        settleReturningPeers(now)
        if let until = demotedUntil, until <= now {
            demotedUntil = nil
            step.advertise = true
        }
        evaluate(now, &step)
        if step.advertise || now >= nextAdvertAt {
            step.actions.append(.send(advert()))
            nextAdvertAt = now + config.advertInterval
        }
        step.actions.append(.armTimer(at: nextDeadline(now, step.wakeups)))
        return step.actions
    }

    // MARK: - Views

    public var isDemoted: Bool { demotedUntil != nil }

    /// What this node advertises right now.
    public func advert() -> AdvertBody {
        var flags: AdvertFlags = []
        if health == .healthy { flags.insert(.healthy) }
        if state == .master { flags.insert(.master) }
        if fault != nil { flags.insert(.fault) }
        if demotedUntil != nil { flags.insert(.demoted) }
        let ms = UInt16(clamping: config.advertInterval / 1_000_000)
        return AdvertBody(routerId: config.routerId, priority: stopped ? 0 : config.priority, flags: flags,
                          advertIntervalMilliseconds: ms, nodeName: me.name, nodeAddress: me.address)
    }

    /// The priority others rank this node by: 0 while faulted, demoted or stopped.
    public var effectivePriority: UInt8 {
        stopped || fault != nil || demotedUntil != nil ? 0 : config.priority
    }

    public var merit: Merit {
        Merit(demoted: demotedUntil != nil, healthy: health == .healthy, priority: config.priority,
              address: me.address, name: me.name)
    }

    /// The node this one believes holds the VIP.
    public func master(at now: Instant) -> NodeIdentity? {
        if state == .master { return me }
        return aliveMaster(now).map { NodeIdentity(name: $0.name, address: $0.body.nodeAddress) }
    }

    public func alivePeers(at now: Instant) -> [PeerView] { peers.filter { $0.isAlive(at: now) } }

    // MARK: - Decisions

    private struct Step {
        var actions: [ElectionAction] = []
        var advertise = false
        var wakeups: [Instant] = []
    }

    /// An advert of a known peer that had fallen silent starts (or joins) its settling window;
    /// anything else is recorded at once. A resign always counts at once.
    private mutating func admit(_ body: AdvertBody, _ now: Instant, _ step: inout Step) {
        let name = body.nodeName
        if body.isResign {
            returning[name] = nil
            record(body, now)
        } else if let pending = returning[name] {
            returning[name] = (body, pending.settleAt)
        } else if let peer = peers.first(where: { $0.name == name }), !peer.isAlive(at: now) {
            let settle = min(Int64(body.advertIntervalMilliseconds) * 1_000_000, Self.returnSettleCap)
            returning[name] = (body, now + settle)
            step.wakeups.append(now + settle)
        } else {
            record(body, now)
        }
    }

    private mutating func settleReturningPeers(_ now: Instant) {
        for (name, pending) in returning where pending.settleAt <= now {
            returning[name] = nil
            record(pending.body, now)
        }
    }

    private mutating func record(_ body: AdvertBody, _ now: Instant) {
        let index = peers.firstIndex { $0.name == body.nodeName }
        if body.isResign {
            guard let i = index else { return }
            if peers[i].isMaster && peers[i].isAlive(at: now) { masterGone = "\(body.nodeName) resigned" }
            peers.remove(at: i)
            return
        }
        if index.map({ !peers[$0].isAlive(at: now) }) ?? true { peerReturned = true }
        let life = ElectionConfig.downIntervals * Int64(body.advertIntervalMilliseconds) * 1_000_000
        let view = PeerView(body: body, lastHeard: now, expires: now + life)
        if let i = index { peers[i] = view } else { peers.append(view) }
        heard.insert(body.nodeName)
    }

    private func aliveMaster(_ now: Instant) -> PeerView? {
        var best: PeerView?
        for p in peers where p.isMaster && p.isAlive(at: now) {
            if best == nil || best!.merit < p.merit { best = p }
        }
        return best
    }

    private func bestCandidate(_ now: Instant) -> PeerView? {
        var best: PeerView?
        for p in peers where p.isCandidate && p.isAlive(at: now) {
            if best == nil || best!.merit < p.merit { best = p }
        }
        return best
    }

    private mutating func trackMaster(_ now: Instant) -> PeerView? {
        let current = aliveMaster(now)
        if let m = current {
            lastMasterPeer = m.name
            masterGone = nil
        } else if let name = lastMasterPeer {
            lastMasterPeer = nil
            if masterGone == nil {
                if let p = peers.first(where: { $0.name == name }), !p.isAlive(at: now) {
                    masterGone = "no advert from \(name) for \(formatNanoseconds(now - p.lastHeard))"
                } else {
                    masterGone = "\(name) is no longer MASTER"
                }
            }
        }
        return current
    }

    private mutating func evaluate(_ now: Instant, _ step: inout Step) {
        defer { peerReturned = false }
        if let f = fault {
            if state != .fault {
                if state == .master { step.actions.append(.removeVIP) }
                transition(to: .fault, f, now, &step)
            }
            return
        }
        if state == .fault { transition(to: .backup, "fault cleared", now, &step) }

        let masterPeer = trackMaster(now)
        let mine = merit
        let best = bestCandidate(now)
        let iAmBest = best.map { $0.merit < mine } ?? true

        switch state {
        case .master:
            outrankSince = nil
            if let m = masterPeer, mine < m.merit {
                step.actions.append(.removeVIP)
                transition(to: .backup, "yielding to \(m.name): \(m.merit.whyAbove(mine))", now, &step)
            } else {
                // A peer is back (a partition healed, a node restarted) or another MASTER is heard
                // that will yield: neighbours may have learnt another MAC for the VIP meanwhile.
                let newRival = masterPeer.map { $0.name != outrankedMaster } ?? false
                outrankedMaster = masterPeer?.name
                if newRival || peerReturned { step.actions.append(.announce) }
            }
        case .backup:
            guard iAmBest else {
                outrankSince = nil
                return
            }
            if now < listenUntil && heard.count < config.peerCount {
                step.wakeups.append(listenUntil)
                return
            }
            if !hasBeenHealthy, health != .healthy, let start = startedAt, now < start + config.startupGrace {
                step.wakeups.append(start + config.startupGrace)
                return
            }
            guard let m = masterPeer else {
                takeOver(masterGone ?? (peers.isEmpty ? "no peer heard" : "no MASTER among the peers heard"), now, &step)
                return
            }
            let theirs = m.merit
            let healthier = mine.healthy && !theirs.healthy
            let notSteppedDown = mine.healthy == theirs.healthy && theirs.demoted && !mine.demoted
            if healthier || notSteppedDown {
                takeOver(mine.whyAbove(theirs), now, &step)
            } else if !config.preempt {
                outrankSince = nil
            } else {
                let since = outrankSince ?? now
                outrankSince = since
                if now - since >= config.preemptDelay {
                    takeOver("preempting \(m.name): \(mine.whyAbove(theirs))", now, &step)
                } else {
                    step.wakeups.append(since + config.preemptDelay)
                }
            }
        case .initial, .fault:
            break
        }
    }

    private mutating func takeOver(_ why: String, _ now: Instant, _ step: inout Step) {
        outrankSince = nil
        masterGone = nil
        lastMasterPeer = nil
        transition(to: .master, why, now, &step)
        step.actions.append(.addVIP)
        step.actions.append(.announce)
    }

    private mutating func stepDown(_ now: Instant, _ step: inout Step) {
        guard state == .master else {
            step.actions.append(.notice("\(me.name) is \(state.rawValue), not MASTER: nothing to hand over"))
            return
        }
        demotedUntil = now + config.stepDownHold
        step.advertise = true
        if let next = bestCandidate(now), merit < next.merit {
            step.actions.append(.notice(
                "\(me.name) steps down: \(next.name) takes over; \(me.name) stays out for \(formatNanoseconds(config.stepDownHold))"))
        } else {
            step.actions.append(.notice("no other eligible node is reachable: \(me.name) stays MASTER"))
        }
    }

    private mutating func shutdown(_ now: Instant) -> [ElectionAction] {
        var step = Step()
        if state == .master { step.actions.append(.removeVIP) }
        if state != .initial { transition(to: .initial, "shutting down", now, &step) }
        stopped = true
        if startedAt != nil { step.actions.append(.send(advert())) }
        return step.actions
    }

    private mutating func transition(to new: GroupState, _ why: String, _ now: Instant, _ step: inout Step) {
        guard new != state else { return }
        step.actions.append(.transition(from: state, to: new, reason: why))
        state = new
        since = now
        reason = why
        step.advertise = true
    }

    private func nextDeadline(_ now: Instant, _ wakeups: [Instant]) -> Instant {
        var t = nextAdvertAt
        for p in peers where p.isAlive(at: now) && p.expires < t { t = p.expires }
        for w in wakeups where w > now && w < t { t = w }
        for p in returning.values where p.settleAt > now && p.settleAt < t { t = p.settleAt }
        if let d = demotedUntil, d < t { t = d }
        return t
    }
}
