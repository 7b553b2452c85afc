import OVSDB
import StatusProtocol

/// What `vipctl status` shows about the gateway group.
extension GatewayReconciler {
    public func status() -> GatewayStatus {
        let rows = view?.rows ?? []
        var members = ranking.map { member -> GatewayMember in
            var m = member
            m.rowPriority = member.chassis.flatMap { chassis in rows.first { $0.chassisName == chassis }?.priority }
            return m
        }
        let known = Set(ranking.compactMap(\.chassis))
        for row in rows where !known.contains(row.chassisName) {
            members.append(GatewayMember(node: "-", chassis: row.chassisName, rowPriority: row.priority))
        }
        return GatewayStatus(routerId: settings.routerId, state: isMaster ? "MASTER" : "BACKUP",
                             activeChassis: view?.activeChassis, nbConnected: nbState.isConnected,
                             nbDetail: nbDetail, lastWrite: lastWrite.map(isoTimestamp),
                             lastWriteResult: lastWriteResult, members: members)
    }

    /// The NB connection and, when connected, whether the router port was found.
    var nbDetail: String {
        guard nbState.isConnected else { return "\(nbState)" }
        if snapshotSeen && view == nil {
            return "\(nbState); Logical_Router_Port \"\(settings.logicalRouterPort)\" not found"
        }
        if !missingReported.isEmpty {
            return "\(nbState); no Gateway_Chassis row for \(missingReported.joined(separator: ", "))"
        }
        return "\(nbState)"
    }

    /// The last connection state reported by the OVSDB client.
    public var connectionState: OVSDBConnectionState { nbState }
}
