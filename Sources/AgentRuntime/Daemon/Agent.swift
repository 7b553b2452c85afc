import AgentConfig
import ElectionProtocol
import Foundation
import GratuitousARP
import HealthChecks
import HostPlumbing
import Logging
import NIOCore
import StatusProtocol

/// The running agent: one event loop carries the elections, their timers, the advert socket,
/// host changes and announcements, so that no two decisions race. Everything below runs on
/// `loop`; the public entry points hop onto it.
final class Agent: GroupEnvironment, @unchecked Sendable {
    let configuration: Configuration
    let logger: Logger
    let loop: EventLoop
    let identity: NodeIdentity
    let startedAt = Date()
    /// Boot epoch of the advert sequence: wall-clock nanoseconds at start, so it only grows.
    let epoch = UInt64(max(Date().timeIntervalSince1970, 0) * 1e9)
    private var sequence: UInt64 = 0
    private let key: AuthKey
    var intake: AdvertIntake
    private var transport: AdvertTransport?
    private var destinations: [SocketAddress] = []
    let route: NetlinkRoute
    private var monitor: NetlinkMonitor?
    private(set) var groups: [VIPGroup] = []
    private(set) var checks: CheckSet?
    private let checkLoopGroup: EventLoopGroup
    var history = HistoryLog()
    private var announcers: [String: Announcer] = [:]
    var observers = AgentObservers()
    private var pendingSends: [EventLoopFuture<[Error]>] = []
    private var stopping = false
    /// Peers last heard, by source address, and the node name each speaks for in the VIP groups.
    var lastHeard: [NodeAddress: Date] = [:]
    var nodeNames: [NodeAddress: String] = [:]
    /// What HostProblemFinder found in the last host snapshot (Agent+HostProblems).
    var hostProblems: [HostProblem] = []
    /// The Kube-OVN external gateway group, when configured, and its link to the NB database.
    let gatewayChassis: String?
    var gateway: GatewayGroup?
    var gatewayLink: GatewayLink?

    init(configuration: Configuration, logger: Logger, loop: EventLoop, checkLoopGroup: EventLoopGroup,
         gatewayChassis: String? = nil) throws {
        self.configuration = configuration
        self.gatewayChassis = gatewayChassis
        self.logger = logger
        self.loop = loop
        self.checkLoopGroup = checkLoopGroup
        let cluster = configuration.cluster
        let own = cluster.bind
            ?? cluster.peers.lazy.compactMap { SourceAddress.towards($0, port: cluster.port) }.first
            ?? IPAddress(bytes: [127, 0, 0, 1])!
        identity = NodeIdentity(name: configuration.node, address: NodeAddress(own))
        key = AuthKey(bytes: cluster.authKey)
        var routerIds = Set(configuration.vips.map(\.routerId))
        if let gw = configuration.externalGateway { routerIds.insert(gw.routerId) }
        intake = AdvertIntake(peers: Set(cluster.peers.map { NodeAddress($0) }), key: key,
                              ownNames: Set([configuration.node] + (gatewayChassis.map { [$0] } ?? [])),
                              routerIds: routerIds)
        do {
            route = try NetlinkRoute()
        } catch {
            throw AgentStartError("opening the netlink route socket: \(error)")
        }
    }

    // MARK: - Life cycle (on the loop)

    /// Binds the election socket.
    func openTransport() -> EventLoopFuture<AdvertTransport> {
        AdvertTransport.bind(
            on: loop, port: configuration.cluster.port, bind: configuration.cluster.bind, logger: logger
        ) { [weak self] source, buffer in
            self?.received(buffer, from: source)
        }
    }

    /// A send error the kernel deems fatal (the route vanished while an interface was re-homed,
    /// say) closes a datagram channel: reopen it, so the election is never left deaf and mute.
    private func watch(_ transport: AdvertTransport) {
        transport.channel.closeFuture.whenComplete { [weak self] _ in
            guard let self, !self.stopping, self.transport === transport else { return }
            self.logger.warning("the election socket closed unexpectedly; reopening it")
            self.reopenTransport(after: .milliseconds(20))
        }
    }

    private func reopenTransport(after delay: TimeAmount) {
        loop.scheduleTask(in: delay) { [self] in
            guard !stopping else { return }
            openTransport().whenComplete { [self] result in
                switch result {
                case .success(let fresh):
                    guard !stopping else { _ = fresh.close(); return }
                    transport = fresh
                    watch(fresh)
                    logger.notice("the election socket is open again")
                case .failure(let error):
                    logger.error("reopening the election socket failed: \(error); retrying in 1s")
                    reopenTransport(after: .seconds(1))
                }
            }
        }
    }

    func start(transport: AdvertTransport) throws {
        loop.preconditionInEventLoop()
        logger.info("starting as \(identity.name) (\(identity.address)), peers \(configuration.cluster.peers.map(\.description).joined(separator: ", "))")
        removeStaleCopies()
        self.transport = transport
        watch(transport)
        destinations = try configuration.cluster.peers.map {
            try SocketAddress.peer($0, port: configuration.cluster.port, mapToIPv6: transport.dualStack)
        }
        let checkConfigs = configuration.healthChecks.filter { check in
            configuration.vips.contains { $0.checks.contains(check.name) }
                || configuration.externalGateway?.checks.contains(check.name) == true
        }
        let checks = try CheckSet(configs: checkConfigs, eventLoopGroup: checkLoopGroup) { [weak self] report, changed in
            guard let self else { return }
            self.loop.execute { self.checkReported(report, changed: changed) }
        }
        self.checks = checks
        let peerCount = configuration.cluster.peers.count
        for vip in configuration.vips {
            let group = VIPGroup(config: vip, identity: identity, peerCount: peerCount,
                                 startupGrace: configuration.startupGrace, announce: configuration.announce,
                                 loop: loop, environment: self,
                                 initialHealth: vip.checks.isEmpty ? .healthy : .unknown)
            groups.append(group)
        }
        do {
            monitor = try NetlinkMonitor { [weak self] in
                guard let self else { return }
                self.loop.execute { self.refreshHost() }
            }
        } catch {
            throw AgentStartError("subscribing to netlink link and address events: \(error)")
        }
        startGateway(peerCount: peerCount)
        refreshHost()
        checks.start()
        for group in groups { group.start() }
        gateway?.start()
        observers.changed()
    }

    /// Resign every group (VIP removed, priority 0 sent), wait for the adverts to leave, close.
    func shutdown() -> EventLoopFuture<Void> {
        loop.preconditionInEventLoop()
        guard !stopping else { return loop.makeSucceededVoidFuture() }
        stopping = true
        logger.info("shutting down: resigning every VIP")
        checks?.stop()
        monitor?.stop()
        monitor = nil
        for group in groups { group.shutdown() }
        gateway?.shutdown()
        observers.changed()
        let sends = pendingSends
        pendingSends = []
        return EventLoopFuture.andAllComplete(sends, on: loop).flatMap { [self] in
            announcers.values.forEach { $0.close() }
            announcers = [:]
            observers.finish()
            return transport?.close() ?? loop.makeSucceededVoidFuture()
        }
    }

    // MARK: - Adverts

    func received(_ buffer: ByteBuffer, from source: SocketAddress) {
        guard !stopping, let address = NodeAddress(source) else { return }
        let bytes = Array(buffer.readableBytesView)
        switch intake.admit(bytes, from: address) {
        case .failure(let reason):
            observers.dropped(reason)
            if reason != .ownAdvert {
                logger.debug("dropped a datagram from \(address): \(reason.rawValue)")
            }
        case .success(let advert):
            lastHeard[address] = Date()
            observers.advertReceived(routerId: advert.body.routerId)
            for group in groups where group.routerId == advert.body.routerId {
                nodeNames[address] = advert.body.nodeName
                group.received(advert.body)
            }
            if let gateway, gateway.routerId == advert.body.routerId {
                gateway.received(advert.body)
            }
        }
    }

    func sendAdvert(_ body: AdvertBody, for group: VIPGroup) {
        send(body, label: group.name)
    }

    func send(_ body: AdvertBody, label: String) {
        guard let transport else { return }
        sequence &+= 1
        let bytes = AdvertCodec.encode(Advert(body: body, epoch: epoch, sequence: sequence), key: key)
        let sent = transport.send(bytes, to: destinations)
        sent.whenSuccess { [weak self] errors in
            guard let self, let first = errors.first else { return }
            self.logger.debug("\(label): \(errors.count) advert(s) not sent: \(first)")
        }
        observers.advertSent(vip: label)
        if stopping {
            pendingSends.append(sent)
        }
    }

    // MARK: - Health

    private func checkReported(_ report: CheckReport, changed: Bool) {
        observers.checkReported(report)
        guard changed, !stopping else { return }
        logger.notice("check \(report.name) is \(report.state.rawValue): \(report.changeReason ?? report.detail)",
                      metadata: ["check": "\(report.name)", "state": "\(report.state.rawValue)"])
        for group in groups where group.config.checks.contains(report.name) {
            updateHealth(group, cause: report.changeReason)
        }
        if let gateway, gateway.config.checks.contains(report.name) { updateGatewayHealth() }
        observers.changed()
    }

    func updateHealth(_ group: VIPGroup, cause: String? = nil) {
        group.healthInput.checks = group.config.checks.map { ($0, checks?.state(of: $0) ?? .unknown) }
        let (health, why) = HealthGate.evaluate(group.healthInput)
        let before = group.election.health
        group.setHealth(health, why: why, cause: cause ?? why)
        if health != before {
            logger.notice("\(group.name): \(health)\(why.map { ": \($0)" } ?? "")",
                          metadata: ["vip": "\(group.name)", "health": "\(health)"])
        }
    }

    // MARK: - Announcements

    func announce(_ group: VIPGroup) {
        guard let interface = group.placedOn else { return }
        do {
            let announcer: Announcer
            if let cached = announcers[interface] {
                announcer = cached
            } else {
                announcer = try Announcer(interface: interface)
                announcers[interface] = announcer
            }
            let frames = group.vip.isIPv4 ? try announcer.announceIPv4(group.vip.bytes)
                                          : try announcer.announceIPv6(group.vip.bytes)
            group.garpsSent &+= UInt64(frames)
            observers.garpSent(vip: group.name, count: frames)
        } catch {
            announcers[interface]?.close()
            announcers[interface] = nil
            logger.warning("\(group.name): announcing \(group.vip) on \(interface) failed: \(error)",
                           metadata: ["vip": "\(group.name)"])
        }
    }

    // MARK: - Transitions

    func recordTransition(_ group: VIPGroup, from: GroupState, to: GroupState, reason: String) {
        recordTransition(of: group.name, from: from, to: to, reason: reason)
    }

    /// Log, history, metrics and watchers for one transition of a VIP or of the gateway group.
    func recordTransition(of name: String, from: GroupState, to: GroupState, reason: String) {
        logger.notice("\(name): \(from.rawValue) → \(to.rawValue): \(reason)",
                      metadata: ["vip": "\(name)", "state": "\(to.rawValue)", "reason": "\(reason)"])
        history.append(HistoryEntry(time: isoTimestamp(Date()), vip: name, from: from.rawValue,
                                    to: to.rawValue, reason: reason))
        observers.transition(vip: name, to: to.rawValue)
        observers.changed()
    }
}

struct AgentStartError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
