/// Where the client stands, for status pages and logs.
public enum OVSDBConnectionState: Equatable, Sendable, CustomStringConvertible {
    /// Not started, or closed.
    case idle
    /// Trying to reach a remote; `lastError` says why the previous attempt or connection ended.
    case connecting(lastError: String?)
    case connected(OVSDBRemote)

    public var isConnected: Bool {
        if case .connected = self { return true }
        return false
    }

    public var description: String {
        switch self {
        case .idle: return "idle"
        case .connecting(let error): return error.map { "disconnected: \($0)" } ?? "connecting"
        case .connected(let remote): return "connected to \(remote)"
        }
    }
}

/// Timing knobs of the client. The defaults suit an OVN northbound cluster.
public struct OVSDBClientOptions: Sendable {
    /// Our `echo` is sent after this much time; no answer within `echoTimeout` means a dead connection.
    public var echoInterval: Duration
    public var echoTimeout: Duration
    /// Deadline of every other request.
    public var requestTimeout: Duration
    public var connectTimeout: Duration
    /// Delay before the next round over the remotes after a whole round failed, doubled each round.
    public var initialBackoff: Duration
    public var maxBackoff: Duration

    public init(echoInterval: Duration = .seconds(5), echoTimeout: Duration = .seconds(5),
                requestTimeout: Duration = .seconds(10), connectTimeout: Duration = .seconds(3),
                initialBackoff: Duration = .milliseconds(200), maxBackoff: Duration = .seconds(8)) {
        self.echoInterval = echoInterval
        self.echoTimeout = echoTimeout
        self.requestTimeout = requestTimeout
        self.connectTimeout = connectTimeout
        self.initialBackoff = initialBackoff
        self.maxBackoff = maxBackoff
    }
}
