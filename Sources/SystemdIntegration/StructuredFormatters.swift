import Foundation
import Logging

/// `time=… level=… msg=… key=value`, keys after `msg` sorted; values quoted when they hold a
/// space, a quote, `=` or nothing, control characters escaped, so one record is one line.
public enum LogfmtFormatter {
    public static func format(date: Date = Date(), level: Logger.Level, message: String,
                              metadata: Logger.Metadata) -> String {
        var line = "time=" + PlainTextFormatter.timestamp(date) + " level=" + level.rawValue
            + " msg=" + PlainTextFormatter.quoteIfNeeded(message)
        for key in metadata.keys.sorted() {
            guard let value = metadata[key] else { continue }
            let name = ["time", "level", "msg"].contains(key) ? "meta_" + key : key
            line += " " + PlainTextFormatter.escapeControls(name).replacingOccurrences(of: " ", with: "_")
                + "=" + PlainTextFormatter.quoteIfNeeded(MetadataRendering.render(value))
        }
        return line
    }
}

/// One JSON object per record: `time`, `level`, `msg`, then the metadata keys (sorted; lists
/// and dictionaries as JSON arrays and objects). A metadata key that would shadow one of the
/// first three is written as `meta_<key>`.
public enum JSONLineFormatter {
    public static func format(date: Date = Date(), level: Logger.Level, message: String,
                              metadata: Logger.Metadata) -> String {
        var line = "{\"time\":" + quote(PlainTextFormatter.timestamp(date)) + ",\"level\":" + quote(level.rawValue)
            + ",\"msg\":" + quote(message)
        for key in metadata.keys.sorted() {
            guard let value = metadata[key] else { continue }
            let name = ["time", "level", "msg"].contains(key) ? "meta_" + key : key
            line += "," + quote(name) + ":" + encode(value)
        }
        return line + "}"
    }

    static func encode(_ value: Logger.MetadataValue) -> String {
        switch value {
        case .string(let text): return quote(text)
        case .stringConvertible(let convertible): return quote(convertible.description)
        case .array(let items): return "[" + items.map(encode).joined(separator: ",") + "]"
        case .dictionary(let entries):
            return "{" + entries.keys.sorted().map { quote($0) + ":" + encode(entries[$0]!) }.joined(separator: ",") + "}"
        }
    }

    /// A JSON string literal (RFC 8259): quote, backslash and control characters escaped.
    static func quote(_ text: String) -> String {
        var out = "\""
        out.unicodeScalars.reserveCapacity(text.unicodeScalars.count + 2)
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            default:
                if scalar.value < 0x20 || scalar.value == 0x7F || (0x80..<0xA0).contains(scalar.value)
                    || scalar.value == 0x2028 || scalar.value == 0x2029 {
                    out += String(format: "\\u%04x", scalar.value)
                } else {
                    out.unicodeScalars.append(scalar)
                }
            }
        }
        return out + "\""
    }
}
