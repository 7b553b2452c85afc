/// The result of one attempt to write priorities, for metrics and the status page.
public enum GatewayWriteOutcome: Equatable, Sendable {
    /// The new order is in the northbound database (top first).
    case succeeded(order: [String])
    /// Another writer changed the rows first; we plan again from what it wrote.
    case conflict
    case failed(String)
}

/// Totals since start, for `/metrics`.
public struct GatewayWriteCounters: Equatable, Sendable {
    public var succeeded: UInt64 = 0
    public var conflicts: UInt64 = 0
    public var failed: UInt64 = 0
    /// Writes that were held back by `minHoldTime`.
    public var held: UInt64 = 0

    public init() {}
}
