import OVSDB
import StatusProtocol

/// What `vipctl status` shows about the gateway group: the election's members with their row
/// priorities and the active chassis of the first port (the fields of the one-port days), and
/// every port on its own.
extension GatewayReconciler {
    public func status() -> GatewayStatus {
        let first = ports.first
        let rows = first?.view?.rows ?? []
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
                             activeChassis: first?.view?.activeChassis, nbConnected: nbState.isConnected,
                             nbDetail: nbDetail, lastWrite: first?.lastWrite.map(isoTimestamp),
                             lastWriteResult: first?.lastWriteResult, members: members,
                             ports: ports.map(portStatus))
    }

    func portStatus(_ port: GatewayPortState) -> GatewayPortStatus {
        GatewayPortStatus(
            name: port.name, found: snapshotSeen ? port.view != nil : nil,
            activeChassis: port.view?.activeChassis,
            gatewayChassis: (port.view?.rows ?? []).map { GatewayChassisPriority(chassis: $0.chassisName, priority: $0.priority) },
            natAddressPorts: port.natAddressPorts, lastWrite: port.lastWrite.map(isoTimestamp),
            lastWriteResult: port.lastWriteResult, detail: problem(of: port) ?? "")
    }

    /// What is wrong with one port, once the database was read.
    func problem(of port: GatewayPortState) -> String? {
        if snapshotSeen && port.view == nil { return "Logical_Router_Port \"\(port.name)\" not found" }
        if !port.missingReported.isEmpty {
            return "no Gateway_Chassis row for \(port.missingReported.joined(separator: ", "))"
        }
        return nil
    }

    /// The NB connection and, when connected, every port's problem (named by port when there are several).
    var nbDetail: String {
        guard nbState.isConnected else { return "\(nbState)" }
        let problems = ports.compactMap { port -> String? in
            guard let problem = problem(of: port) else { return nil }
            return ports.count == 1 || problem.hasPrefix("Logical_Router_Port") ? problem : "\(port.name): \(problem)"
        }
        return (["\(nbState)"] + problems).joined(separator: "; ")
    }

    /// The last connection state reported by the OVSDB client.
    public var connectionState: OVSDBConnectionState { nbState }
}
