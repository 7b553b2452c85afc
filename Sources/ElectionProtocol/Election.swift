import BasicTypes
/// The election state machine of one group: sans-I/O, no clock, no socket.
///
/// Every node advertises (backups too), so every node knows the ranking and the health of the
/// group; the machine turns events into actions. Semantics are VRRPv3's adapted to unicast peers:
/// - INIT → BACKUP on start; a starting node listens for one down interval (3 × advertInterval),
///   or less once it has heard every configured peer, before it claims anything.
/// - The order of merit is (healthy, not stepped down, priority, node address). The best candidate
///   takes over *at once* when the master is dead, resigns (priority 0), steps down or turns
///   unhealthy: the others know they are not best and stay BACKUP, so there is no skew wait.
/// - The master is dead only on evidence: 3 of its intervals without its advert *and* without a
///   peer that hears it (every advert carries the sender's view of the master), and, when other
///   peers are heard, only once each of them has spoken more than 1¼ intervals after that
///   evidence (so their silence about the master is confirmed) or a further interval has passed.
/// - A better node preempts a healthy master only with `preempt`, after `preemptDelay`, and not
///   while the master is settling (`minHoldTime`).
/// - Of two MASTERs, the one below yields: health and step-down first, then a MASTER back from
///   a stall of its own yields to one that is settling, then merit. A MASTER yields also when a peer that hears it reports another MASTER it
///   ranks above (a one-way link: the two cannot hear each other, the peer hears both).
/// - An unhealthy node is still a candidate: it wins only when no healthy node is reachable, so
///   the VIP is never left without a holder while any agent runs.
/// - FAULT when the host cannot serve; such a node is never a candidate.
public struct Election: Sendable {
    public private(set) var config: ElectionConfig
    public let me: NodeIdentity

    public private(set) var state: GroupState = .initial
    public private(set) var since: Instant = .zero
    public private(set) var reason = "not started"
    public private(set) var health: Health
    public private(set) var fault: String?
    public private(set) var peers: [PeerView] = []
    /// How often peers vouching for a master this node did not hear kept it from taking over.
    public private(set) var evidenceSaves: UInt64 = 0

    private var startedAt: Instant?
    /// Whether this node's checks have passed since it started: until they have, a node that
    /// would win only because nobody healthy is around waits out `startupGrace`.
    public private(set) var hasBeenHealthy: Bool
    private var listenUntil = Instant.zero
    private var nextAdvertAt = Instant.zero
    private var outrankSince: Instant?
    /// The other MASTER this one outranks and has re-announced over (split brain healing).
    private var outrankedMaster: NodeAddress?
    /// Set when a peer that was unknown or silent is heard again; cleared by `evaluate`.
    private var peerReturned = false
    /// Peers heard again after falling silent, with the newest advert so far and when it counts.
    /// When a link comes back, the kernel delivers the adverts it queued while it resolved the
    /// peer's address, oldest first, within a few milliseconds: taken one by one they replay
    /// states that are over (healthy, unhealthy, healthy …) and make the others flap. So a
    /// returning peer's adverts are collected for a moment and only the newest is believed.
    private var returning: [NodeAddress: (body: AdvertBody, settleAt: Instant)] = [:]
    /// How long a returning peer's adverts are collected: its advert interval, at most 100 ms.
    static let returnSettleCap: Int64 = 100_000_000
    /// End of a step-down hold: the node ranks below its peers until then.
    public private(set) var demotedUntil: Instant?
    private var stopped = false
    private var heard = Set<NodeAddress>()
    /// The peer last seen as MASTER, and why it is not any more.
    private var lastMasterPeer: NodeAddress?
    private var masterGone: String?
    /// A MASTER that peers hear but this node has never heard (a one-way link since start).
    private var unheardMasterUntil: Instant?
    /// After a stall of this node: peers alive when it began stay alive until `graceUntil`.
    private var stall: (began: Instant, graceUntil: Instant)?
    /// A MASTER that did not run for longer than its peers wait says so until then.
    private var resumedUntil: Instant?
    /// Masters whose silence peers' evidence is covering now (counted once per episode).
    private var covered = Set<NodeAddress>()
    /// The flags of the last advert, to advertise at once when they change.
    private var advertisedFlags: AdvertFlags?

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
            guard startedAt != nil, body.routerId == config.routerId, body.nodeAddress != me.address else { return [] }
            if refreshOnly(body, now) { return [] }
            admit(body, now, &step)
        case .timerFired:
            break
        case .healthChanged(let h):
            health = h
            if h == .healthy { hasBeenHealthy = true }
        case .faultChanged(let f):
            fault = f
        case .stepDown:
            stepDown(now, &step)
        case .shutdown:
            return shutdown(now)
        case .reconfigured(let fresh, let forget):
            reconfigure(fresh, forgetting: forget, now, &step)
        case .resumed(let began):
            stall = (began, now + config.advertInterval)
            if state == .master, now - began >= ElectionConfig.life(config.advertInterval) {
                resumedUntil = now + ElectionConfig.downIntervals * config.advertInterval
            }
        }
        guard startedAt != nil else { return step.actions }
        settleReturningPeers(now)
        if let until = demotedUntil, until <= now { demotedUntil = nil }
        if let s = stall, s.graceUntil <= now { stall = nil }
        if let r = resumedUntil, r <= now || state != .master { resumedUntil = nil }
        refreshLiveness(now, &step)
        evaluate(now, &step)
        let current = advert(at: now)
        if current.flags != advertisedFlags { step.advertise = true }
        if step.advertise || (config.selfTimed && now >= nextAdvertAt) {
            step.actions.append(.send(current))
            markAdvertised(at: now)
        }
        step.actions.append(.armTimer(at: nextDeadline(now, step.wakeups)))
        return step.actions
    }

    /// The node core sent this group's state in a datagram (its own schedule).
    public mutating func markAdvertised(at now: Instant) {
        advertisedFlags = advert(at: now).flags
        // Keep the cadence when the timer fired a little late, so that late timers do not
        // stretch the gaps between adverts.
        let due = nextAdvertAt + config.advertInterval
        nextAdvertAt = now - nextAdvertAt < config.advertInterval && due > now ? due : now + config.advertInterval
    }

    // MARK: - Views

    public var isDemoted: Bool { demotedUntil != nil }

    /// Whether this node became MASTER less than `minHoldTime` ago.
    public func isSettling(at now: Instant) -> Bool {
        state == .master && config.minHoldTime > 0 && now - since < config.minHoldTime
    }

    /// What this node advertises right now.
    public func advert(at now: Instant) -> AdvertBody {
        var flags: AdvertFlags = []
        if health == .healthy { flags.insert(.healthy) }
        if state == .master { flags.insert(.master) }
        if fault != nil { flags.insert(.fault) }
        if demotedUntil != nil { flags.insert(.demoted) }
        if isSettling(at: now) { flags.insert(.settling) }
        if state == .master, let r = resumedUntil, r > now { flags.insert(.resumed) }
        let ms = UInt16(clamping: config.advertInterval / 1_000_000)
        // No view while a MASTER that has just come back is still being settled: this node does
        // not know yet which of the MASTERs it ranks first, and peers act on the view.
        let unsettled = returning.values.contains { $0.body.flags.contains(.master) }
        let view = unsettled ? nil : directMaster(now).map { MasterView(master: $0.address, age: now - $0.lastHeard) }
        return AdvertBody(routerId: config.routerId, priority: stopped ? 0 : config.priority, flags: flags,
                          advertIntervalMilliseconds: ms, nodeName: me.name, nodeAddress: me.address,
                          serviceDigest: config.serviceDigest, view: view)
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
        return aliveMaster(now).map { NodeIdentity(name: $0.name, address: $0.address) }
    }

    public func alivePeers(at now: Instant) -> [PeerView] { peers.filter { $0.isAlive(at: now) } }

    // MARK: - Evidence

    private struct Step {
        var actions: [ElectionAction] = []
        var advertise = false
        var wakeups: [Instant] = []
    }

    /// The common case, made cheap (a datagram carries every group, so every election sees
    /// every datagram): an advert of a peer heard directly that says what its last one said, but
    /// for the ages in it. Only the peer's freshness moves; nothing can be decided differently,
    /// and the liveness of the others is recomputed when the timer fires.
    private mutating func refreshOnly(_ body: AdvertBody, _ now: Instant) -> Bool {
        // A MASTER told of another MASTER decides on it (one-way links): not a refresh.
        if state == .master, let v = body.view, v.master != me.address { return false }
        guard stall == nil, !body.isResign, returning[body.nodeAddress] == nil,
              let i = peers.firstIndex(where: { $0.address == body.nodeAddress }), peers[i].isHeardDirectly(at: now)
        else { return false }
        let last = peers[i].body
        guard last.priority == body.priority, last.flags == body.flags,
              last.advertIntervalMilliseconds == body.advertIntervalMilliseconds, last.nodeName == body.nodeName,
              last.serviceDigest == body.serviceDigest, last.view?.master == body.view?.master,
              (last.heardReceiverAge == nil) == (body.heardReceiverAge == nil)
        else { return false }
        peers[i].body = body
        peers[i].lastHeard = now
        peers[i].vouch = body.view.map { Vouch(master: $0.master, heardAt: now + -$0.age) }
        peers[i].heardMeAt = body.heardReceiverAge.map { now + -$0 }
        let life = now + ElectionConfig.life(body.interval)
        if peers[i].expires < life { peers[i].expires = life }
        covered.remove(body.nodeAddress)
        return true
    }

    /// An advert of a known peer that had fallen silent starts (or joins) its settling window;
    /// anything else is recorded at once. A resign always counts at once.
    private mutating func admit(_ body: AdvertBody, _ now: Instant, _ step: inout Step) {
        let address = body.nodeAddress
        if body.isResign {
            returning[address] = nil
            record(body, now)
        } else if let pending = returning[address] {
            returning[address] = (body, pending.settleAt)
        } else if let peer = peers.first(where: { $0.address == address }), !peer.isAlive(at: now) {
            let settle = min(body.interval, Self.returnSettleCap)
            returning[address] = (body, now + settle)
            step.wakeups.append(now + settle)
        } else {
            record(body, now)
        }
    }

    private mutating func settleReturningPeers(_ now: Instant) {
        for (address, pending) in returning where pending.settleAt <= now {
            returning[address] = nil
            record(pending.body, now)
        }
    }

    private mutating func record(_ body: AdvertBody, _ now: Instant) {
        let index = peers.firstIndex { $0.address == body.nodeAddress }
        if body.isResign {
            guard let i = index else { return }
            if peers[i].isMaster && peers[i].isAlive(at: now) { masterGone = "\(body.nodeName) resigned" }
            peers.remove(at: i)
            return
        }
        if index.map({ !peers[$0].isAlive(at: now) }) ?? true { peerReturned = true }
        var view = PeerView(body: body, lastHeard: now, expires: now + ElectionConfig.life(body.interval))
        view.vouch = body.view.map { Vouch(master: $0.master, heardAt: now + -$0.age) }
        view.heardMeAt = body.heardReceiverAge.map { now + -$0 }
        if let i = index { peers[i] = view } else { peers.append(view) }
        covered.remove(body.nodeAddress)
        heard.insert(body.nodeAddress)
    }

    /// Recomputes how long each peer counts as alive, from every piece of evidence.
    private mutating func refreshLiveness(_ now: Instant, _ step: inout Step) {
        let direct = peers.filter { $0.isHeardDirectly(at: now) }
        var unheard: Instant?
        for p in direct {
            // Only a master never heard in this life: one heard and gone (resigned) is not brought back.
            guard let v = p.vouch, v.master != me.address, !heard.contains(v.master) else { continue }
            let until = v.heardAt + ElectionConfig.life(p.body.interval)
            if until > now, unheard.map({ until > $0 }) ?? true { unheard = until }
        }
        unheardMasterUntil = unheard
        for i in peers.indices {
            let x = peers[i]
            let interval = x.body.interval
            var evidence = x.lastHeard
            var vouched = false
            // A vouch counts when it is clearly newer than what this node heard itself (an advert
            // it missed): its age does not include the link's delay, so a vouch for the advert
            // this node also got reads a little newer.
            for p in direct where p.address != x.address {
                if let v = p.vouch, v.master == x.address, v.heardAt > max(evidence, x.lastHeard + interval / 2) {
                    evidence = v.heardAt
                    vouched = true
                }
            }
            peers[i].vouchedMaster = vouched && !x.body.flags.contains(.master)
            var expiry = evidence + ElectionConfig.life(interval)
            if peers[i].isMaster && now >= expiry {
                // Silence is confirmed once every other peer heard has spoken since it could
                // have heard the master's next advert (a quarter interval after it was due: a
                // peer advertising in the same instant as the master could not have); a fourth
                // interval ends the wait.
                let unconfirmed = direct.contains { $0.address != x.address && $0.lastHeard <= evidence + interval + interval / 4 }
                if unconfirmed { expiry = evidence + ElectionConfig.life(interval) + interval }
            }
            if let s = stall, expiry >= s.began, expiry < s.graceUntil { expiry = s.graceUntil }
            peers[i].expires = expiry
            if peers[i].isMaster, now >= x.directExpiry, now < expiry, vouched, !covered.contains(x.address) {
                covered.insert(x.address)
                evidenceSaves &+= 1
                step.actions.append(.evidenceSaved(master: x.name, silence: now - x.lastHeard))
            }
        }
    }

    // MARK: - Ranking

    /// A MASTER as the ranking of two MASTERs sees it.
    private struct Claim {
        var merit: Merit
        var settling: Bool
        var resumed: Bool
    }

    /// Whether MASTER `a` stays over MASTER `b`: health and step-down first; then a master back
    /// from a stall yields to one that took over meanwhile (settling); then merit.
    private static func masterOutranks(_ a: Claim, _ b: Claim) -> Bool {
        if a.merit.healthy != b.merit.healthy { return a.merit.healthy }
        if a.merit.demoted != b.merit.demoted { return !a.merit.demoted }
        if a.resumed && b.settling && !b.resumed { return false }
        if b.resumed && a.settling && !a.resumed { return true }
        return b.merit < a.merit
    }

    private func claim(_ p: PeerView) -> Claim { Claim(merit: p.merit, settling: p.isSettling, resumed: p.hasResumed) }

    private func ownClaim(_ now: Instant) -> Claim {
        Claim(merit: merit, settling: isSettling(at: now), resumed: resumedUntil.map { $0 > now } ?? false)
    }

    private func aliveMaster(_ now: Instant) -> PeerView? {
        best(peers.filter { $0.isMaster && $0.isAlive(at: now) })
    }

    /// The best MASTER this node hears itself (what its adverts report).
    private func directMaster(_ now: Instant) -> PeerView? {
        var found: PeerView?
        for p in peers where p.body.flags.contains(.master) && p.isHeardDirectly(at: now) {
            if let b = found, !Self.masterOutranks(claim(p), claim(b)) { continue }
            found = p
        }
        return found
    }

    private func best(_ masters: [PeerView]) -> PeerView? {
        var best: PeerView?
        for p in masters {
            if let b = best, !Self.masterOutranks(claim(p), claim(b)) { continue }
            best = p
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
            lastMasterPeer = m.address
            masterGone = nil
        } else if let address = lastMasterPeer {
            lastMasterPeer = nil
            if masterGone == nil {
                if let p = peers.first(where: { $0.address == address }), !p.isAlive(at: now) {
                    masterGone = "no advert from \(p.name) for \(formatNanoseconds(now - p.lastHeard))"
                } else {
                    masterGone = "\(peers.first { $0.address == address }?.name ?? address.description) is no longer MASTER"
                }
            }
        }
        return current
    }

    /// A peer that hears this MASTER now reports another MASTER this node does not hear: the
    /// peer ranks that one above (it chose it over this node), so this node yields.
    private func reportedBetterMaster(_ now: Instant) -> (peer: PeerView, master: NodeAddress)? {
        for p in peers where p.isHeardDirectly(at: now) {
            guard let v = p.vouch, v.master != me.address, now - v.heardAt < 2 * config.advertInterval,
                  let heardMe = p.heardMeAt, heardMe >= since, now - heardMe < 2 * config.advertInterval
            else { continue }
            if let m = peers.first(where: { $0.address == v.master }), m.isHeardDirectly(at: now) { continue }
            return (p, v.master)
        }
        return nil
    }

    // MARK: - Decisions

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
            if config.minHoldTime > 0, isSettling(at: now) { step.wakeups.append(since + config.minHoldTime) }
            if let m = masterPeer, Self.masterOutranks(claim(m), ownClaim(now)) {
                step.actions.append(.removeVIP)
                let settlingWins = ownClaim(now).resumed && !(mine < m.merit)
                let why = settlingWins ? "it took over while this node was not running" : m.merit.whyAbove(mine)
                transition(to: .backup, "yielding to \(m.name): \(why)", now, &step)
            } else if let (p, other) = reportedBetterMaster(now) {
                step.actions.append(.removeVIP)
                let name = peers.first { $0.address == other }?.name ?? other.description
                transition(to: .backup, "yielding to \(name): \(p.name) hears it as MASTER and ranks it above this node, which cannot hear it",
                           now, &step)
            } else {
                // A peer is back (a partition healed, a node restarted) or another MASTER is heard
                // that will yield: neighbours may have learnt another MAC for the VIP meanwhile.
                // Once more when that MASTER has given the VIP up: a neighbour that resolved the
                // VIP while both held it may have got the other's MAC, which now answers nothing.
                let newRival = masterPeer.map { $0.address != outrankedMaster } ?? false
                let rivalGone = outrankedMaster != nil && masterPeer == nil
                outrankedMaster = masterPeer?.address
                if newRival || rivalGone || peerReturned { step.actions.append(.announce) }
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
                if let until = unheardMasterUntil {
                    step.wakeups.append(until)
                    return  // peers hear a MASTER this node cannot hear: not a reason to claim
                }
                takeOver(masterGone ?? (peers.isEmpty ? "no peer heard" : "no MASTER among the peers heard"), now, &step)
                return
            }
            let theirs = m.merit
            let healthier = mine.healthy && !theirs.healthy
            let notSteppedDown = mine.healthy == theirs.healthy && theirs.demoted && !mine.demoted
            if healthier || notSteppedDown {
                takeOver(mine.whyAbove(theirs), now, &step)
            } else if !config.preempt || m.isSettling {
                outrankSince = nil  // a settling master announces when it has settled
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

    /// A configuration reload: the new parameters apply from now on, the state (MASTER stays
    /// MASTER, the peers' views, the timers) is kept. A changed priority is advertised at once;
    /// peers no longer configured are forgotten. The routerId and the service digest stay
    /// (a group whose address changes is another group).
    private mutating func reconfigure(_ fresh: ElectionConfig, forgetting forget: [NodeAddress], _ now: Instant, _ step: inout Step) {
        var fresh = fresh
        fresh.routerId = config.routerId
        fresh.serviceDigest = config.serviceDigest
        if fresh != config { step.advertise = true }
        config = fresh
        for address in forget {
            peers.removeAll { $0.address == address }
            returning[address] = nil
            heard.remove(address)
            covered.remove(address)
            if lastMasterPeer == address {
                lastMasterPeer = nil
                masterGone = "\(address) was removed from the configuration"
            }
        }
    }

    private mutating func shutdown(_ now: Instant) -> [ElectionAction] {
        var step = Step()
        if state == .master { step.actions.append(.removeVIP) }
        if state != .initial { transition(to: .initial, "shutting down", now, &step) }
        stopped = true
        if startedAt != nil { step.actions.append(.send(advert(at: now))) }
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
        // Not self-timed, nothing pending: the peers' expiries (below) are the next decisions.
        var t = config.selfTimed ? nextAdvertAt : now + ElectionConfig.life(config.advertInterval)
        for p in peers where p.isAlive(at: now) && p.expires < t { t = p.expires }
        for w in wakeups where w > now && w < t { t = w }
        for p in returning.values where p.settleAt > now && p.settleAt < t { t = p.settleAt }
        if let d = demotedUntil, d < t { t = d }
        if let s = stall, s.graceUntil > now, s.graceUntil < t { t = s.graceUntil }
        return t
    }
}
