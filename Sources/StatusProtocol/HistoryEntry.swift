import Foundation

/// One state transition of a VIP, as listed by `vipctl history`.
public struct HistoryEntry: Codable, Equatable, Sendable {
    /// ISO-8601 UTC timestamp of the transition.
    public var time: String
    public var vip: String
    public var from: String
    public var to: String
    public var reason: String

    public init(time: String, vip: String, from: String, to: String, reason: String) {
        self.time = time
        self.vip = vip
        self.from = from
        self.to = to
        self.reason = reason
    }
}
