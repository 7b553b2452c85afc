import ElectionProtocol
import NIOCore

/// The node core's clock: CLOCK_MONOTONIC, the clock NIO's deadlines use, so an `Instant` from
/// the core becomes a timer deadline without conversion.
enum MonotonicClock {
    static func now() -> Instant {
        Instant(nanoseconds: Int64(NIODeadline.now().uptimeNanoseconds))
    }

    static func deadline(_ instant: Instant) -> NIODeadline {
        .uptimeNanoseconds(UInt64(max(instant.nanoseconds, 0)))
    }
}
