import BasicTypes

/// `cluster:` — who the peers are and how adverts are authenticated.
public struct ClusterConfig: Sendable, Equatable {
    public static let defaultPort: UInt16 = 5450
    /// Shortest accepted shared secret, in bytes.
    public static let minimumKeyLength = 16

    /// UDP port of the election protocol.
    public var port: UInt16
    /// Source address for adverts; `nil` lets the kernel choose.
    public var bind: IPAddress?
    /// The other masters (unicast).
    public var peers: [IPAddress]
    public var authKeyFile: String?
    /// Adverts are neither signed nor verified. For labs only.
    public var insecure: Bool
    /// The loaded key (trailing whitespace and newlines trimmed); empty when `insecure`.
    public var authKey: [UInt8]

    public init(port: UInt16 = ClusterConfig.defaultPort, bind: IPAddress? = nil,
                peers: [IPAddress] = [], authKeyFile: String? = nil, insecure: Bool = false,
                authKey: [UInt8] = []) {
        self.port = port
        self.bind = bind
        self.peers = peers
        self.authKeyFile = authKeyFile
        self.insecure = insecure
        self.authKey = authKey
    }
}
