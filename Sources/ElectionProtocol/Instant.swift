import BasicTypes

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
