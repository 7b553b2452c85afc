import AgentConfig
import ElectionProtocol
import HostPlumbing
import NIOCore

/// What a group needs from the agent around it.
protocol GroupEnvironment: AnyObject {
    func sendAdvert(_ body: AdvertBody, for group: VIPGroup)
    /// Make the host match `group.holding` now (add, move or remove the VIP).
    func place(_ group: VIPGroup)
    /// One round of gratuitous ARP / unsolicited NA from the group's interface.
    func announce(_ group: VIPGroup)
    func recordTransition(_ group: VIPGroup, from: GroupState, to: GroupState, reason: String)
}

/// One VIP: its election, its timer, its place on the host and its announcements. Confined to
/// the agent's event loop; the decisions are the election's, this only carries them out.
final class VIPGroup {
    let config: VIPConfig
    let vip: HostAddress
    private(set) var election: Election
    private let loop: EventLoop
    private weak var environment: GroupEnvironment?
    private var timer: Scheduled<Void>?
    let announcements: AnnounceSchedule

    /// True while this node should have the VIP on the host (it is MASTER).
    private(set) var holding = false
    /// Where the host placement last put the VIP, and the interface resolution behind it.
    var placedOn: String?
    var resolution = InterfaceResolver.Resolution(interface: nil)
    /// The latest health input (checks and link) and the health it gave.
    var healthInput = HealthGate.Input(checks: [], carrier: nil, interface: nil)
    private(set) var healthWhy: String?
    /// When the interface lost its carrier (nil while it has one), and how long that must last
    /// before it counts: twice the advert interval, at least 200 ms.
    var carrierLostSince: NIODeadline?
    /// When the resolution last lost its interface (nil while it has one); like carrier loss,
    /// it counts only once it has lasted `linkDownHold`.
    var interfaceLostSince: NIODeadline?
    var linkDownHold: TimeAmount { max(config.advertInterval.timeAmount * 2, .milliseconds(200)) }

    var advertsSent: UInt64 = 0
    var advertsReceived: UInt64 = 0
    var garpsSent: UInt64 = 0
    var transitions: UInt64 = 0
    /// Operator messages from the last `stepDown`.
    private var notices: [String] = []
    /// A cause to attach to the transitions of the event being handled (a check's reason).
    private var pendingCause: String?
    /// Why the group is not healthy (a check's reason, a lost carrier); nil while healthy. A
    /// transition that follows later (yielding to the better master it made) carries it too.
    private var healthCause: String?

    init(config: VIPConfig, identity: NodeIdentity, peerCount: Int, startupGrace: Duration,
         announce: AnnounceConfig, loop: EventLoop, environment: GroupEnvironment, initialHealth: Health) {
        self.config = config
        self.vip = HostAddress(config.address)
        let electionConfig = ElectionConfig(
            routerId: config.routerId, priority: config.priority, preempt: config.preempt,
            preemptDelay: config.preemptDelay, advertInterval: config.advertInterval,
            startupGrace: startupGrace, stepDownHold: config.stepDownHold, peerCount: peerCount)
        self.election = Election(config: electionConfig, me: identity, health: initialHealth)
        self.loop = loop
        self.environment = environment
        self.announcements = AnnounceSchedule(loop: loop, settings: announce)
    }

    var name: String { config.name }
    var routerId: UInt8 { config.routerId }

    // MARK: - Events in

    func start() { handle(.start) }

    func received(_ body: AdvertBody) {
        advertsReceived &+= 1
        handle(.advertReceived(body))
    }

    func setHealth(_ health: Health, why: String?, cause: String? = nil) {
        healthWhy = why
        healthCause = health == .healthy ? nil : (cause ?? why)
        guard health != election.health else { return }
        pendingCause = cause ?? why
        handle(.healthChanged(health))
        pendingCause = nil
    }

    func setFault(_ fault: String?) {
        guard fault != election.fault else { return }
        handle(.faultChanged(fault))
    }

    /// Hands mastership over; returns the election's answer for the operator.
    func stepDown() -> [String] {
        notices = []
        handle(.stepDown)
        return notices
    }

    /// Resign: VIP removed, priority-0 advert sent, election stopped.
    func shutdown() {
        timer?.cancel()
        timer = nil
        apply(election.handle(.shutdown, at: MonotonicClock.now()))
        announcements.stop()
    }

    // MARK: - Actions out

    private func handle(_ event: ElectionEvent) {
        apply(election.handle(event, at: MonotonicClock.now()))
    }

    private func apply(_ actions: [ElectionAction]) {
        for action in actions {
            switch action {
            case .send(let body):
                advertsSent &+= 1
                environment?.sendAdvert(body, for: self)
            case .addVIP:
                holding = true
                environment?.place(self)
            case .removeVIP:
                holding = false
                announcements.stop()
                environment?.place(self)
            case .announce:
                startAnnouncing()
            case .transition(let from, let to, let reason):
                transitions &+= 1
                let cause = pendingCause ?? (election.health == .healthy ? nil : healthCause)
                let why = cause.map { "\(reason) (\($0))" } ?? reason
                environment?.recordTransition(self, from: from, to: to, reason: why)
            case .notice(let text):
                notices.append(text)
            case .armTimer(let at):
                timer?.cancel()
                timer = loop.scheduleTask(deadline: MonotonicClock.deadline(at)) { [weak self] in
                    self?.handle(.timerFired)
                }
            }
        }
    }

    /// A burst of announcements from the current interface (on becoming master, on re-homing).
    func startAnnouncing() {
        announcements.start { [weak self] in
            guard let self, self.holding else { return }
            self.environment?.announce(self)
        }
    }
}
