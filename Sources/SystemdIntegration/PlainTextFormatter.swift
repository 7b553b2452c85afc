import Foundation
import Logging

/// One log record as one line of text: time, level, message, then metadata as `key=value`.
///
///     2026-11-22T18:00:00.123Z info became MASTER reason="no advert for 326ms" state=MASTER vip=api
///
/// Keys are sorted so lines are stable; values with spaces, quotes or `=` are quoted; line
/// breaks and other control characters are escaped, so one record is always one line and text
/// from the network (a peer's node name) cannot drive the terminal.
public enum PlainTextFormatter {
    public static func format(date: Date = Date(), level: Logger.Level, message: String,
                              metadata: Logger.Metadata) -> String {
        var line = timestamp(date) + " " + level.rawValue + " " + escapeControls(message)
        for key in metadata.keys.sorted() {
            guard let value = metadata[key] else { continue }
            line += " " + escapeControls(key) + "=" + quoteIfNeeded(MetadataRendering.render(value))
        }
        return line
    }

    /// RFC 3339 in UTC with milliseconds.
    public static func timestamp(_ date: Date) -> String {
        // Clamped to about ±95000 years (and 0 for NaN) rather than trapping on a strange clock.
        let limit = 3e15
        let rawMillis = (date.timeIntervalSince1970 * 1000).rounded()
        let totalMillis = rawMillis.isNaN ? 0 : Int64(max(-limit, min(limit, rawMillis)))
        var seconds = time_t(totalMillis.floorDivided(by: 1000))
        let millis = Int(totalMillis - Int64(seconds) * 1000)
        var parts = tm()
        gmtime_r(&seconds, &parts)
        return String(format: "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ",
                      Int(parts.tm_year) + 1900, Int(parts.tm_mon) + 1, Int(parts.tm_mday),
                      Int(parts.tm_hour), Int(parts.tm_min), Int(parts.tm_sec), millis)
    }

    static func quoteIfNeeded(_ value: String) -> String {
        let needsQuotes = value.isEmpty || value.contains { $0.isWhitespace || $0 == "\"" || $0 == "=" }
        guard needsQuotes else { return escapeControls(value) }
        let escaped = value.replacingOccurrences(of: "\\", with: "\\\\")
            .replacingOccurrences(of: "\"", with: "\\\"")
        return "\"" + escapeControls(escaped) + "\""
    }

    static func escapeControls(_ text: String) -> String {
        var escaped = ""
        escaped.unicodeScalars.reserveCapacity(text.unicodeScalars.count)
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\n": escaped += "\\n"
            case "\r": escaped += "\\r"
            case "\t": escaped += "\\t"
            default:
                if scalar.properties.generalCategory == .control {
                    escaped += "\\u{" + String(scalar.value, radix: 16) + "}"
                } else {
                    escaped.unicodeScalars.append(scalar)
                }
            }
        }
        return escaped
    }
}

private extension Int64 {
    func floorDivided(by divisor: Int64) -> Int64 {
        let quotient = self / divisor
        return (self % divisor < 0) ? quotient - 1 : quotient
    }
}
