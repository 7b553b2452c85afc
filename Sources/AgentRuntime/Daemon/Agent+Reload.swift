import AgentConfig
import ElectionProtocol
import NIOCore
import NodeCore

/// SIGHUP with a valid file, on the loop: what can change live is applied without dropping a
/// VIP that stays (NodeCore+Reload); a change that needs a restart keeps the running
/// configuration entirely, and every such key is logged.
extension Agent {
    func reload(_ fresh: Configuration, path: String) {
        guard !stopping else { return }
        let changes = ConfigChanges(from: configuration, to: fresh)
        guard !changes.isEmpty else {
            logger.notice("SIGHUP: \(path) is unchanged")
            return
        }
        guard changes.restartOnly.isEmpty else {
            for key in changes.restartOnly { logger.error("SIGHUP: cannot change without a restart: \(key)") }
            logger.error("SIGHUP: keeping the running configuration entirely; restart to apply \(path)")
            return
        }
        var freshDestinations: [NodeAddress: SocketAddress] = [:]
        for peer in fresh.cluster.peers {
            do {
                freshDestinations[NodeAddress(peer)] = try SocketAddress.peer(
                    peer, port: fresh.cluster.port, mapToIPv6: transport?.dualStack ?? false)
            } catch {
                logger.error("SIGHUP: cluster.peers: \(peer) cannot be sent to (\(error)); keeping the running configuration")
                return
            }
        }
        let old = configuration
        for line in changes.applied { logger.notice("SIGHUP: \(line)") }
        let (removedChecks, problems) = checks?.apply(CheckSet.used(by: fresh)) ?? ([], [])
        for problem in problems { logger.error("SIGHUP: \(problem); the check keeps its previous settings") }
        let added = fresh.vips.filter { v in !old.vips.contains { $0.name == v.name && $0.otherServiceThan(v) == nil } }
        removeStaleCopies(of: added.filter { v in !old.vips.contains { $0.address == v.address } })
        configuration = fresh
        destinations = freshDestinations
        var settings = core.settings
        settings.configuration = fresh
        feed(.reconfigure(settings))
        observers.reloaded(ReloadSummary(
            vipsAdded: added.map { v in
                (v.name, core.vips.first { $0.name == v.name }?.election.state.rawValue ?? "INIT", Int(v.priority))
            },
            vipsRemoved: old.vips.map(\.name).filter { name in !fresh.vips.contains { $0.name == name } },
            peersAdded: fresh.cluster.peers.filter { !old.cluster.peers.contains($0) }.map(\.description),
            peersRemoved: old.cluster.peers.filter { !fresh.cluster.peers.contains($0) }.map(\.description),
            checksRemoved: removedChecks))
        observers.changed()
        logger.notice("SIGHUP: \(path) applied (\(changes.applied.count) change\(changes.applied.count == 1 ? "" : "s"))")
    }
}

/// What a reload added and removed, for the metrics' series.
struct ReloadSummary: Sendable {
    var vipsAdded: [(name: String, state: String, priority: Int)]
    var vipsRemoved: [String]
    var peersAdded: [String]
    var peersRemoved: [String]
    var checksRemoved: [String]
}
