import AgentConfig
import ElectionProtocol
import Foundation
import HealthChecks
import StatusProtocol

/// The status document (CONTRACT.md) from the agent's state; on the loop.
extension Agent {
    func statusDocument() -> StatusDocument {
        let now = MonotonicClock.now()
        let wallNow = Date()
        func wall(_ instant: Instant) -> String {
            isoTimestamp(wallNow.addingTimeInterval(-Double(now - instant) / 1e9))
        }
        let vips = groups.map { group -> VIPStatus in
            let e = group.election
            let master = e.master(at: now).map { MasterRef(node: $0.name, address: $0.address.description) }
            return VIPStatus(
                name: group.name, address: group.config.cidr, state: e.state.rawValue,
                interface: group.placedOn ?? group.resolution.interface ?? "",
                configuredInterface: group.config.interface,
                interfaceReason: group.resolution.reason ?? group.resolution.fault,
                priority: Int(group.config.priority), effectivePriority: Int(e.effectivePriority),
                master: master, since: wall(e.since), reason: e.reason,
                healthy: e.health == .healthy)
        }
        let checks = (self.checks?.reports ?? []).map { report in
            CheckStatus(name: report.name, healthy: report.state == .healthy, since: isoTimestamp(report.since),
                        detail: report.detail, successes: report.successes, failures: report.failures)
        }
        return StatusDocument(
            node: identity.name, version: VIPAgentVersion.current, vips: vips, checks: checks,
            peers: peerStatuses(now: now), counters: counters(), drops: dropCounts(), gateway: gatewayStatus(),
            hostProblems: hostProblems.map { HostProblemStatus(kind: $0.kind.rawValue, detail: $0.detail) })
    }

    private func peerStatuses(now: Instant) -> [PeerStatus] {
        configuration.cluster.peers.map { ip in
            let address = NodeAddress(ip)
            let name = nodeNames[address]
            // The peer's latest advert in any group: its state there and its priority.
            let view = groups.lazy.compactMap { g in g.election.peers.first { $0.name == name } }.first
            var state: String?
            if let view {
                state = !view.isAlive(at: now) ? "UNREACHABLE"
                    : view.body.flags.contains(.fault) ? GroupState.fault.rawValue
                    : view.isMaster ? GroupState.master.rawValue : GroupState.backup.rawValue
            }
            return PeerStatus(address: ip.description, node: name,
                              lastSeen: lastHeard[address].map(isoTimestamp), state: state,
                              priority: view.map { Int($0.body.priority) },
                              healthy: view.map { $0.body.flags.contains(.healthy) })
        }
    }

    func counters() -> Counters {
        Counters(advertsSent: groups.reduce(gateway?.advertsSent ?? 0) { $0 + $1.advertsSent },
                 advertsReceived: intake.accepted,
                 authFailures: intake.count(.authFailures), malformed: intake.count(.malformed),
                 replays: intake.count(.replays),
                 garpsSent: groups.reduce(0) { $0 + $1.garpsSent },
                 transitions: groups.reduce(gateway?.transitions ?? 0) { $0 + $1.transitions })
    }

    func dropCounts() -> [String: UInt64] {
        Dictionary(uniqueKeysWithValues: intake.drops.map { ($0.key.rawValue, $0.value) })
    }

    /// "api MASTER on eno1; gw BACKUP": the one-line state for systemd's STATUS=.
    func oneLineStatus() -> String {
        (groups.map { g in
            "\(g.name) \(g.election.state.rawValue)\(g.placedOn.map { " on \($0)" } ?? "")"
        } + (gateway.map { ["gateway \($0.election.state.rawValue)"] } ?? [])).joined(separator: "; ")
    }
}
