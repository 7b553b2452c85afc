/// Files for `ssl:` remotes, as OVN's `--private-key`, `--certificate` and `--ca-cert`.
public struct OVSDBTLS: Equatable, Sendable {
    public var caFile: String
    public var certFile: String
    public var keyFile: String

    public init(caFile: String, certFile: String, keyFile: String) {
        self.caFile = caFile
        self.certFile = certFile
        self.keyFile = keyFile
    }
}
