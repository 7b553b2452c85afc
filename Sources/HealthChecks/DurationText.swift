import NIOCore

extension Duration {
    /// Whole milliseconds, rounded down; negative durations count as zero.
    var wholeMilliseconds: Int64 {
        let (seconds, attoseconds) = components
        let (scaled, overflow) = seconds.multipliedReportingOverflow(by: 1000)
        if overflow { return seconds < 0 ? 0 : Int64.max }
        return max(0, scaled.addingReportingOverflow(attoseconds / 1_000_000_000_000_000).partialValue)
    }

    /// Short operator text: "500ms", "2s", "1500ms".
    var shortText: String {
        let ms = wholeMilliseconds
        if ms >= 1000, ms % 1000 == 0 { return "\(ms / 1000)s" }
        return "\(ms)ms"
    }

    /// The same span as a NIO `TimeAmount` (saturating, never negative).
    var timeAmount: TimeAmount {
        let (seconds, attoseconds) = components
        let (ns, overflow) = seconds.multipliedReportingOverflow(by: 1_000_000_000)
        if overflow { return .nanoseconds(seconds < 0 ? 0 : Int64.max) }
        return .nanoseconds(max(0, ns.addingReportingOverflow(attoseconds / 1_000_000_000).partialValue))
    }
}
