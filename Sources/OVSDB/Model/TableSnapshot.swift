/// A row as the monitor sees it: column name → datum in RFC 7047 notation.
public typealias OVSDBRow = [String: JSONValue]

/// The local replica of one monitored table: row UUID → row (monitored columns only).
public struct TableSnapshot: Equatable, Sendable {
    public var table: String
    public var rows: [String: OVSDBRow]

    public init(table: String, rows: [String: OVSDBRow] = [:]) {
        self.table = table
        self.rows = rows
    }
}

/// The replica of every table of one monitor, updated from `monitor` replies and `update` notifications.
public struct DatabaseSnapshot: Equatable, Sendable {
    public var tables: [String: TableSnapshot]

    public init(tables: [String]) {
        var t: [String: TableSnapshot] = [:]
        for name in tables { t[name] = TableSnapshot(table: name) }
        self.tables = t
    }

    public subscript(table: String) -> TableSnapshot {
        tables[table] ?? TableSnapshot(table: table)
    }

    /// Applies a `<table-updates>` object (RFC 7047 §4.1.6): `{table: {uuid: {"old": row, "new": row}}}`.
    /// A row update with `new` inserts or modifies the row, without `new` deletes it. The update is
    /// validated as a whole before anything changes, so a malformed update leaves the replica intact.
    public mutating func apply(tableUpdates: JSONValue) throws {
        guard let tablesUpdate = tableUpdates.objectValue else {
            throw OVSDBError.protocolViolation("table-updates is not an object: \(tableUpdates)")
        }
        var next = tables
        for (table, rowUpdates) in tablesUpdate {
            guard let rowUpdates = rowUpdates.objectValue else {
                throw OVSDBError.protocolViolation("updates of table \(table) are not an object")
            }
            var snapshot = next[table] ?? TableSnapshot(table: table)
            for (uuid, rowUpdate) in rowUpdates {
                guard let rowUpdate = rowUpdate.objectValue else {
                    throw OVSDBError.protocolViolation("update of \(table) row \(uuid) is not an object")
                }
                switch rowUpdate["new"] {
                case nil, .null?:
                    snapshot.rows[uuid] = nil
                case .object(let newRow)?:
                    snapshot.rows[uuid, default: [:]].merge(newRow) { _, new in new }
                case let other?:
                    throw OVSDBError.protocolViolation("\"new\" of \(table) row \(uuid) is not an object: \(other)")
                }
            }
            next[table] = snapshot
        }
        tables = next
    }

    /// Replaces the replica with a monitor's initial dump.
    public mutating func reset(initial tableUpdates: JSONValue) throws {
        var fresh = self
        for name in fresh.tables.keys { fresh.tables[name]?.rows = [:] }
        try fresh.apply(tableUpdates: tableUpdates)
        self = fresh
    }
}
