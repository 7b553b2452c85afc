import OVSDB

/// Reads and writes the `Gateway_Chassis` priorities of one logical router port in OVN_Northbound.
///
/// A write is one transaction that first checks, with `wait` guards (timeout 0), that the port still
/// references the same rows and that every row still has the priority we planned from; a writer that
/// changed anything in between makes the whole transaction fail (`isWaitConflict`), so two writers can
/// never leave a mix of their orders: the loser re-reads and plans again.
public struct GatewayChassisStore: Sendable {
    public static let database = "OVN_Northbound"

    /// The tables and columns the reconciler replicates.
    public static let monitoredTables: [MonitorTable] = [
        MonitorTable("Logical_Router_Port", columns: ["name", "gateway_chassis"]),
        MonitorTable("Gateway_Chassis", columns: ["name", "chassis_name", "priority"]),
    ]

    public let client: OVSDBClient
    public let logicalRouterPort: String

    public init(client: OVSDBClient, logicalRouterPort: String) {
        self.client = client
        self.logicalRouterPort = logicalRouterPort
    }

    /// Reads the port and its rows now (a `select`, not the monitor's replica).
    public func read() async throws -> GatewayPortView {
        let results = try await client.transact(database: Self.database, operations: [
            .select("Logical_Router_Port", where: [.equals("name", .string(logicalRouterPort))],
                    columns: ["_uuid", "name", "gateway_chassis"]),
            .select("Gateway_Chassis", columns: ["_uuid", "name", "chassis_name", "priority"]),
        ])
        var snapshot = DatabaseSnapshot(tables: ["Logical_Router_Port", "Gateway_Chassis"])
        for (index, table) in ["Logical_Router_Port", "Gateway_Chassis"].enumerated() {
            for row in results[index].rows ?? [] {
                guard let uuid = row["_uuid"]?.ovsdbUUID else { continue }
                snapshot.tables[table]?.rows[uuid] = row
            }
        }
        guard let view = GatewayPortView.read(port: logicalRouterPort, from: snapshot) else {
            throw OVSDBError.notFound("Logical_Router_Port \"\(logicalRouterPort)\"")
        }
        return view
    }

    /// Applies `plan` to the rows of `view` in one guarded transaction.
    public func write(_ plan: GatewayPlan, over view: GatewayPortView, comment: String) async throws {
        guard plan.needsWrite else { return }
        _ = try await client.transact(database: Self.database,
                                      operations: Self.operations(plan, over: view, comment: comment))
    }

    /// The transaction: guards on the port's row set and on every row's current priority, then updates.
    public static func operations(_ plan: GatewayPlan, over view: GatewayPortView,
                                  comment: String) -> [OVSDBOperation] {
        var operations: [OVSDBOperation] = [
            .wait("Logical_Router_Port", where: [.uuid(view.portUUID)], columns: ["gateway_chassis"],
                  rows: [["gateway_chassis": OVSDBDatum.set(view.gatewayChassisUUIDs.sorted().map(OVSDBDatum.uuid))]]),
        ]
        for row in view.rows {
            operations.append(.wait("Gateway_Chassis", where: [.uuid(row.uuid)], columns: ["priority"],
                                    rows: [["priority": .int(row.priority)]]))
        }
        for change in plan.changes {
            operations.append(.update("Gateway_Chassis", where: [.uuid(change.row.uuid)],
                                      row: ["priority": .int(change.priority)]))
        }
        operations.append(.comment(comment))
        return operations
    }
}
