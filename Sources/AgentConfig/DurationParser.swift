/// Durations as configuration text: `20ms`, `1s`, `1m30s`, `1.5s`, `500us`.
///
/// Units: `ns`, `us` (or `µs`), `ms`, `s`, `m`, `h`. Components may be combined (`1h30m`).
/// Bare numbers, signs, spaces and anything else are refused with a reason.
public enum DurationParser {
    /// Why a text is not a duration; `description` is the message shown to operators.
    public struct Failure: Error, Equatable, CustomStringConvertible {
        public var description: String
    }

    public static func parse(_ s: String) -> Duration? {
        if case .success(let d) = parseOrExplain(s) { return d }
        return nil
    }

    public static func parseOrExplain(_ s: String) -> Result<Duration, Failure> {
        let quoted = "\"\(s)\""
        func fail(_ why: String) -> Result<Duration, Failure> {
            .failure(Failure(description: "\(quoted) is not a duration: \(why)"))
        }
        if s.isEmpty { return .failure(Failure(description: "empty duration; write e.g. \"100ms\" or \"1s\"")) }
        if s.hasPrefix("-") { return fail("negative durations are not allowed") }
        if s.hasPrefix("+") { return fail("leave out the sign") }
        if s.allSatisfy({ $0.isASCII && ($0.isNumber || $0 == ".") }) {
            return fail("a unit is required, e.g. \"\(s)s\" or \"\(s)ms\"")
        }
        var chars = Substring(s)
        var total: Int64 = 0
        while !chars.isEmpty {
            let whole = chars.prefix { $0.isASCII && $0.isNumber }
            chars = chars.dropFirst(whole.count)
            var fraction = Substring("")
            if chars.first == "." {
                chars = chars.dropFirst()
                fraction = chars.prefix { $0.isASCII && $0.isNumber }
                chars = chars.dropFirst(fraction.count)
                if fraction.isEmpty { return fail("expected digits after \".\"") }
            }
            if whole.isEmpty && fraction.isEmpty { return fail("expected a number before each unit") }
            let unitText = chars.prefix { !($0.isASCII && ($0.isNumber || $0 == ".")) }
            chars = chars.dropFirst(unitText.count)
            if unitText.isEmpty { return fail("a unit is required after \"\(whole)\(fraction.isEmpty ? "" : "." + fraction)\"") }
            guard let unit = unitNanoseconds[String(unitText)] else {
                return fail("unknown unit \"\(unitText)\" (use ns, us, ms, s, m or h)")
            }
            guard let part = nanoseconds(whole: whole, fraction: fraction, unit: unit) else {
                return fail("too large")
            }
            let (sum, overflow) = total.addingReportingOverflow(part)
            if overflow { return fail("too large") }
            total = sum
        }
        return .success(.nanoseconds(total))
    }

    static let unitNanoseconds: [String: Int64] = [
        "ns": 1, "us": 1_000, "µs": 1_000, "μs": 1_000, "ms": 1_000_000,
        "s": 1_000_000_000, "m": 60_000_000_000, "h": 3_600_000_000_000,
    ]

    private static func nanoseconds(whole: Substring, fraction: Substring, unit: Int64) -> Int64? {
        var value: Int64 = 0
        for digit in whole {
            let (times10, o1) = value.multipliedReportingOverflow(by: 10)
            let (next, o2) = times10.addingReportingOverflow(Int64(digit.wholeNumberValue ?? 0))
            if o1 || o2 { return nil }
            value = next
        }
        let (scaled, overflow) = value.multipliedReportingOverflow(by: unit)
        if overflow { return nil }
        // Fractional part: at most 18 digits are significant at nanosecond resolution.
        var fractionValue: Int64 = 0
        var scale: Int64 = 1
        for digit in fraction.prefix(18) {
            fractionValue = fractionValue * 10 + Int64(digit.wholeNumberValue ?? 0)
            scale *= 10
        }
        let fractionNanos = Int64((Double(fractionValue) / Double(scale) * Double(unit)).rounded())
        let (sum, o3) = scaled.addingReportingOverflow(fractionNanos)
        return o3 ? nil : sum
    }
}
