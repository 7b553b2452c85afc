/// The one conversion and the one formatter of durations, shared by every module.

extension Duration {
    /// Whole nanoseconds, saturating at Int64's range.
    public var nanoseconds: Int64 {
        let (s, atto) = components
        let (ns, overflow) = s.multipliedReportingOverflow(by: 1_000_000_000)
        if overflow { return s < 0 ? .min : .max }
        return ns.addingReportingOverflow(atto / 1_000_000_000).overflow ? (s < 0 ? .min : .max)
            : ns &+ atto / 1_000_000_000
    }

    /// Whole milliseconds, rounded down; negative durations count as zero.
    public var wholeMilliseconds: Int64 { max(0, nanoseconds / 1_000_000) }
}

/// Short human text for a duration that `DurationParser` reads back:
/// `0s`, `750ns`, `500us`, `326ms`, `1.5s`, `1m30s`, `2h`.
public func formatDuration(_ d: Duration) -> String {
    let (seconds, attoseconds) = d.components
    if seconds < 0 || attoseconds < 0 {
        return "-" + formatDuration(.zero - d)
    }
    let nanos = attoseconds / 1_000_000_000
    if seconds == 0 {
        switch nanos {
        case 0: return "0s"
        case ..<1_000: return "\(nanos)ns"
        case ..<1_000_000: return decimal(nanos, per: 1_000, digits: 3) + "us"
        default: return decimal(nanos, per: 1_000_000, digits: 6) + "ms"
        }
    }
    let hours = seconds / 3600
    let minutes = (seconds % 3600) / 60
    let secs = seconds % 60
    var text = ""
    if hours > 0 { text += "\(hours)h" }
    if minutes > 0 { text += "\(minutes)m" }
    if secs > 0 || nanos > 0 {
        text += decimal(secs * 1_000_000_000 + nanos, per: 1_000_000_000, digits: 9) + "s"
    }
    return text
}

/// `value / per` as a decimal with trailing zeros dropped (`1500, 1000, 3` → `1.5`).
private func decimal(_ value: Int64, per: Int64, digits: Int) -> String {
    let whole = value / per
    let rest = value % per
    guard rest != 0 else { return "\(whole)" }
    var fraction = String(rest)
    fraction = String(repeating: "0", count: digits - fraction.count) + fraction
    while fraction.hasSuffix("0") { fraction.removeLast() }
    return "\(whole).\(fraction)"
}

/// `formatDuration` of a span of nanoseconds (the election's time unit).
public func formatNanoseconds(_ ns: Int64) -> String { formatDuration(.nanoseconds(ns)) }
