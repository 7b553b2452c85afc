import BasicTypes
import ElectionProtocol

/// The node's datagrams: one per peer per send interval carrying every group (wire format v2),
/// and what a received one does: the groups' elections, the peers' restarts, the conflicts.
extension NodeCore {
    // MARK: - Receiving

    mutating func received(_ bytes: [UInt8], from source: NodeAddress, _ now: Instant, _ out: inout Effects) {
        switch intake.admit(bytes, from: source) {
        case .failure(let reason):
            out.append(.dropped(reason, from: source))
            out.log(.debug, "dropped a datagram from \(source): \(reason.rawValue)")
            refused(reason, from: source, now, &out)
        case .success(let (datagram, newEpoch)):
            conflicts.authenticated(source)
            conflicts.resolved(.oldVersion, peer: source)
            if newEpoch, lastHeard[source] != nil {
                out.log(.info, "\(datagram.nodeName) (\(source)) restarted: its new epoch answered our challenge")
            }
            lastHeard[source] = now
            // Only a peer on this node's cadence pulls its send forward: one sending more often
            // would otherwise pull it forward at every datagram (twice the rate for ever).
            if let shortest = datagram.groups.lazy.map(\.intervalMilliseconds).min(), Int64(shortest) * 1_000_000 == sendInterval {
                out.heardPeer = true
            }
            checkName(datagram.nodeName, of: source, now, &out)
            nodeNames[source] = datagram.nodeName
            guard started else { return }
            answerIfUnheard(datagram, from: source, now, &out)
            deliver(datagram, from: source, now, &out)
        }
    }

    private mutating func deliver(_ d: Datagram, from source: NodeAddress, _ now: Instant, _ out: inout Effects) {
        let me = identity.address
        var digestMismatch: [String] = [], intervalMismatch: [String] = []
        var groups: [String] = []
        groups.reserveCapacity(d.groups.count)
        defer { out.append(.advertsReceived(groups: groups)) }
        for g in d.groups {
            if let i = vipIndex[g.routerId] {
                let mine = vips[i].driver.election.config
                if g.serviceDigest != 0, g.serviceDigest != mine.serviceDigest, g.priority != 0 {
                    digestMismatch.append("routerId \(g.routerId): another address than \(vips[i].config.cidr) (\(vips[i].name))")
                }
                if Int64(g.intervalMilliseconds) * 1_000_000 != mine.advertInterval {
                    intervalMismatch.append("routerId \(g.routerId) every \(g.intervalMilliseconds)ms, \(vips[i].name) here every \(formatNanoseconds(mine.advertInterval))")
                }
                vips[i].driver.advertsReceived &+= 1
                groups.append(vips[i].name)
                let body = d.body(of: g, receiver: me)
                perform(vips[i].driver.handle(.advertReceived(body), at: now), vip: i, now, &out)
            } else if let gw = gateway, gw.config.routerId == g.routerId {
                groups.append(GatewayGroup.name)
                gatewayHandle(.advertReceived(d.body(of: g, inGateway: true, receiver: me)), now, &out)
            }
        }
        note(.vipMismatch, digestMismatch, peer: source, "\(d.nodeName) (\(source)) serves ", now, &out)
        note(.intervalMismatch, intervalMismatch, peer: source, "\(d.nodeName) (\(source)) advertises ", now, &out)
    }

    private mutating func note(_ kind: Conflict.Kind, _ findings: [String], peer: NodeAddress, _ prefix: @autoclosure () -> String,
                               _ now: Instant, _ out: inout Effects) {
        guard !findings.isEmpty else {
            if conflicts.active.contains(where: { $0.kind == kind && $0.peer == peer }) {
                conflicts.resolved(kind, peer: peer)
                out.append(.conflictsChanged)
            }
            return
        }
        raise(kind, peer: peer, prefix() + findings.joined(separator: "; "), now, &out)
    }

    private mutating func raise(_ kind: Conflict.Kind, peer: NodeAddress, _ detail: String, _ now: Instant, _ out: inout Effects) {
        let known = conflicts.active.contains { $0.kind == kind && $0.peer == peer }
        if let line = conflicts.saw(kind, peer: peer, detail, at: now) { out.log(.warning, line) }
        if !known { out.append(.conflictsChanged) }
    }

    /// A peer advertising with this node's name, or two peers sharing one.
    private mutating func checkName(_ name: String, of source: NodeAddress, _ now: Instant, _ out: inout Effects) {
        if name == identity.name {
            raise(.duplicateName, peer: source, "\(source) advertises with this node's name \"\(name)\"", now, &out)
        } else if let other = nodeNames.first(where: { $0.key != source && $0.value == name && lastHeard[$0.key].map { now - $0 < Conflict.lifetime } ?? false }) {
            raise(.duplicateName, peer: source, "\(source) and \(other.key) both advertise as \"\(name)\"", now, &out)
        }
    }

    private mutating func refused(_ reason: DropReason, from source: NodeAddress, _ now: Instant, _ out: inout Effects) {
        switch reason {
        case .authFailure:
            if conflicts.authFailed(source) {
                raise(.authentication, peer: source,
                      "adverts from \(source) fail authentication steadily: another key, or `insecure` on one side", now, &out)
            }
        case .oldVersion:
            raise(.oldVersion, peer: source, "\(source) runs an older vip-agent (protocol v1): its adverts are ignored until it is upgraded",
                  now, &out)
        default:
            break
        }
    }

    /// A peer whose datagram says it has not heard this node for more than one and a half
    /// intervals gets a datagram at once (at most eight times an interval): loss costs it one advert,
    /// not a failover.
    private mutating func answerIfUnheard(_ d: Datagram, from source: NodeAddress, _ now: Instant, _ out: inout Effects) {
        let me = identity.address
        let age = d.heard.first { $0.address == me }.map { Int64($0.ageMilliseconds) * 1_000_000 }
        guard age.map({ $0 > sendInterval * 3 / 2 }) ?? intake.replay.isVerified(source) else { return }
        if let last = answeredAt[source], now - last < questionSpacing { return }
        answeredAt[source] = now
        sendDatagrams(now, to: [source], &out, scheduled: false)
    }

    // MARK: - Asking a silent peer

    /// The least time between two datagrams asking a silent peer, and between two answers to a
    /// peer that does not hear this node: eight per send interval.
    private var questionSpacing: Int64 { sendInterval / 8 }

    /// The window in which a silent peer is asked: from two send intervals of silence until the
    /// longest a master can stay alive unheard (3 intervals, a fourth when unconfirmed).
    private func silenceWindow(_ peer: NodeAddress, _ now: Instant) -> Bool {
        guard let heard = lastHeard[peer] else { return false }
        let silence = now - heard
        return silence > 2 * sendInterval && silence < 5 * sendInterval
    }

    /// A peer silent for two send intervals is sent a datagram eight times an interval: it says
    /// the peer is not heard, and the peer answers at once. Under loss, each is one more chance
    /// for the evidence to get through before anyone is declared dead; a dead peer costs two
    /// dozen datagrams.
    mutating func probeSilentPeers(_ now: Instant, _ out: inout Effects) {
        guard started, !stopped else { return }
        for peer in settings.sortedPeers where silenceWindow(peer, now) {
            if let last = probedAt[peer], now - last < questionSpacing { continue }
            probedAt[peer] = now
            sendDatagrams(now, to: [peer], &out, scheduled: false)
        }
    }

    /// When the next silent peer is due to be asked.
    func nextProbe(_ now: Instant) -> Instant? {
        var next: Instant?
        for peer in settings.sortedPeers {
            guard let heard = lastHeard[peer] else { continue }
            let start = heard + 2 * sendInterval + 1
            let due = max(start, (probedAt[peer] ?? start) + questionSpacing)
            guard due - heard < 5 * sendInterval, due > now else { continue }
            if next == nil || due < next! { next = due }
        }
        return next
    }

    // MARK: - Sending

    /// A send due within half the send interval goes with a peer's datagram (`sendDue`): wide
    /// enough that any three nodes fall into step (two of them are always that close).
    static var alignmentDivisor: Int64 { 2 }

    /// Sends when a group asked to (its state changed) or the interval is up, or, when a peer's
    /// datagram woke the node, when it is up within 1/`alignmentDivisor` of a send interval:
    /// the send goes in the same wake-up instead of one of its own a moment later. The gap on
    /// the wire only shortens (never by more than that share), and the nodes' cadences fall into
    /// step: one node's datagram wakes the others, who answer with theirs at once.
    mutating func sendDue(_ now: Instant, _ out: inout Effects) {
        guard started else { return }
        let early = out.heardPeer ? sendInterval / Self.alignmentDivisor : 0
        guard out.advertise || nextSendAt.map({ now + early >= $0 }) ?? true else { return }
        out.advertise = false
        sendDatagrams(now, to: settings.sortedPeers, &out)
    }

    /// One datagram per peer with every group's advert. A scheduled send keeps the cadence and
    /// counts as every group's advert; an answer to one peer does not.
    mutating func sendDatagrams(_ now: Instant, to peers: [NodeAddress], _ out: inout Effects, scheduled: Bool = true) {
        let heardPeers = settings.sortedPeers.filter { lastHeard[$0] != nil }
        let heard = heardPeers.map { Datagram.Heard(address: $0, ageMilliseconds: UInt16(saturatingMilliseconds: now - lastHeard[$0]!)) }
        var bodies: [AdvertBody] = []
        bodies.reserveCapacity(vips.count + 1)
        for i in vips.indices { bodies.append(vips[i].driver.election.advert(at: now)) }
        if gateway != nil { bodies.append(gateway!.driver.election.advert(at: now)) }
        let groups = bodies.map { b -> Datagram.Group in
            let index = b.view.flatMap { v in heardPeers.firstIndex(of: v.master) }.map(UInt8.init)
            return Datagram.Group(routerId: b.routerId, priority: b.priority, flags: b.flags,
                                  intervalMilliseconds: b.advertIntervalMilliseconds, masterIndex: index,
                                  masterAgeMilliseconds: UInt16(saturatingMilliseconds: b.view?.age ?? 0),
                                  serviceDigest: b.serviceDigest)
        }
        var datagrams: [OutgoingDatagram] = []
        for peer in peers {
            let (challenge, echo) = intake.exchange(for: peer)
            sequence &+= 1
            let d = Datagram(nodeName: identity.name, chassis: gateway?.chassis, nodeAddress: identity.address,
                             epoch: settings.epoch, sequence: sequence, challenge: challenge, echo: echo,
                             heard: heard, groups: groups)
            datagrams.append(OutgoingDatagram(peer: peer, bytes: AdvertCodec.encode(d, key: key)))
        }
        guard !datagrams.isEmpty else { return }
        let names = vips.map(\.name) + (gateway != nil ? [GatewayGroup.name] : [])
        out.append(.send(datagrams, groups: scheduled ? names : []))
        guard scheduled else { return }
        for i in vips.indices {
            vips[i].driver.markAdvertised(at: now)
        }
        gateway?.driver.markAdvertised(at: now)
        // A late tick keeps the cadence; an early send (a state change) restarts it, so that the
        // next scheduled one is not skipped and the gap on the wire stays one interval.
        let due = (nextSendAt ?? now) + sendInterval
        nextSendAt = nextSendAt.map { now - $0 < sendInterval } ?? false && due > now ? min(due, now + sendInterval) : now + sendInterval
    }
}
