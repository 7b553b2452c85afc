import HostModel
import AgentConfig
import BasicTypes
import ElectionProtocol
import Foundation
import GratuitousARP
import HealthChecks
import HostPlumbing
import HostPreflight
import Logging
import NIOCore
import NodeCore
import StatusProtocol

/// The running agent: the thin shell around `NodeCore`. One event loop owns it; every input
/// (a datagram, a netlink change, a check report, an operator command, the timer) becomes a
/// `NodeEvent` handed to the core with the monotonic time, and every `NodeEffect` the core
/// returns is carried out here: sockets, netlink, gratuitous ARP, logs, history, metrics.
///
/// Confined to `loop`: not `Sendable`; other threads reach it through `NIOLoopBound`.
final class Agent {
    /// The running configuration (replaced by a reload, Agent+Reload).
    var configuration: Configuration
    let logger: Logger
    let loop: AgentLoop
    private(set) var core: NodeCore
    private(set) var transport: AdvertTransport?
    /// Advert send failures per peer.
    let sendErrors = SendErrorLedger()
    var destinations: [NodeAddress: SocketAddress] = [:]
    let route: NetlinkRoute
    private var monitor: NetlinkMonitor?
    var checks: CheckSet?
    let checkLoopGroup: any EventLoopGroup
    var history = HistoryLog()
    private var announcers: [String: Announcer] = [:]
    var observers = AgentObservers()
    private(set) var stopping = false
    private var timer: Scheduled<Void>?
    /// Adverts counted for the metrics: handed over when the metrics are read (`flushTally`,
    /// called by the metrics endpoint before it renders), at every transition and at shutdown;
    /// never by a timer of its own, so counting wakes nobody.
    private var tally = AdvertTally()
    /// Frames of gratuitous ARP / NA sent, per VIP.
    private(set) var garpsSent: [String: UInt64] = [:]
    /// What HostProblemFinder found in the last host snapshot (Agent+HostProblems).
    var hostProblems: [HostProblem] = []
    /// The link to the OVN northbound reconciler, when the gateway group is configured.
    var gatewayLink: GatewayLink?
    /// The address conflict probes (Agent+Conflicts), while running.
    var conflictWatch: ConflictWatch?

    init(configuration: Configuration, logger: Logger, loop: AgentLoop, checkLoopGroup: any EventLoopGroup,
         gatewayChassis: String? = nil) throws {
        self.configuration = configuration
        self.logger = logger
        self.loop = loop
        self.checkLoopGroup = checkLoopGroup
        let cluster = configuration.cluster
        let own = cluster.bind
            ?? cluster.peers.lazy.compactMap { SourceAddress.towards($0, port: cluster.port) }.first
            ?? IPAddress(bytes: [127, 0, 0, 1])!
        let identity = NodeIdentity(name: configuration.node, address: NodeAddress(own))
        // The epoch of this start's adverts and the seed of its challenges: random, never the
        // wall clock (peers believe a new epoch only once it answered their challenge).
        var random = SystemRandomNumberGenerator()
        core = NodeCore(settings: NodeSettings(configuration: configuration, identity: identity,
                                               chassis: gatewayChassis, epoch: random.next(), nonceSeed: random.next(),
                                               hostFault: Self.capabilityFault()))
        do {
            route = try NetlinkRoute()
        } catch {
            throw AgentStartError("opening the netlink route socket: \(error)")
        }
    }

    var identity: NodeIdentity { core.identity }
    var bound: NIOLoopBound<Agent> { NIOLoopBound(self, eventLoop: loop) }

    // MARK: - Life cycle (on the loop)

    /// Binds the election socket (before `start`, so a port in use stops the agent early).
    func openTransport() -> EventLoopFuture<Void> {
        do {
            transport = try AdvertTransport.bind(
                on: loop, port: configuration.cluster.port, bind: configuration.cluster.bind, logger: logger,
                ledger: sendErrors
            ) { [unowned self] source, bytes in
                received(bytes, from: source)
            }
            return loop.makeSucceededVoidFuture()
        } catch {
            return loop.makeFailedFuture(error)
        }
    }

    func closeTransport() -> EventLoopFuture<Void> {
        transport?.close()
        return loop.makeSucceededVoidFuture()
    }

    /// Without CAP_NET_ADMIN no VIP can be added: every group is FAULT with this reason for as
    /// long as the agent runs (a running process cannot gain it), so the node never claims a VIP
    /// it cannot hold and its peers serve it.
    static func capabilityFault() -> String? {
        guard let capabilities = Capabilities.current(), capabilities.missing.contains("CAP_NET_ADMIN") else { return nil }
        return "missing capability CAP_NET_ADMIN: this node cannot add the VIP (run as root or grant it: systemd AmbientCapabilities=CAP_NET_ADMIN CAP_NET_RAW)"
    }

    func start() throws {
        loop.preconditionInEventLoop()
        guard let transport else { throw AgentStartError("the election socket is not open") }
        logger.info("starting as \(identity.name) (\(identity.address)), peers \(configuration.cluster.peers.map(\.description).joined(separator: ", "))")
        removeStaleCopies()
        destinations = try Dictionary(uniqueKeysWithValues: configuration.cluster.peers.map {
            (NodeAddress($0), try SocketAddress.peer($0, port: configuration.cluster.port, mapToIPv6: transport.dualStack))
        })
        let bound = self.bound
        let loop = self.loop
        let checks = try CheckSet(configs: CheckSet.used(by: configuration), eventLoopGroup: checkLoopGroup) { report, changed in
            loop.execute { bound.value.checkReported(report, changed: changed) }
        }
        self.checks = checks
        do {
            monitor = try NetlinkMonitor {
                loop.execute { bound.value.refreshHost() }
            }
        } catch {
            throw AgentStartError("subscribing to netlink link and address events: \(error)")
        }
        startGatewayLink()
        guard let snapshot = takeSnapshot() else {
            throw AgentStartError("reading links and addresses failed")
        }
        probeConflictsBeforeClaiming(snapshot)
        feed(.start(snapshot))
        startConflictProbes()
        checks.start()
        observers.changed()
    }

    /// Resign every group (VIP removed, priority 0 sent), wait for the adverts to leave, close.
    func shutdown() -> EventLoopFuture<Void> {
        loop.preconditionInEventLoop()
        guard !stopping else { return loop.makeSucceededVoidFuture() }
        logger.info("shutting down: resigning every VIP")
        checks?.stop()
        stopConflictWatch()
        monitor?.stop()
        monitor = nil
        timer?.cancel()
        timer = nil
        stopping = true
        feed(.shutdown)  // the resign adverts are written (sendto) before it returns
        observers.changed()
        announcers.values.forEach { $0.close() }
        announcers = [:]
        flushTally()
        observers.finish()
        transport?.close()
        return loop.makeSucceededVoidFuture()
    }

    // MARK: - Events in

    /// Hands one event to the core and carries out what it asks, in order.
    @discardableResult
    func feed(_ event: NodeEvent) -> [Reply] {
        var replies: [Reply] = []
        perform(core.handle(event, at: MonotonicClock.now()), replies: &replies)
        return replies
    }

    func received(_ bytes: [UInt8], from source: NodeAddress?) {
        guard !stopping, let source else { return }
        feed(.datagram(bytes, from: source))
    }

    private func checkReported(_ report: CheckReport, changed: Bool) {
        observers.checkReported(report)
        guard changed, !stopping else { return }
        logger.notice("check \(report.name) is \(report.state.rawValue): \(report.changeReason ?? report.detail)",
                      metadata: ["check": "\(report.name)", "state": "\(report.state.rawValue)"])
        feed(.check(name: report.name, state: Health(report.state), reason: report.changeReason))
        observers.changed()
    }

    /// After any link or address event.
    func refreshHost() {
        guard !stopping, let snapshot = takeSnapshot() else { return }
        feed(.host(snapshot))
        reviewHostProblems(snapshot)
        observers.changed()
    }

    // MARK: - Effects out

    private func perform(_ effects: [NodeEffect], replies: inout [Reply]) {
        for effect in effects {
            switch effect {
            case .send(let datagrams, let groups):
                send(datagrams, groups: groups)
            case .conflictsChanged:
                observers.conflicts(Dictionary(core.conflictList.map { ($0.kind, 1) }, uniquingKeysWith: +))
                observers.changed()
            case .evidenceSaved(let group):
                observers.evidenceSaved(group: group)
            case .place(let vip, let address, let steps):
                let failures = place(vip: vip, address: address, steps: steps)
                perform(core.handle(.placed(vip: vip, failures: failures), at: MonotonicClock.now()), replies: &replies)
                observers.changed()
            case .announce(let vip, let address, let interface):
                announce(vip: vip, address: address, on: interface)
            case .publishGateway(let isMaster, let ranking):
                gatewayLink?.publish(isMaster: isMaster, ranking: ranking.map {
                    GatewayMember(node: $0.node, chassis: $0.chassis, healthy: $0.healthy)
                })
            case .transition(let group, let from, let to, let reason):
                recordTransition(of: group, from: from, to: to, reason: reason)
            case .log(let level, let text, let group):
                logger.log(level: Logger.Level(level), "\(text)", metadata: group.map { ["vip": "\($0)"] })
            case .dropped(let reason, _):
                observers.dropped(reason)
            case .advertsReceived(let groups):
                tally.received(groups)
            case .reply(let text, let isError):
                replies.append(Reply(text: text, isError: isError))
            case .armTimer(let at):
                timer?.cancel()
                let bound = self.bound
                timer = loop.scheduleTask(deadline: MonotonicClock.deadline(at)) {
                    bound.value.feed(.timer)  // transitions and placements tell the watchers themselves
                }
            }
        }
    }

    private func send(_ datagrams: [OutgoingDatagram], groups: [String]) {
        guard let transport else { return }
        for datagram in datagrams {
            guard let destination = destinations[datagram.peer] else { continue }
            if let failure = transport.send(datagram.bytes, to: [destination]).first {
                logger.debug("advert not sent: \(failure)")
            }
        }
        tally.sent(groups)
    }

    /// Hands the adverts counted so far to the metrics.
    func flushTally() {
        guard !tally.isEmpty else { return }
        let (sent, received) = tally.take()
        observers.advertsCounted(sent: sent, received: received)
    }

    /// Carries out placement steps with netlink; returns the refused ones.
    private func place(vip: String, address: IPAddress, steps: [PlacementPlan.Step]) -> [PlacementFailure] {
        var failures: [PlacementFailure] = []
        for step in steps {
            do {
                switch step {
                case .add(let interface):
                    try route.addHostAddress(address, interface: interface)
                    logger.info("\(vip): added \(address) on \(interface)", metadata: ["vip": "\(vip)"])
                case .remove(let interface):
                    try route.removeHostAddress(address, interface: interface)
                    logger.info("\(vip): removed \(address) from \(interface)", metadata: ["vip": "\(vip)"])
                }
            } catch {
                failures.append(PlacementFailure(step: step, error: "\(error)"))
            }
        }
        return failures
    }

    private func announce(vip: String, address: IPAddress, on interface: String) {
        do {
            let announcer: Announcer
            if let cached = announcers[interface] {
                announcer = cached
            } else {
                announcer = try Announcer(interface: interface)
                announcers[interface] = announcer
            }
            let frames = address.isIPv4 ? try announcer.announceIPv4(address.bytes)
                                        : try announcer.announceIPv6(address.bytes)
            garpsSent[vip, default: 0] &+= UInt64(frames)
            observers.garpSent(vip: vip, count: frames)
        } catch {
            announcers[interface]?.close()
            announcers[interface] = nil
            logger.warning("\(vip): announcing \(address) on \(interface) failed: \(error)", metadata: ["vip": "\(vip)"])
        }
    }

    /// Log, history, metrics and watchers for one transition of a VIP or of the gateway group.
    private func recordTransition(of name: String, from: GroupState, to: GroupState, reason: String) {
        flushTally()  // the metrics show the adverts that led to it
        logger.notice("\(name): \(from.rawValue) → \(to.rawValue): \(reason)",
                      metadata: ["vip": "\(name)", "state": "\(to.rawValue)", "reason": "\(reason)"])
        history.append(HistoryEntry(time: isoTimestamp(Date()), vip: name, from: from.rawValue,
                                    to: to.rawValue, reason: reason))
        observers.transition(vip: name, to: to.rawValue)
        observers.changed()
    }

    // MARK: - Host

    /// A copy of a VIP left by a crashed run would answer for a node that is not master.
    func removeStaleCopies(of vips: [VIPConfig]? = nil) {
        for vip in vips ?? configuration.vips {
            do {
                let removed = try route.removeAgentCopies(of: [vip.address]).map(\.interfaceName)
                if !removed.isEmpty {
                    logger.notice("\(vip.name): removed a stale copy of \(vip.address) from \(removed.joined(separator: ", ")) (left by an earlier run)",
                                  metadata: ["vip": "\(vip.name)"])
                }
            } catch {
                logger.error("\(vip.name): removing stale copies of \(vip.address): \(error)", metadata: ["vip": "\(vip.name)"])
            }
        }
    }

    private func takeSnapshot() -> HostSnapshot? {
        do {
            return try route.snapshot()
        } catch {
            logger.error("reading links and addresses: \(error)")
            return nil
        }
    }
}

@available(*, unavailable)
extension Agent: Sendable {}

/// The core's answer to an operator command.
struct Reply: Sendable {
    let text: String
    let isError: Bool
}

struct AgentStartError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

extension Health {
    init(_ state: CheckState) {
        switch state {
        case .healthy: self = .healthy
        case .unhealthy: self = .unhealthy
        case .unknown: self = .unknown
        }
    }
}

extension Logger.Level {
    init(_ level: LogLevel) {
        switch level {
        case .debug: self = .debug
        case .info: self = .info
        case .notice: self = .notice
        case .warning: self = .warning
        case .error: self = .error
        }
    }
}
