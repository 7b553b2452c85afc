import AgentConfig
import BasicTypes
import ElectionProtocol
import HostModel

/// Everything one node decides, sans I/O: every VIP group and the gateway group, the interface
/// and carrier debounce, where each VIP goes on the host, the health gate, the gateway ranking,
/// and the advert intake (authentication, replay) and encoding.
///
/// One value, driven by `handle(_:at:)`: an event and the instant it happened in, effects out.
/// No socket, no clock, no thread: the runtime performs the effects on one event loop, and the
/// simulation runs the same value against simulated hosts, a simulated network and a simulated
/// clock.
public struct NodeCore: Sendable {
    public internal(set) var settings: NodeSettings
    public internal(set) var vips: [VIPGroup]
    public internal(set) var gateway: GatewayGroup?
    public internal(set) var intake: AdvertIntake
    /// The host as last seen (patched by the placements the core asked for).
    public internal(set) var snapshot = HostSnapshot()
    /// The latest state of every health check, by name.
    public internal(set) var checkStates: [String: Health] = [:]
    /// When each peer was last heard (any group), and the node name it speaks for in VIP groups.
    public internal(set) var lastHeard: [NodeAddress: Instant] = [:]
    public internal(set) var nodeNames: [NodeAddress: String] = [:]
    public internal(set) var started = false
    public internal(set) var stopped = false
    /// Conflicts with peers (duplicate names, key mismatch, disagreeing groups).
    public internal(set) var conflicts = ConflictBook()
    /// One datagram per peer per `sendInterval` carries every group: the shortest interval of
    /// the node's groups.
    public internal(set) var sendInterval: Int64
    let key: AuthKey
    var sequence: UInt64 = 0
    var nextSendAt: Instant?
    /// Checks added by a reload that have not reported yet: they gate from their first verdict on.
    var pendingChecks = Set<String>()
    /// When a peer that said it does not hear this node was last answered at once.
    var answeredAt: [NodeAddress: Instant] = [:]
    /// When a peer this node has not heard for two send intervals was last asked (a datagram
    /// saying so, which the peer answers at once).
    var probedAt: [NodeAddress: Instant] = [:]
    /// The instant of the latest event, to notice a stall of this node.
    private var lastEventAt: Instant?
    /// Each VIP group's index by routerId (a datagram carries every group: a lookup per entry).
    var vipIndex: [UInt8: Int] = [:]
    /// The timer last armed, so an unchanged deadline is not re-armed.
    private var armed: Instant?

    public init(settings: NodeSettings) {
        self.settings = settings
        let configuration = settings.configuration
        key = AuthKey(bytes: configuration.cluster.authKey)
        let peerCount = configuration.cluster.peers.count
        vips = configuration.vips.map {
            VIPGroup(config: $0, identity: settings.identity, peerCount: peerCount, settings: settings)
        }
        if let gw = configuration.externalGateway, let chassis = settings.chassis {
            gateway = GatewayGroup(config: gw, chassis: chassis, address: settings.identity.address,
                                   peerCount: peerCount, startupGrace: configuration.startupGrace)
        }
        var routerIds = Set(configuration.vips.map(\.routerId))
        if let gw = configuration.externalGateway { routerIds.insert(gw.routerId) }
        intake = AdvertIntake(peers: settings.peers, key: key, ownAddress: settings.identity.address,
                              routerIds: routerIds, nonceSeed: settings.nonceSeed)
        sendInterval = 100_000_000
        sendInterval = shortestInterval
        reindexVIPs()
    }

    mutating func reindexVIPs() {
        vipIndex = Dictionary(vips.indices.map { (vips[$0].config.routerId, $0) }, uniquingKeysWith: { a, _ in a })
    }

    /// The shortest advert interval of the node's groups.
    var shortestInterval: Int64 {
        let intervals = vips.map(\.election.config.advertInterval) + (gateway.map { [$0.election.config.advertInterval] } ?? [])
        return intervals.min() ?? 100_000_000
    }

    public var identity: NodeIdentity { settings.identity }

    // MARK: - Events

    public mutating func handle(_ event: NodeEvent, at now: Instant) -> [NodeEffect] {
        guard !stopped else { return [] }
        var out = Effects()
        noticeStall(now, &out)
        switch event {
        case .start(let host):
            guard !started else { return [] }
            started = true
            snapshot = host
            refreshHost(now, &out)
            for i in vips.indices { perform(vips[i].driver.handle(.start, at: now), vip: i, now, &out) }
            if gateway != nil { gatewayHandle(.start, now, &out) }
        case .datagram(let bytes, let source):
            received(bytes, from: source, now, &out)
        case .timer:
            armed = nil
            timerFired(now, &out)
        case .host(let host):
            snapshot = host
            if started { refreshHost(now, &out) }
        case .check(let name, let state, let reason):
            checkStates[name] = state
            pendingChecks.remove(name)
            if started { checkChanged(name, reason: reason, now, &out) }
        case .placed(let name, let failures):
            placed(name, failures, now, &out)
        case .addressConflict(let name, let owner):
            addressConflict(name, owner: owner, now, &out)
        case .stepDown(let name):
            stepDown(name, now, &out)
        case .reconfigure(let fresh):
            reconfigure(fresh, now, &out)
        case .shutdown:
            shutdown(now, &out)
            return out.effects
        }
        announceDue(now, &out)
        probeSilentPeers(now, &out)
        sendDue(now, &out)
        armTimer(now, &out)
        return out.effects
    }

    /// A gap between events longer than two send intervals means this node did not run (its
    /// process was stopped, or the host starved it): the peers' silence over the gap is not
    /// evidence, so each election gives them an interval to be heard again.
    private mutating func noticeStall(_ now: Instant, _ out: inout Effects) {
        defer { lastEventAt = now }
        guard started, let last = lastEventAt, now - last > 2 * sendInterval else { return }
        out.log(.warning, "this node did not run for \(formatNanoseconds(now - last)): no peer is declared dead before it has been heard again")
        for i in vips.indices { perform(vips[i].driver.handle(.resumed(since: last), at: now), vip: i, now, &out) }
        if gateway != nil { gatewayHandle(.resumed(since: last), now, &out) }
    }

    /// Collects effects (one place, so that every path appends the same way).
    struct Effects {
        var effects: [NodeEffect] = []
        var notices: [String] = []
        /// A group's state changed: send the datagram now rather than at the next interval.
        var advertise = false
        /// A peer's datagram was taken in: a send due shortly may go with it (`sendDue`).
        var heardPeer = false
        mutating func append(_ e: NodeEffect) { effects.append(e) }
        mutating func log(_ level: LogLevel, _ text: String, group: String? = nil) {
            effects.append(.log(level, text, group: group))
        }
    }

    // MARK: - Adverts (NodeCore+Datagrams.swift)

    // MARK: - Timer

    private mutating func timerFired(_ now: Instant, _ out: inout Effects) {
        guard started else { return }
        if vips.contains(where: { $0.hostDeadline.map { $0 <= now } ?? false }) {
            refreshHost(now, &out)
        }
        for i in vips.indices where vips[i].driver.isDue(at: now) {
            perform(vips[i].driver.handle(.timerFired, at: now), vip: i, now, &out)
        }
        if let gw = gateway, gw.driver.isDue(at: now) {
            gatewayHandle(.timerFired, now, &out)
        }
        if conflicts.expire(at: now) { out.append(.conflictsChanged) }
    }

    /// One timer for the whole node: the earliest of every group's election, announcement and
    /// debounce deadlines.
    private mutating func armTimer(_ now: Instant, _ out: inout Effects) {
        guard started else { return }
        var next: Instant?
        func consider(_ t: Instant?) {
            guard let t else { return }
            if next == nil || t < next! { next = t }
        }
        for v in vips {
            consider(v.driver.wake)
            consider(v.announcements.next)
            consider(v.hostDeadline)
        }
        consider(gateway?.driver.wake)
        consider(nextSendAt)
        consider(nextProbe(now))
        consider(conflicts.nextExpiry)
        guard let next, next != armed else { return }
        armed = next
        out.append(.armTimer(at: next))
    }

    // MARK: - Health

    private mutating func checkChanged(_ name: String, reason: String?, _ now: Instant, _ out: inout Effects) {
        for i in vips.indices where vips[i].config.checks.contains(name) {
            updateHealth(vip: i, cause: reason, now, &out)
        }
        if let gw = gateway, gw.config.checks.contains(name) { updateGatewayHealth(now, &out) }
    }

    func checkInputs(_ names: [String]) -> [(name: String, state: Health)] {
        names.filter { !pendingChecks.contains($0) }.map { ($0, checkStates[$0] ?? .unknown) }
    }

    mutating func updateHealth(vip i: Int, cause: String? = nil, _ now: Instant, _ out: inout Effects) {
        vips[i].driver.healthInput.checks = checkInputs(vips[i].config.checks)
        let (actions, changed, why) = vips[i].driver.updateHealth(cause: cause, at: now)
        perform(actions, vip: i, now, &out)
        if changed {
            out.log(.notice, "\(vips[i].name): \(vips[i].election.health)\(why.map { ": \($0)" } ?? "")", group: vips[i].name)
        }
    }

    // MARK: - Operator

    private mutating func stepDown(_ name: String?, _ now: Instant, _ out: inout Effects) {
        let chosen = vips.indices.filter { i in name.map { vips[i].name == $0 } ?? true }
        if let name, chosen.isEmpty {
            let known = vips.map(\.name).joined(separator: ", ")
            out.append(.reply("no VIP named \"\(name)\" (this agent has: \(known))", isError: true))
            return
        }
        var lines: [String] = []
        for i in chosen {
            out.notices = []
            perform(vips[i].driver.handle(.stepDown, at: now), vip: i, now, &out)
            let text = out.notices.joined(separator: "; ")
            lines.append("\(vips[i].name): \(text)")
            out.log(.notice, "\(vips[i].name): step-down requested: \(text)", group: vips[i].name)
        }
        out.append(.reply(lines.joined(separator: "\n"), isError: false))
    }

    private mutating func shutdown(_ now: Instant, _ out: inout Effects) {
        for i in vips.indices {
            perform(vips[i].driver.handle(.shutdown, at: now), vip: i, now, &out)
            vips[i].announcements.stop()
        }
        stopped = true  // from here on, nothing is published to the gateway reconciler
        if gateway != nil { gatewayHandle(.shutdown, now, &out) }
        sendDatagrams(now, to: settings.sortedPeers, &out)  // every group resigns in one datagram
    }

    // MARK: - Election actions of a VIP group

    mutating func perform(_ actions: [ElectionAction], vip i: Int, _ now: Instant, _ out: inout Effects) {
        for action in actions {
            switch action {
            case .send:
                out.advertise = true
            case .addVIP:
                vips[i].holding = true
                place(vip: i, now, &out)
            case .removeVIP:
                vips[i].holding = false
                vips[i].announcements.stop()
                place(vip: i, now, &out)
            case .announce:
                vips[i].announcements.start(at: now)
            case .transition(let from, let to, let reason):
                out.append(.transition(group: vips[i].name, from: from, to: to, reason: reason))
            case .notice(let text):
                out.notices.append(text)
            case .evidenceSaved(let master, let silence):
                out.append(.evidenceSaved(group: vips[i].name))
                out.log(.info, "\(vips[i].name): no advert from \(master) for \(formatNanoseconds(silence)), but peers hear it: staying BACKUP",
                        group: vips[i].name)
            case .armTimer:
                break  // taken by the driver
            }
        }
    }

    /// Rounds of gratuitous ARP / NA that are due, from the interface the VIP is on.
    private mutating func announceDue(_ now: Instant, _ out: inout Effects) {
        for i in vips.indices where vips[i].announcements.roundDue(at: now) {
            guard vips[i].holding, let interface = vips[i].placedOn else { continue }
            out.append(.announce(vip: vips[i].name, address: vips[i].address, interface: interface))
        }
    }
}
