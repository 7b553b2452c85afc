/// One table of a `monitor` request: its name and the columns to replicate (empty: all columns).
public struct MonitorTable: Equatable, Sendable {
    public var name: String
    public var columns: [String]

    public init(_ name: String, columns: [String] = []) {
        self.name = name
        self.columns = columns
    }

    /// `<monitor-request>` of RFC 7047 §4.1.5: initial dump plus inserts, deletes and modifications.
    var json: JSONValue {
        var request: [String: JSONValue] = [:]
        if !columns.isEmpty { request["columns"] = .array(columns.map(JSONValue.string)) }
        return .object(request)
    }
}

/// Called with the whole replica after the initial dump (also after every reconnection) and after
/// every `update` notification.
public typealias MonitorHandler = @Sendable (DatabaseSnapshot) -> Void

/// A monitor the client keeps alive across reconnections.
struct MonitorRegistration {
    let id: Int
    let database: String
    let tables: [MonitorTable]
    let onUpdate: MonitorHandler
    var snapshot: DatabaseSnapshot

    var params: JSONValue {
        var requests: [String: JSONValue] = [:]
        for table in tables { requests[table.name] = table.json }
        return .array([.string(database), .string("monitor-\(id)"), .object(requests)])
    }
}
