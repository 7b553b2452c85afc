/// A point on the agent's monotonic time line, in nanoseconds.
///
/// The election core never reads a clock: every event carries the instant at which it happens,
/// so the same code runs against the real monotonic clock and against a simulated one.
public struct Instant: Comparable, Hashable, Sendable, CustomStringConvertible {
    public var nanoseconds: Int64

    public init(nanoseconds: Int64) { self.nanoseconds = nanoseconds }

    public static let zero = Instant(nanoseconds: 0)

    public static func < (a: Instant, b: Instant) -> Bool { a.nanoseconds < b.nanoseconds }

    public static func + (a: Instant, ns: Int64) -> Instant { Instant(nanoseconds: a.nanoseconds &+ ns) }

    public static func - (a: Instant, b: Instant) -> Int64 { a.nanoseconds &- b.nanoseconds }

    public var description: String { "t+\(formatNanoseconds(nanoseconds))" }
}

extension Duration {
    /// Whole nanoseconds, saturating at Int64's range.
    public var nanoseconds: Int64 {
        let (s, atto) = components
        let (ns, overflow) = s.multipliedReportingOverflow(by: 1_000_000_000)
        if overflow { return s < 0 ? .min : .max }
        return ns &+ atto / 1_000_000_000
    }
}

/// "326ms", "1.5s", "40us": the form used in reasons and logs.
public func formatNanoseconds(_ ns: Int64) -> String {
    let a = abs(ns)
    if a >= 1_000_000_000 {
        let s = Double(ns) / 1e9
        return s == s.rounded() ? "\(Int64(s))s" : "\((s * 100).rounded() / 100)s"
    }
    if a >= 1_000_000 { return "\(ns / 1_000_000)ms" }
    if a >= 1_000 { return "\(ns / 1_000)us" }
    return "\(ns)ns"
}
