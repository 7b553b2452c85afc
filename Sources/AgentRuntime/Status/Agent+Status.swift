import AgentConfig
import ElectionProtocol
import Foundation
import HealthChecks
import NodeCore
import StatusProtocol

/// The status document (CONTRACT.md) from the core's state; on the loop.
extension Agent {
    func statusDocument() -> StatusDocument {
        let now = MonotonicClock.now()
        let wallNow = Date()
        func wall(_ instant: Instant) -> String {
            isoTimestamp(wallNow.addingTimeInterval(-Double(now - instant) / 1e9))
        }
        let vips = core.vips.map { group -> VIPStatus in
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
            peers: peerStatuses(now: now, wall: wall), counters: counters(), drops: dropCounts(),
            gateway: gatewayStatus(),
            hostProblems: hostProblems.map { HostProblemStatus(kind: $0.kind.rawValue, detail: $0.detail) },
            conflicts: core.conflictList.map { ConflictStatus(kind: $0.kind, peer: $0.peer, detail: $0.detail) })
    }

    private func peerStatuses(now: Instant, wall: (Instant) -> String) -> [PeerStatus] {
        configuration.cluster.peers.map { ip in
            let address = NodeAddress(ip)
            let name = core.nodeNames[address]
            // The peer's latest advert in any group: its state there and its priority.
            let view = core.vips.lazy.compactMap { g in g.election.peers.first { $0.address == address } }.first
            var state: String?
            if let view {
                state = !view.isAlive(at: now) ? "UNREACHABLE"
                    : view.body.flags.contains(.fault) ? GroupState.fault.rawValue
                    : view.isMaster ? GroupState.master.rawValue : GroupState.backup.rawValue
            }
            return PeerStatus(address: ip.description, node: name,
                              lastSeen: core.lastHeard[address].map(wall), state: state,
                              priority: view.map { Int($0.body.priority) },
                              healthy: view.map { $0.body.flags.contains(.healthy) },
                              sendErrors: sendErrors.count(for: ip.description))
        }
    }

    func counters() -> Counters {
        let drivers = core.vips.map(\.driver) + (core.gateway.map { [$0.driver] } ?? [])
        return Counters(advertsSent: drivers.reduce(0) { $0 + $1.advertsSent },
                        advertsReceived: core.intake.accepted,
                        authFailures: core.intake.count(.authFailures), malformed: core.intake.count(.malformed),
                        replays: core.intake.count(.replays),
                        garpsSent: garpsSent.values.reduce(0, +),
                        transitions: drivers.reduce(0) { $0 + $1.transitions },
                        evidenceSaves: drivers.reduce(0) { $0 + $1.election.evidenceSaves })
    }

    func dropCounts() -> [String: UInt64] {
        Dictionary(uniqueKeysWithValues: core.intake.drops.map { ($0.key.rawValue, $0.value) })
    }

    /// "api MASTER on eno1; gw BACKUP": the one-line state for systemd's STATUS=.
    func oneLineStatus() -> String {
        (core.vips.map { g in
            "\(g.name) \(g.election.state.rawValue)\(g.placedOn.map { " on \($0)" } ?? "")"
        } + (core.gateway.map { ["gateway \($0.election.state.rawValue)"] } ?? [])).joined(separator: "; ")
    }
}
