import BasicTypes
import NIOCore

extension Duration {
    /// The same span as a NIO `TimeAmount` (never negative).
    var timeAmount: TimeAmount { .nanoseconds(max(0, nanoseconds)) }
}
