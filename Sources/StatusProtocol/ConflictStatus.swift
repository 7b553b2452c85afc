/// One entry of the status document's `conflicts`: a disagreement with a peer that the election
/// cannot settle by itself.
public struct ConflictStatus: Codable, Equatable, Sendable {
    /// `duplicateName`, `authentication`, `vipMismatch`, `intervalMismatch`, `oldVersion`,
    /// `addressConflict`.
    public var kind: String
    /// The peer's address (or, for an address conflict, the MAC that answers for the VIP).
    public var peer: String
    public var detail: String

    public init(kind: String, peer: String, detail: String) {
        self.kind = kind
        self.peer = peer
        self.detail = detail
    }
}
