import AgentConfig
import GatewayFailover
import NodeCore
import OVSDB
import StatusProtocol

/// The external gateway group inside the agent: the election is the core's, NB writes go
/// through the link.
extension Agent {
    func startGatewayLink() {
        guard let config = configuration.externalGateway, let group = core.gateway else { return }
        let remotes = (try? config.nb.flatMap { try OVSDBRemote.parseList($0) }) ?? []
        let settings = GatewaySettings(
            remotes: remotes, tls: config.tls.map { OVSDBTLS(caFile: $0.caFile, certFile: $0.certFile, keyFile: $0.keyFile) },
            logicalRouterPorts: config.logicalRouterPorts, ownChassis: group.chassis,
            minHoldTime: config.minHoldTime, routerId: Int(config.routerId))
        let link = GatewayLink(settings: settings, logger: logger)
        gatewayLink = link
        let bound = self.bound
        let loop = self.loop
        link.start(onWrite: { outcome in
            let success = if case .succeeded = outcome { true } else { false }
            loop.execute { bound.value.observers.gatewayWrite(success: success) }
        }) { status in
            loop.execute {
                bound.value.observers.gatewayStatus(status)
                bound.value.observers.changed()
            }
        }
        logger.info("gateway group \(config.routerId): chassis \(group.chassis) on \(config.logicalRouterPorts.joined(separator: ", ")), NB \(config.nb.joined(separator: ","))")
    }

    /// The gateway block of the status document: the NB side from the reconciler, the election
    /// side from the core.
    func gatewayStatus() -> GatewayStatus? {
        guard let gateway = core.gateway else { return nil }
        var status = gatewayLink?.status ?? GatewayStatus(
            routerId: Int(gateway.config.routerId), state: "", nbConnected: false, nbDetail: "not connected yet",
            ports: gateway.config.logicalRouterPorts.map { GatewayPortStatus(name: $0) })
        status.state = gateway.election.state.rawValue
        return status
    }
}
