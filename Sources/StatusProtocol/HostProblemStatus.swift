/// One entry of the status document's `hostProblems`: something wrong with the host's network
/// (e.g. the node address on two interfaces, one of them an enslaved port).
public struct HostProblemStatus: Codable, Equatable, Sendable {
    /// `duplicateAddress`, `defaultRouteOnEnslavedPort`, `vipMACMismatch`.
    public var kind: String
    public var detail: String

    public init(kind: String, detail: String) {
        self.kind = kind
        self.detail = detail
    }
}
