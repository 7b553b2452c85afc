import AgentConfig
import ElectionProtocol
import NIOCore
import StatusProtocol

/// The Kube-OVN external-gateway election: the same protocol and state machine as a VIP, with
/// the chassis name as the node's name in the group. Nothing is put on the host: the group's
/// result (who masters it, the members in order of merit) goes to the `GatewayReconciler`,
/// which sets the Gateway_Chassis priorities in the OVN northbound database.
final class GatewayGroup {
    let config: ExternalGatewayConfig
    let chassis: String
    private(set) var election: Election
    private let loop: EventLoop
    private var timer: Scheduled<Void>?
    private let send: (AdvertBody) -> Void
    private let changed: (GatewayGroup, ElectionAction?) -> Void
    var healthInput = HealthGate.Input(checks: [], carrier: nil, interface: nil)
    var advertsSent: UInt64 = 0
    var transitions: UInt64 = 0
    /// The last ranking handed to the reconciler, to hand over changes only.
    var lastPublished: (Bool, [GatewayMember])?

    init(config: ExternalGatewayConfig, chassis: String, address: NodeAddress, peerCount: Int,
         startupGrace: Duration, loop: EventLoop, send: @escaping (AdvertBody) -> Void,
         changed: @escaping (GatewayGroup, ElectionAction?) -> Void) {
        self.config = config
        self.chassis = chassis
        let electionConfig = ElectionConfig(
            routerId: config.routerId, priority: config.priority, preempt: config.preempt,
            advertInterval: config.advertInterval, startupGrace: startupGrace,
            stepDownHold: .seconds(60), peerCount: peerCount)
        election = Election(config: electionConfig, me: NodeIdentity(name: chassis, address: address),
                            health: config.checks.isEmpty && config.nic == nil ? .healthy : .unknown)
        self.loop = loop
        self.send = send
        self.changed = changed
    }

    var routerId: UInt8 { config.routerId }

    func start() { handle(.start) }
    func received(_ body: AdvertBody) { handle(.advertReceived(body)) }
    func setHealth(_ health: Health) { if health != election.health { handle(.healthChanged(health)) } }
    func setFault(_ fault: String?) { if fault != election.fault { handle(.faultChanged(fault)) } }

    func shutdown() {
        timer?.cancel()
        timer = nil
        apply(election.handle(.shutdown, at: MonotonicClock.now()))
    }

    private func handle(_ event: ElectionEvent) {
        apply(election.handle(event, at: MonotonicClock.now()))
        changed(self, nil)
    }

    private func apply(_ actions: [ElectionAction]) {
        for action in actions {
            switch action {
            case .send(let body):
                advertsSent &+= 1
                send(body)
            case .transition:
                transitions &+= 1
                changed(self, action)
            case .armTimer(let at):
                timer?.cancel()
                timer = loop.scheduleTask(deadline: MonotonicClock.deadline(at)) { [weak self] in
                    self?.handle(.timerFired)
                }
            case .addVIP, .removeVIP, .announce, .notice:
                break  // no address to hold: the northbound database is the gateway's "VIP"
            }
        }
    }

    /// This node and the peers it hears, best first, as the reconciler wants them.
    func ranking(nodeNames: [NodeAddress: String], ownNode: String) -> [GatewayMember] {
        let now = MonotonicClock.now()
        var members: [(Merit, GatewayMember)] = [
            (election.merit, GatewayMember(node: ownNode, chassis: chassis, healthy: election.health == .healthy))
        ]
        for peer in election.alivePeers(at: now) where peer.isCandidate {
            let node = nodeNames[peer.body.nodeAddress] ?? peer.body.nodeAddress.description
            members.append((peer.merit, GatewayMember(node: node, chassis: peer.name,
                                                      healthy: peer.body.flags.contains(.healthy))))
        }
        return members.sorted { $0.0 > $1.0 }.map(\.1)
    }
}
