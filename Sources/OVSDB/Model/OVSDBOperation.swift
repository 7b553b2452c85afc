/// One `where` clause: `[column, function, value]` (RFC 7047 §5.1).
public struct OVSDBCondition: Equatable, Sendable {
    public var column: String
    public var function: String
    public var value: JSONValue

    public init(_ column: String, _ function: String, _ value: JSONValue) {
        self.column = column
        self.function = function
        self.value = value
    }

    /// `["_uuid", "==", ["uuid", uuid]]`
    public static func uuid(_ uuid: String) -> OVSDBCondition { .init("_uuid", "==", OVSDBDatum.uuid(uuid)) }

    public static func equals(_ column: String, _ value: JSONValue) -> OVSDBCondition { .init(column, "==", value) }

    var json: JSONValue { .array([.string(column), .string(function), value]) }
}

/// One mutation: `[column, mutator, value]`, e.g. `["priority", "+=", 1]`.
public struct OVSDBMutation: Equatable, Sendable {
    public var column: String
    public var mutator: String
    public var value: JSONValue

    public init(_ column: String, _ mutator: String, _ value: JSONValue) {
        self.column = column
        self.mutator = mutator
        self.value = value
    }

    var json: JSONValue { .array([.string(column), .string(mutator), value]) }
}

/// One operation of a `transact` request (RFC 7047 §5.2). Build with the static helpers, or wrap any
/// JSON object with `init(json:)`.
public struct OVSDBOperation: Equatable, Sendable {
    public var json: JSONValue

    public init(json: JSONValue) { self.json = json }

    /// The `op` member, e.g. `"wait"`.
    public var name: String? { json["op"]?.stringValue }

    public static func select(_ table: String, where conditions: [OVSDBCondition] = [],
                              columns: [String]? = nil) -> OVSDBOperation {
        var o: [String: JSONValue] = ["op": "select", "table": .string(table), "where": conditions.json]
        if let columns { o["columns"] = .array(columns.map(JSONValue.string)) }
        return .init(json: .object(o))
    }

    public static func update(_ table: String, where conditions: [OVSDBCondition],
                              row: [String: JSONValue]) -> OVSDBOperation {
        .init(json: ["op": "update", "table": .string(table), "where": conditions.json, "row": .object(row)])
    }

    public static func mutate(_ table: String, where conditions: [OVSDBCondition],
                              mutations: [OVSDBMutation]) -> OVSDBOperation {
        .init(json: ["op": "mutate", "table": .string(table), "where": conditions.json,
                     "mutations": .array(mutations.map(\.json))])
    }

    public static func insert(_ table: String, row: [String: JSONValue], uuidName: String? = nil) -> OVSDBOperation {
        var o: [String: JSONValue] = ["op": "insert", "table": .string(table), "row": .object(row)]
        if let uuidName { o["uuid-name"] = .string(uuidName) }
        return .init(json: .object(o))
    }

    public static func delete(_ table: String, where conditions: [OVSDBCondition]) -> OVSDBOperation {
        .init(json: ["op": "delete", "table": .string(table), "where": conditions.json])
    }

    /// A guard: the transaction fails with `timed out` unless the rows matching `conditions`, projected
    /// on `columns`, are exactly `rows` (`until: "=="`) or differ from them (`until: "!="`).
    /// With `timeout: 0` the server checks once and never blocks: our compare-and-swap.
    public static func wait(_ table: String, where conditions: [OVSDBCondition], columns: [String],
                            until: String = "==", rows: [[String: JSONValue]], timeout: Int = 0) -> OVSDBOperation {
        .init(json: ["op": "wait", "table": .string(table), "where": conditions.json,
                     "columns": .array(columns.map(JSONValue.string)), "until": .string(until),
                     "rows": .array(rows.map(JSONValue.object)), "timeout": .int(timeout)])
    }

    /// Written to the database log with the transaction; shows up in `ovsdb-tool show-log`.
    public static func comment(_ text: String) -> OVSDBOperation {
        .init(json: ["op": "comment", "comment": .string(text)])
    }
}

extension Array where Element == OVSDBCondition {
    var json: JSONValue { .array(map(\.json)) }
}
