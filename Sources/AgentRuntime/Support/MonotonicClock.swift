import ElectionProtocol
import NIOCore

/// The election's clock: CLOCK_MONOTONIC, the clock NIO's deadlines use, so an `Instant` from
/// the state machine becomes a timer deadline without conversion.
enum MonotonicClock {
    static func now() -> Instant {
        Instant(nanoseconds: Int64(NIODeadline.now().uptimeNanoseconds))
    }

    static func deadline(_ instant: Instant) -> NIODeadline {
        .uptimeNanoseconds(UInt64(max(instant.nanoseconds, 0)))
    }
}

extension Duration {
    /// Whole nanoseconds, saturating.
    var nanosecondsClamped: Int64 {
        let (s, a) = components
        let (m, o) = s.multipliedReportingOverflow(by: 1_000_000_000)
        return o ? Int64.max : m &+ a / 1_000_000_000
    }

    var timeAmount: TimeAmount { .nanoseconds(nanosecondsClamped) }
}
