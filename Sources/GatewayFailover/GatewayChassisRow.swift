import OVSDB

/// One `Gateway_Chassis` row of the router port, as read from the northbound database.
public struct GatewayChassisRow: Equatable, Sendable {
    public var uuid: String
    /// `<lrp>-<chassis>` when Kube-OVN created it.
    public var name: String
    public var chassisName: String
    public var priority: Int

    public init(uuid: String, name: String, chassisName: String, priority: Int) {
        self.uuid = uuid
        self.name = name
        self.chassisName = chassisName
        self.priority = priority
    }
}

/// The router port and its gateway chassis rows, extracted from a northbound replica.
public struct GatewayPortView: Equatable, Sendable {
    public var portUUID: String
    public var portName: String
    /// The port's `gateway_chassis` column: UUIDs of the rows it references.
    public var gatewayChassisUUIDs: [String]
    /// The referenced rows that are present in the replica, highest priority first.
    public var rows: [GatewayChassisRow]

    public init(portUUID: String, portName: String, gatewayChassisUUIDs: [String], rows: [GatewayChassisRow]) {
        self.portUUID = portUUID
        self.portName = portName
        self.gatewayChassisUUIDs = gatewayChassisUUIDs
        self.rows = rows
    }

    /// The chassis OVN currently prefers: the row with the highest priority.
    public var activeChassis: String? { rows.first?.chassisName }

    /// Reads `Logical_Router_Port` named `port` and the `Gateway_Chassis` rows it references.
    /// Returns nil when the port does not exist; rows that cannot be read (a missing column, a
    /// priority that is not an integer) are left out rather than guessed.
    public static func read(port: String, from snapshot: DatabaseSnapshot) -> GatewayPortView? {
        let ports = snapshot["Logical_Router_Port"].rows
        guard let (portUUID, portRow) = ports.sorted(by: { $0.key < $1.key })
            .first(where: { $0.value["name"]?.stringValue == port })
        else { return nil }
        let uuids = portRow["gateway_chassis"]?.ovsdbUUIDSet ?? []
        let chassisTable = snapshot["Gateway_Chassis"].rows
        var rows: [GatewayChassisRow] = []
        for uuid in uuids {
            guard let row = chassisTable[uuid],
                  let chassis = row["chassis_name"]?.stringValue,
                  let priority = row["priority"]?.intValue
            else { continue }
            rows.append(GatewayChassisRow(uuid: uuid, name: row["name"]?.stringValue ?? "",
                                          chassisName: chassis, priority: priority))
        }
        rows.sort { ($0.priority, $1.chassisName) > ($1.priority, $0.chassisName) }
        return GatewayPortView(portUUID: portUUID, portName: port, gatewayChassisUUIDs: uuids, rows: rows)
    }
}
