import AgentConfig
import BasicTypes
import ElectionProtocol

/// The Kube-OVN external-gateway election inside the node core: the same protocol and state
/// machine as a VIP, with the chassis name as the node's name in the group. Nothing is put on
/// the host: the group's result (who masters it, the members in order of merit) goes out as
/// `.publishGateway` for the reconciler that writes the Gateway_Chassis priorities.
public struct GatewayGroup: Sendable {
    public static let name = "gateway"
    public let config: ExternalGatewayConfig
    public let chassis: String
    public internal(set) var driver: GroupDriver
    /// The last result handed out, to hand out changes only.
    var lastPublished: (isMaster: Bool, ranking: [GatewayRank])?

    init(config: ExternalGatewayConfig, chassis: String, address: NodeAddress, peerCount: Int,
         startupGrace: Duration) {
        self.config = config
        self.chassis = chassis
        let electionConfig = ElectionConfig(
            routerId: config.routerId, priority: config.priority, preempt: config.preempt,
            advertInterval: config.advertInterval, startupGrace: startupGrace,
            stepDownHold: .seconds(60), peerCount: peerCount, selfTimed: false)
        driver = GroupDriver(name: Self.name, election: Election(
            config: electionConfig, me: NodeIdentity(name: chassis, address: address),
            health: config.checks.isEmpty && config.nic == nil ? .healthy : .unknown))
    }

    public var election: Election { driver.election }

    /// This node and the peers it hears, best first.
    func ranking(nodeNames: [NodeAddress: String], ownNode: String, at now: Instant) -> [GatewayRank] {
        var members: [(Merit, GatewayRank)] = [
            (election.merit, GatewayRank(node: ownNode, chassis: chassis, healthy: election.health == .healthy))
        ]
        for peer in election.alivePeers(at: now) where peer.isCandidate {
            let node = nodeNames[peer.body.nodeAddress] ?? peer.body.nodeAddress.description
            members.append((peer.merit, GatewayRank(node: node, chassis: peer.name,
                                                    healthy: peer.body.flags.contains(.healthy))))
        }
        return members.sorted { $0.0 > $1.0 }.map(\.1)
    }
}

extension NodeCore {
    /// Runs one event through the gateway election and hands out its result when it changed.
    mutating func gatewayHandle(_ event: ElectionEvent, cause: String? = nil, _ now: Instant, _ out: inout Effects) {
        guard gateway != nil else { return }
        let actions = gateway!.driver.handle(event, at: now, cause: cause)
        performGateway(actions, now, &out)
    }

    private mutating func performGateway(_ actions: [ElectionAction], _ now: Instant, _ out: inout Effects) {
        guard let gw = gateway else { return }
        for action in actions {
            switch action {
            case .send:
                out.advertise = true
            case .transition(let from, let to, let reason):
                out.append(.transition(group: GatewayGroup.name, from: from, to: to, reason: reason))
            case .evidenceSaved:
                out.append(.evidenceSaved(group: GatewayGroup.name))
            case .addVIP, .removeVIP, .announce, .notice, .armTimer:
                break  // no address to hold: the northbound database is the gateway's "VIP"
            }
        }
        guard !stopped else { return }
        let isMaster = gw.election.state == .master
        let ranking = gw.ranking(nodeNames: nodeNames, ownNode: identity.name, at: now)
        if let last = gw.lastPublished, last.isMaster == isMaster, last.ranking == ranking { return }
        gateway?.lastPublished = (isMaster, ranking)
        out.append(.publishGateway(isMaster: isMaster, ranking: ranking))
    }

    /// Health of the gateway group: its checks and the carrier of the external NIC.
    mutating func updateGatewayHealth(_ now: Instant, _ out: inout Effects) {
        guard let gw = gateway else { return }
        if let nic = gw.config.nic {
            let link = snapshot.link(named: nic)
            gateway!.driver.healthInput.interface = nic
            gateway!.driver.healthInput.carrier = link.map { $0.isUp && $0.hasCarrier } ?? false
        }
        gateway!.driver.healthInput.checks = checkInputs(gw.config.checks)
        let (actions, _, _) = gateway!.driver.updateHealth(cause: nil, at: now)
        performGateway(actions, now, &out)
    }
}
