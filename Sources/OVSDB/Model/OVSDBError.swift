/// Everything the OVSDB module throws. Each case carries enough text to act on without a debugger.
public enum OVSDBError: Error, Equatable, Sendable, CustomStringConvertible {
    /// A remote string such as `tcp:10.0.0.1` (no port) could not be parsed.
    case invalidRemote(String)
    /// Bytes on the wire were not a sequence of JSON objects, or a message was too large.
    case framing(String)
    /// A JSON message could not be parsed.
    case invalidJSON(String)
    /// The server sent well-formed JSON that is not what RFC 7047 says it should be.
    case protocolViolation(String)
    /// No remote could be connected (each attempt's error is listed).
    case connectFailed([String])
    /// One remote could not be connected (the text names the remote and the socket or TLS error).
    case unreachable(String)
    /// A request was made while no connection is up.
    case notConnected
    /// The connection closed while a request was outstanding.
    case disconnected(String)
    /// No reply within the deadline.
    case timeout(String)
    /// The server answered a request with a JSON-RPC error.
    case rpcError(method: String, error: String)
    /// An operation of a transaction failed; the transaction was not committed.
    case transactionFailed(OVSDBTransactionFailure)
    /// A `wait` guard failed: somebody else changed the rows between our read and our write.
    case conflict(String)
    /// Something the caller asked for does not exist in the database.
    case notFound(String)
    /// The caller passed a value the database cannot hold.
    case invalidArgument(String)
    /// The client was closed.
    case closed

    public var description: String {
        switch self {
        case .invalidRemote(let s): return "invalid OVSDB remote: \(s)"
        case .framing(let s): return "OVSDB framing error: \(s)"
        case .invalidJSON(let s): return "invalid JSON from OVSDB server: \(s)"
        case .protocolViolation(let s): return "OVSDB protocol violation: \(s)"
        case .connectFailed(let errors): return "no OVSDB remote reachable: \(errors.joined(separator: "; "))"
        case .unreachable(let s): return s
        case .notConnected: return "not connected to an OVSDB server"
        case .disconnected(let s): return "OVSDB connection lost: \(s)"
        case .timeout(let s): return "OVSDB request timed out: \(s)"
        case .rpcError(let method, let error): return "OVSDB \(method) failed: \(error)"
        case .transactionFailed(let failure): return "OVSDB transaction failed: \(failure)"
        case .conflict(let s): return "OVSDB write conflict: \(s)"
        case .notFound(let s): return "not found in OVSDB: \(s)"
        case .invalidArgument(let s): return "invalid argument: \(s)"
        case .closed: return "OVSDB client closed"
        }
    }
}

/// Why a `transact` was refused: the first failing operation's result (RFC 7047 §5.2.1).
public struct OVSDBTransactionFailure: Equatable, Sendable, CustomStringConvertible {
    /// Index of the failed operation in the request, or nil when the commit itself failed
    /// (constraint violation, referential integrity...), reported after the last operation.
    public var operationIndex: Int?
    /// The `op` of the failed operation (`wait`, `update`...), nil for a commit failure.
    public var operation: String?
    /// The RFC 7047 error string, e.g. `timed out`, `constraint violation`.
    public var error: String
    public var details: String?

    public init(operationIndex: Int?, operation: String?, error: String, details: String?) {
        self.operationIndex = operationIndex
        self.operation = operation
        self.error = error
        self.details = details
    }

    /// True when a `wait` operation found the rows different from what we expected.
    public var isWaitConflict: Bool { operation == "wait" && error == "timed out" }

    public var description: String {
        var where_ = "commit"
        if let index = operationIndex { where_ = "operation \(index) (\(operation ?? "?"))" }
        return "\(where_): \(error)" + (details.map { " (\($0))" } ?? "")
    }
}

extension OVSDBError {
    /// True when a transaction was refused because one of its `wait` guards found other values:
    /// somebody else wrote in between; re-read and try again.
    public var isWaitConflict: Bool {
        switch self {
        case .transactionFailed(let failure): return failure.isWaitConflict
        case .conflict: return true
        default: return false
        }
    }

    /// True when the error means the connection is gone (the client reconnects by itself).
    public var isConnectionLoss: Bool {
        switch self {
        case .unreachable, .notConnected, .disconnected, .timeout, .connectFailed, .closed: return true
        default: return false
        }
    }
}
