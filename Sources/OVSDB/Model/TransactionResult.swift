/// Interprets the result array of a `transact` (RFC 7047 §5.2): one result per operation, and when the
/// commit itself fails, one more result carrying that error.
enum TransactionResult {
    static func check(_ result: JSONValue, operations: [OVSDBOperation]) throws -> [JSONValue] {
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
        return Array(results.prefix(operations.count))
    }
}
