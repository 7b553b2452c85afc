import BasicTypes

/// Pure checks of single values. Each returns `nil` when the value is fine, else the message.
public enum FieldRules {
    /// Linux `IFNAMSIZ` - 1.
    public static let maxInterfaceNameLength = 15
    /// RFC 1123 host name label length, which node names must fit.
    public static let maxNodeNameLength = 63
    /// `sun_path` holds 108 bytes including the terminating NUL, and the agent first binds
    /// `<socket>.new` and renames it into place: so 107 - 4.
    public static let maxSocketPathLength = 103

    /// An interface name as the kernel accepts it (`dev_valid_name`).
    public static func interfaceNameProblem(_ name: String) -> String? {
        let length = name.utf8.count
        if name.isEmpty { return "must not be empty" }
        if length > maxInterfaceNameLength {
            return "\"\(name)\" is \(length) characters; Linux allows \(maxInterfaceNameLength)"
        }
        if name == "." || name == ".." { return "\"\(name)\" is not a valid interface name" }
        if name.contains("/") { return "\"\(name)\" contains '/'; interface names cannot" }
        if name.unicodeScalars.contains(where: { $0.properties.isWhitespace || $0 == ":" }) {
            return "\"\(name)\" contains whitespace or ':'; interface names cannot"
        }
        return nil
    }

    /// Names of VIPs and health checks: they appear in CLI flags, metrics labels and logs.
    public static func objectNameProblem(_ name: String) -> String? {
        if name.isEmpty { return "must not be empty" }
        if name.utf8.count > 64 { return "\"\(name)\" is \(name.utf8.count) characters; at most 64 allowed" }
        let allowed = name.unicodeScalars.allSatisfy { scalar in
            scalar.isASCII && (scalar.properties.isAlphabetic || ("0"..."9").contains(scalar)
                               || scalar == "-" || scalar == "_" || scalar == ".")
        }
        return allowed ? nil : "\"\(name)\" may only contain letters, digits, '-', '_' and '.'"
    }

    public static func nodeNameProblem(_ name: String) -> String? {
        if name.isEmpty { return "must not be empty" }
        let length = name.utf8.count
        if length > maxNodeNameLength {
            return "\"\(name)\" is \(length) characters; at most \(maxNodeNameLength) allowed"
        }
        if name.unicodeScalars.contains(where: { $0.properties.isWhitespace || $0.value < 0x20 }) {
            return "\"\(name)\" contains whitespace"
        }
        return nil
    }

    /// Longest OVN logical router port name accepted: a Kubernetes object name's limit. Kube-OVN
    /// names the port `<vpc>-<external subnet>`; anything longer is a paste error.
    public static let maxRouterPortNameLength = 253

    /// A `Logical_Router_Port` name as Kube-OVN makes them (`ovn-cluster-external`).
    public static func routerPortNameProblem(_ name: String) -> String? {
        if name.isEmpty { return "must not be empty" }
        let length = name.utf8.count
        if length > maxRouterPortNameLength {
            return "\"\(name.prefix(40))…\" is \(length) characters; at most \(maxRouterPortNameLength) allowed"
        }
        if name.unicodeScalars.contains(where: { $0.properties.isWhitespace || $0.properties.generalCategory == .control }) {
            return "\"\(name)\" contains whitespace; router port names cannot"
        }
        return nil
    }

    /// Parses `10.77.0.100/24` or `fd00::100/64`.
    public static func parseCIDR(_ text: String) -> Result<(IPAddress, UInt8), ConfigFieldError> {
        let parts = text.split(separator: "/", omittingEmptySubsequences: false)
        guard let address = IPAddress(String(parts[0])) else {
            return .failure(ConfigFieldError("\"\(text)\" is not an IP address with a prefix length, e.g. 10.77.0.100/24"))
        }
        guard parts.count == 2 else {
            if parts.count == 1 {
                let example = address.isIPv4 ? "/24" : "/64"
                return .failure(ConfigFieldError("\"\(text)\" has no prefix length; write e.g. \(text)\(example)"))
            }
            return .failure(ConfigFieldError("\"\(text)\" is not an IP address with a prefix length"))
        }
        let prefixText = parts[1]
        let maxPrefix = address.bitWidth
        guard !prefixText.isEmpty, prefixText.count <= 3,
              prefixText.allSatisfy({ $0.isASCII && $0.isNumber }),
              let prefix = Int(prefixText), prefix <= maxPrefix else {
            return .failure(ConfigFieldError("prefix length \"/\(prefixText)\" is out of range; allowed /0../\(maxPrefix) for \(address.isIPv4 ? "IPv4" : "IPv6")"))
        }
        return .success((address, UInt8(prefix)))
    }

    /// `tcp:host:port`, `ssl:host:port` or `unix:/path`, as OVSDB clients take them.
    public static func ovsdbRemoteProblem(_ remote: String) -> String? {
        if remote.hasPrefix("unix:") {
            let socketPath = remote.dropFirst("unix:".count)
            return socketPath.hasPrefix("/") ? nil : "\"\(remote)\": unix: needs an absolute path, e.g. unix:/var/run/ovn/ovnnb_db.sock"
        }
        for scheme in ["tcp:", "ssl:"] where remote.hasPrefix(scheme) {
            return HostPort(String(remote.dropFirst(scheme.count))) == nil
                ? "\"\(remote)\": expected \(scheme)host:port, e.g. \(scheme)192.168.0.2:6641"
                : nil
        }
        return "\"\(remote)\" is not an OVSDB remote; expected tcp:host:port, ssl:host:port or unix:/path"
    }
}

/// A message about one value.
public struct ConfigFieldError: Error, Equatable {
    public var message: String
    public init(_ message: String) { self.message = message }
}

enum DurationLimits {
    /// Stands for "no upper bound" in ranges of durations.
    static let unbounded: Duration = .seconds(100 * 365 * 24 * 3600)
    static let nonNegative: ClosedRange<Duration> = .zero...unbounded
    static let advertInterval: ClosedRange<Duration> = .milliseconds(10)...(.seconds(10))
}
