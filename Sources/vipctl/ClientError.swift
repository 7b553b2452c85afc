/// Why vipctl could not get an answer. Each message tells the operator what to do next.
enum ClientError: Error, CustomStringConvertible, Equatable {
    case noSocket(path: String)
    case refused(path: String)
    case notASocket(path: String)
    case permissionDenied(path: String)
    case pathTooLong(path: String, limit: Int)
    case protocolMismatch(path: String, agentVersion: Int)
    case badResponse(path: String, detail: String)
    case closed(path: String)
    case timedOut(path: String, seconds: Int)
    case io(operation: String, path: String, reason: String)
    /// The agent answered with an error.
    case agent(String)

    var description: String {
        switch self {
        case .noSocket(let path):
            return "no agent socket at \(path): is vip-agent running?"
        case .refused(let path):
            return "connection refused on \(path): vip-agent is not running (the socket is left over from a "
                + "previous run)"
        case .notASocket(let path):
            return "\(path) is not a socket: check --socket / VIPCTL_SOCKET (status.socket in the agent's configuration)"
        case .permissionDenied(let path):
            return "permission denied on \(path): run as root or a member of the socket's group"
        case .pathTooLong(let path, let limit):
            return "socket path \(path) is longer than the \(limit) bytes unix sockets allow"
        case .protocolMismatch(let path, let agentVersion):
            return "the agent on \(path) speaks control protocol version \(agentVersion), this vipctl speaks "
                + "version \(ControlProtocolVersion.current): use the vipctl shipped with the running vip-agent"
        case .badResponse(let path, let detail):
            return "unexpected answer from \(path): \(detail)"
        case .closed(let path):
            return "the agent on \(path) closed the connection without answering"
        case .timedOut(let path, let seconds):
            return "the agent on \(path) did not answer within \(seconds)s"
        case .io(let operation, let path, let reason):
            return "cannot \(operation) \(path): \(reason)"
        case .agent(let message):
            return "agent: \(message)"
        }
    }
}
