/// Why the control socket could not be set up. Every case names the path or group concerned.
public enum ControlServerError: Error, Equatable, Sendable, CustomStringConvertible {
    /// Another process (most likely another vip-agent) answers on the socket.
    case alreadyServed(path: String)
    /// Something that is not a socket sits at the path; it is left alone.
    case notASocket(path: String)
    case unknownGroup(String)
    case pathTooLong(path: String, limit: Int)
    /// A system call failed: `operation` says what was attempted, `reason` is the system's error text.
    case system(operation: String, path: String, reason: String)
    case alreadyStarted(path: String)

    public var description: String {
        switch self {
        case .alreadyServed(let path):
            return "control socket \(path) is in use: another vip-agent is already running on this host "
                + "(stop it, or configure another status.socket)"
        case .notASocket(let path):
            return "control socket path \(path) exists and is not a socket; remove it or configure another "
                + "status.socket"
        case .unknownGroup(let group):
            return "status.socketGroup: unknown group \"\(group)\" (no such group on this host)"
        case .pathTooLong(let path, let limit):
            return "control socket path \(path) is \(path.utf8.count) bytes; unix sockets allow at most \(limit)"
        case .system(let operation, let path, let reason):
            return "\(operation) \(path): \(reason)"
        case .alreadyStarted(let path):
            return "control socket \(path) is already being served by this process"
        }
    }
}
