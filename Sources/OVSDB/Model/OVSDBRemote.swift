/// One OVSDB server address, in the syntax OVN uses for `--db` and `ovn-nb` settings.
public enum OVSDBRemote: Equatable, Hashable, Sendable, CustomStringConvertible {
    case tcp(host: String, port: Int)
    case ssl(host: String, port: Int)
    case unix(path: String)

    /// Parses a comma-separated list: `tcp:192.168.0.2:6641,ssl:[fd00::1]:6641,unix:/run/ovn/ovnnb_db.sock`.
    /// Whitespace around entries is ignored; an empty list is an error.
    public static func parseList(_ s: String) throws -> [OVSDBRemote] {
        let entries = s.split(separator: ",", omittingEmptySubsequences: false)
            .map { trimmed(String($0)) }
        guard !(entries.count == 1 && entries[0].isEmpty) else {
            throw OVSDBError.invalidRemote("empty remote list")
        }
        return try entries.map { entry in
            guard !entry.isEmpty else { throw OVSDBError.invalidRemote("empty entry in \"\(s)\"") }
            return try parse(entry)
        }
    }

    /// Parses one remote: `tcp:HOST:PORT`, `ssl:HOST:PORT` (IPv6 hosts in brackets) or `unix:PATH`.
    public static func parse(_ s: String) throws -> OVSDBRemote {
        guard let colon = s.firstIndex(of: ":") else {
            throw OVSDBError.invalidRemote("\"\(s)\": expected tcp:HOST:PORT, ssl:HOST:PORT or unix:PATH")
        }
        let scheme = s[..<colon]
        let rest = String(s[s.index(after: colon)...])
        switch scheme {
        case "unix":
            guard !rest.isEmpty else { throw OVSDBError.invalidRemote("\"\(s)\": unix: needs a socket path") }
            return .unix(path: rest)
        case "tcp":
            let (host, port) = try parseHostPort(rest, remote: s)
            return .tcp(host: host, port: port)
        case "ssl":
            let (host, port) = try parseHostPort(rest, remote: s)
            return .ssl(host: host, port: port)
        default:
            throw OVSDBError.invalidRemote("\"\(s)\": unknown scheme \"\(scheme)\" (expected tcp, ssl or unix)")
        }
    }

    private static func parseHostPort(_ s: String, remote: String) throws -> (String, Int) {
        let host: Substring
        let portText: Substring
        if s.hasPrefix("[") {
            guard let close = s.firstIndex(of: "]") else {
                throw OVSDBError.invalidRemote("\"\(remote)\": missing ']' after IPv6 address")
            }
            host = s[s.index(after: s.startIndex)..<close]
            let after = s[s.index(after: close)...]
            guard after.hasPrefix(":") else { throw OVSDBError.invalidRemote("\"\(remote)\": missing port") }
            portText = after.dropFirst()
        } else {
            guard let colon = s.lastIndex(of: ":") else {
                throw OVSDBError.invalidRemote("\"\(remote)\": missing port")
            }
            host = s[..<colon]
            portText = s[s.index(after: colon)...]
            if host.contains(":") {
                throw OVSDBError.invalidRemote("\"\(remote)\": IPv6 addresses must be written in brackets")
            }
        }
        guard !host.isEmpty else { throw OVSDBError.invalidRemote("\"\(remote)\": missing host") }
        guard let port = Int(portText), (1...65535).contains(port) else {
            throw OVSDBError.invalidRemote("\"\(remote)\": port \"\(portText)\" is not 1..65535")
        }
        return (String(host), port)
    }

    public var description: String {
        switch self {
        case .tcp(let host, let port): return "tcp:\(Self.bracketed(host)):\(port)"
        case .ssl(let host, let port): return "ssl:\(Self.bracketed(host)):\(port)"
        case .unix(let path): return "unix:\(path)"
        }
    }

    private static func bracketed(_ host: String) -> String { host.contains(":") ? "[\(host)]" : host }
}

/// Drops spaces, tabs and newlines around a list entry (no Foundation needed).
private func trimmed(_ s: String) -> String {
    let blank: Set<Character> = [" ", "\t", "\n", "\r"]
    var sub = Substring(s)
    while let f = sub.first, blank.contains(f) { sub.removeFirst() }
    while let l = sub.last, blank.contains(l) { sub.removeLast() }
    return String(sub)
}
