import HostModel
import HostPlumbing
import Logging
import StatusProtocol

/// Host problems (HostProblemFinder): kept for the status document, logged when they change,
/// counted in the metrics, and the stale copies removed when `host.repairDuplicates` is on.
extension Agent {
    func reviewHostProblems(_ snapshot: HostSnapshot) {
        let placements = core.vips.map { group in
            VIPPlacement(name: group.name, vip: group.address, prefixLength: group.config.prefixLength,
                         interface: group.placedOn ?? group.resolution.interface)
        }
        let found = HostProblemFinder.find(in: snapshot, vips: placements)
        if configuration.host.repairDuplicates {
            repairDuplicates(found)
        }
        guard found != hostProblems else { return }
        for problem in found where !hostProblems.contains(problem) {
            logger.warning("host problem: \(problem)", metadata: ["kind": "\(problem.kind.rawValue)"])
        }
        for problem in hostProblems where !found.contains(problem) {
            logger.notice("host problem resolved: \(problem)", metadata: ["kind": "\(problem.kind.rawValue)"])
        }
        hostProblems = found
        observers.hostProblems(found.map { HostProblemStatus(kind: $0.kind.rawValue, detail: $0.detail) })
    }

    /// Removes the copy of a node address left on an enslaved port; the usable copy stays.
    private func repairDuplicates(_ problems: [HostProblem]) {
        for problem in problems where problem.kind == .duplicateAddress {
            guard let stale = problem.staleCopy else { continue }
            do {
                try route.removeAddress(stale.address, prefixLength: stale.prefixLength, interface: stale.interfaceName)
                logger.notice("host.repairDuplicates: removed the stale copy \(stale)", metadata: ["kind": "duplicateAddress"])
            } catch {
                logger.error("host.repairDuplicates: \(error)", metadata: ["kind": "duplicateAddress"])
            }
        }
    }
}
