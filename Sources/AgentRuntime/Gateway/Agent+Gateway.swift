import Foundation
import AgentConfig
import ElectionProtocol
import GatewayFailover
import HostPlumbing
import OVSDB
import StatusProtocol

/// The external gateway group inside the agent: election on the loop, NB writes in the link.
extension Agent {
    func startGateway(peerCount: Int) {
        guard let config = configuration.externalGateway, let chassis = gatewayChassis else { return }
        let group = GatewayGroup(
            config: config, chassis: chassis, address: identity.address, peerCount: peerCount,
            startupGrace: configuration.startupGrace, loop: loop,
            send: { [weak self] body in self?.send(body, label: "gateway") },
            changed: { [weak self] group, action in self?.gatewayChanged(group, action) })
        gateway = group
        let remotes = (try? config.nb.flatMap { try OVSDBRemote.parseList($0) }) ?? []
        let settings = GatewaySettings(
            remotes: remotes, tls: config.tls.map { OVSDBTLS(caFile: $0.caFile, certFile: $0.certFile, keyFile: $0.keyFile) },
            logicalRouterPort: config.logicalRouterPort, ownChassis: chassis,
            minHoldTime: config.minHoldTime, routerId: Int(config.routerId))
        let link = GatewayLink(settings: settings, logger: logger)
        gatewayLink = link
        link.start { [weak self] status in
            guard let self else { return }
            self.loop.execute {
                self.observers.gatewayStatus(status)
                self.observers.changed()
            }
        }
        logger.info("gateway group \(config.routerId): chassis \(chassis) on \(config.logicalRouterPort), NB \(config.nb.joined(separator: ","))")
    }

    /// Health of the gateway group: its checks and the carrier of the external NIC.
    func updateGatewayHealth(_ snapshot: HostSnapshot? = nil) {
        guard let gateway else { return }
        if let nic = gateway.config.nic, let snapshot {
            let link = snapshot.link(named: nic)
            gateway.healthInput.interface = nic
            gateway.healthInput.carrier = link.map { $0.isUp && $0.hasCarrier } ?? false
        }
        gateway.healthInput.checks = gateway.config.checks.map { ($0, checks?.state(of: $0) ?? .unknown) }
        gateway.setHealth(HealthGate.evaluate(gateway.healthInput).health)
    }

    private func gatewayChanged(_ group: GatewayGroup, _ action: ElectionAction?) {
        if case .transition(let from, let to, let reason)? = action {
            recordTransition(of: "gateway", from: from, to: to, reason: reason)
        }
        let published = (group.election.state == .master, group.ranking(nodeNames: nodeNames, ownNode: identity.name))
        if let last = group.lastPublished, last.0 == published.0, last.1 == published.1 { return }
        group.lastPublished = published
        gatewayLink?.publish(isMaster: published.0, ranking: published.1)
    }

    /// The gateway block of the status document: the NB side from the reconciler, the election
    /// side from here.
    func gatewayStatus() -> GatewayStatus? {
        guard let gateway else { return nil }
        var status = gatewayLink?.status ?? GatewayStatus(routerId: Int(gateway.routerId), state: "", nbConnected: false,
                                                          nbDetail: "not connected yet")
        status.state = gateway.election.state.rawValue
        return status
    }
}
