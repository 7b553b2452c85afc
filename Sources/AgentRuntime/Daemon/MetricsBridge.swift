import MetricsExport

/// Turns the agent's events into Prometheus metrics.
enum MetricsBridge {
    static func attach(_ metrics: AgentMetrics, to agent: Agent) {
        // Attached before the agent starts (OperatorSurfaces.open): every group is still INIT,
        // and the transitions that follow move the state gauge.
        for vip in agent.configuration.vips {
            metrics.registerVIP(vip.name, state: "INIT", effectivePriority: Int(vip.priority))
        }
        for peer in agent.configuration.cluster.peers {
            metrics.registerPeer(peer.description)
        }
        agent.sendErrors.onFailure.append { peer in metrics.sendError(peer: peer) }
        var successes: [String: UInt64] = [:]   // per check, to tell whether the last run passed
        agent.observers.onEvent.append { [weak agent] event in
            switch event {
            case .dropped(let reason):
                metrics.dropped(reason: reason.rawValue)
            case .advertsCounted(let sent, let received):
                metrics.advertsCounted(sent: sent, received: received)
            case .garpSent(let vip, let count):
                metrics.garpSent(vip: vip, count: count)
            case .addressConflict(let vip):
                metrics.addressConflict(vip: vip)
            case .transition(let vip, let to):
                metrics.transition(vip: vip, to: to)
                if let group = agent?.core.vips.first(where: { $0.name == vip }) {
                    metrics.setEffectivePriority(vip: vip, Int(group.election.effectivePriority))
                }
            case .gatewayWrite(let success):
                metrics.gatewayWrite(success: success)
            case .hostProblems(let problems):
                metrics.setHostProblems(Dictionary(problems.map { ($0.kind, 1) }, uniquingKeysWith: +))
            case .conflicts(let counts):
                metrics.setConflicts(counts)
            case .evidenceSaved(let group):
                metrics.evidenceSaved(group: group)
            case .reloaded(let summary):
                summary.vipsRemoved.forEach(metrics.unregisterVIP)
                for vip in summary.vipsAdded where !summary.vipsRemoved.contains(vip.name) {
                    metrics.registerVIP(vip.name, state: vip.state, effectivePriority: vip.priority)
                }
                summary.peersRemoved.forEach(metrics.unregisterPeer)
                summary.peersAdded.forEach(metrics.registerPeer)
                for check in summary.checksRemoved {
                    metrics.unregisterCheck(check)
                    successes[check] = nil
                }
            case .gateway(let status):
                metrics.setGatewayConnected(status.nbConnected)
            case .check(let report):
                let seconds = Double(report.lastDuration.components.seconds)
                    + Double(report.lastDuration.components.attoseconds) / 1e18
                let passed = report.successes > successes[report.name, default: 0]
                successes[report.name] = report.successes
                metrics.checkResult(check: report.name, healthy: report.state == .healthy,
                                    success: passed, seconds: seconds)
            }
        }
    }
}
