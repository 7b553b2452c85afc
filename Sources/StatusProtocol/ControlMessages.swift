import Foundation

/// The control protocol between `vipctl` and `vip-agent`.
///
/// Transport: a unix stream socket (default `/run/vip-agent/status.sock`, mode 0660, owned by the
/// configured `status.socketGroup`). Framing: one JSON object per line, terminated by "\n"; a
/// request line may be at most `ControlCodec.maxRequestLineBytes` (64 KiB).
///
/// Requests:
/// ```
/// {"version":1,"command":"status"}
/// {"version":1,"command":"history"}
/// {"version":1,"command":"watch"}
/// {"version":1,"command":"stepDown","vip":"api"}     // "vip" optional: all VIPs this node masters
/// ```
/// Responses (one line each):
/// ```
/// {"version":1,"ok":true,"status":{...status document...}}
/// {"version":1,"ok":true,"history":[{"time":"…","vip":"api","from":"BACKUP","to":"MASTER","reason":"…"}]}
/// {"version":1,"ok":true,"message":"api: handed over to m2"}
/// {"version":1,"ok":false,"error":"unknown command \"frobnicate\""}
/// ```
/// `status`, `history` and `stepDown` get exactly one response, after which the client may send
/// another request on the same connection. `watch` turns the connection into a stream: one status
/// response line immediately, then one per change, until either side closes.
/// A request that cannot be decoded (garbage, oversized, wrong version) gets an error response and
/// the agent closes the connection. A request with another `version` is answered with an error
/// that names both versions; responses always carry the version of the agent.
public enum ControlProtocol {
    /// The protocol version spoken by this build.
    public static let version = 1
    /// The default path of the agent's socket.
    public static let defaultSocketPath = "/run/vip-agent/status.sock"
}

/// A request from `vipctl` to the agent.
public enum ControlRequest: Equatable, Sendable {
    case status
    case history
    case watch
    /// Hand over mastership now: of `vip` only, or of every VIP when nil.
    case stepDown(vip: String?)

    /// The wire name of the command.
    public var command: String {
        switch self {
        case .status: return "status"
        case .history: return "history"
        case .watch: return "watch"
        case .stepDown: return "stepDown"
        }
    }
}

extension ControlRequest: Codable {
    private enum CodingKeys: String, CodingKey {
        case version, command, vip
    }

    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        let version = try c.decode(Int.self, forKey: .version)
        guard version == ControlProtocol.version else {
            throw ControlCodecError.unsupportedVersion(version)
        }
        let command = try c.decode(String.self, forKey: .command)
        switch command {
        case "status": self = .status
        case "history": self = .history
        case "watch": self = .watch
        case "stepDown": self = .stepDown(vip: try c.decodeIfPresent(String.self, forKey: .vip))
        default: throw ControlCodecError.unknownCommand(command)
        }
    }

    public func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(ControlProtocol.version, forKey: .version)
        try c.encode(command, forKey: .command)
        if case .stepDown(let vip?) = self {
            try c.encode(vip, forKey: .vip)
        }
    }
}

/// A response from the agent to `vipctl`.
public enum ControlResponse: Equatable, Sendable {
    case status(StatusDocument)
    case history([HistoryEntry])
    case message(String)
    case error(String)

    public var isOK: Bool {
        if case .error = self { return false }
        return true
    }
}

extension ControlResponse: Codable {
    private enum CodingKeys: String, CodingKey {
        case version, ok, status, history, message, error
    }

    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        let version = try c.decode(Int.self, forKey: .version)
        guard version == ControlProtocol.version else {
            throw ControlCodecError.unsupportedVersion(version)
        }
        let ok = try c.decode(Bool.self, forKey: .ok)
        if !ok {
            self = .error(try c.decodeIfPresent(String.self, forKey: .error) ?? "unspecified error")
        } else if let status = try c.decodeIfPresent(StatusDocument.self, forKey: .status) {
            self = .status(status)
        } else if let history = try c.decodeIfPresent([HistoryEntry].self, forKey: .history) {
            self = .history(history)
        } else if let message = try c.decodeIfPresent(String.self, forKey: .message) {
            self = .message(message)
        } else {
            throw ControlCodecError.malformed("a successful response carries none of status, history, message")
        }
    }

    public func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(ControlProtocol.version, forKey: .version)
        try c.encode(isOK, forKey: .ok)
        switch self {
        case .status(let doc): try c.encode(doc, forKey: .status)
        case .history(let entries): try c.encode(entries, forKey: .history)
        case .message(let text): try c.encode(text, forKey: .message)
        case .error(let text): try c.encode(text, forKey: .error)
        }
    }
}
