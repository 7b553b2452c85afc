import StatusProtocol

/// The priorities the group master wants on the router port's `Gateway_Chassis` rows. Pure.
///
/// Order: the master's chassis on top, then the other members in the order given (their order of
/// merit), healthy members before unhealthy ones, then rows of chassis that are not members, in their
/// current order. Only existing rows are touched; members without a row are reported. Priorities keep
/// the controller's range: the highest existing priority is the ceiling (Kube-OVN: 100, 99, 98…).
/// When the rows already rank in that order, nothing is written, whatever the exact numbers are.
public struct GatewayPlan: Equatable, Sendable {
    /// One row whose priority must change.
    public struct Change: Equatable, Sendable {
        public var row: GatewayChassisRow
        public var priority: Int
    }

    /// Chassis names of the existing rows, in the desired order (highest priority first).
    public let order: [String]
    /// Chassis names of the existing rows, in the current order.
    public let currentOrder: [String]
    /// The rows to rewrite; empty when the current order already matches.
    public let changes: [Change]
    /// Members with no row on the port (their node name when their chassis is unknown).
    public let membersWithoutRow: [String]

    public var needsWrite: Bool { !changes.isEmpty }

    /// The largest priority OVN accepts in `Gateway_Chassis.priority`.
    public static let maxPriority = 32767

    public init(masterChassis: String?, ranking: [GatewayMember], rows: [GatewayChassisRow]) {
        let sortedRows = rows.sorted { ($0.priority, $1.chassisName) > ($1.priority, $0.chassisName) }
        let rowChassis = Set(rows.map(\.chassisName))

        var wanted: [String] = []
        func place(_ chassis: String?) {
            guard let chassis, rowChassis.contains(chassis), !wanted.contains(chassis) else { return }
            wanted.append(chassis)
        }
        place(masterChassis)
        for member in ranking where member.healthy != false { place(member.chassis) }
        for member in ranking where member.healthy == false { place(member.chassis) }
        for row in sortedRows { place(row.chassisName) }

        var current: [String] = []
        for row in sortedRows where !current.contains(row.chassisName) { current.append(row.chassisName) }

        order = wanted
        currentOrder = current
        membersWithoutRow = ranking.compactMap { member in
            guard let chassis = member.chassis else { return member.node }
            return rowChassis.contains(chassis) ? nil : chassis
        }
        changes = Self.changes(order: wanted, rows: sortedRows, currentOrder: current)
    }

    /// Rewrites the whole ranking from the ceiling down when the order differs or two chassis tie.
    private static func changes(order: [String], rows: [GatewayChassisRow], currentOrder: [String]) -> [Change] {
        guard !rows.isEmpty else { return [] }
        let priorities = rows.map(\.priority)
        let strictlyOrdered = Self.isStrictlyOrdered(rows: rows)
        guard order != currentOrder || !strictlyOrdered else { return [] }
        let ceiling = min(maxPriority, max(priorities.max() ?? 0, order.count - 1))
        var target: [String: Int] = [:]
        for (index, chassis) in order.enumerated() { target[chassis] = ceiling - index }
        return rows.compactMap { row in
            guard let priority = target[row.chassisName], priority != row.priority else { return nil }
            return Change(row: row, priority: priority)
        }
    }

    /// True when every chassis has one priority and no two chassis share one (OVN's pick is then defined).
    private static func isStrictlyOrdered(rows: [GatewayChassisRow]) -> Bool {
        var byChassis: [String: Int] = [:]
        for row in rows {
            if let existing = byChassis[row.chassisName], existing != row.priority { return false }
            byChassis[row.chassisName] = row.priority
        }
        return Set(byChassis.values).count == byChassis.count
    }
}
