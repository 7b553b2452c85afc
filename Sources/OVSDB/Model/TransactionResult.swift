/// The result of one operation of a committed transaction (RFC 7047 §5.2).
public struct TransactionResult: Equatable, Sendable {
    /// The raw result object, for operations this type does not interpret (`comment`, `assert`…).
    public var json: JSONValue

    public init(json: JSONValue) { self.json = json }

    /// Rows returned by `select`.
    public var rows: [OVSDBRow]? {
        json["rows"]?.arrayValue?.compactMap(\.objectValue)
    }

    /// The UUID of a row created by `insert`.
    public var uuid: String? { json["uuid"]?.ovsdbUUID }

    /// Number of rows touched by `update`, `mutate` and `delete`.
    public var count: Int? { json["count"]?.intValue }
}

/// Interprets the result array of a `transact`: one result per operation, and when the commit itself
/// fails, one more result carrying that error.
enum TransactionResults {
    static func check(_ result: JSONValue, operations: [OVSDBOperation]) throws -> [TransactionResult] {
        guard let results = result.arrayValue else {
            throw OVSDBError.protocolViolation("transact result is not an array: \(result)")
        }
        for (index, item) in results.enumerated() {
            guard let object = item.objectValue, let error = object["error"], !error.isNull else { continue }
            let isOperation = index < operations.count
            throw OVSDBError.transactionFailed(OVSDBTransactionFailure(
                operationIndex: isOperation ? index : nil,
                operation: isOperation ? operations[index].name : nil,
                error: error.stringValue ?? error.description,
                details: object["details"]?.stringValue))
        }
        guard results.count >= operations.count else {
            throw OVSDBError.protocolViolation(
                "transact returned \(results.count) results for \(operations.count) operations")
        }
        return results.prefix(operations.count).map(TransactionResult.init(json:))
    }
}
