import Logging

/// One journal field, `NAME=value`. Values may hold any text, newlines included.
public struct JournalField: Equatable, Sendable, CustomStringConvertible {
    public var name: String
    public var value: String

    public init(_ name: String, _ value: String) {
        self.name = name
        self.value = value
    }

    public var description: String { "\(name)=\(value)" }
}

/// Turns a log record into the fields sent to the journal. Pure: no journal needed.
///
/// Every metadata key becomes a field of its own, upper-cased (`vip` → `VIP=`, `state` →
/// `STATE=`), so `journalctl -u vip-agent VIP=api` selects one VIP's story.
public enum JournalFields {
    public static let identifier = "vip-agent"
    /// The journal refuses longer field names.
    static let maximumNameLength = 64
    /// Names the record itself sets; metadata with these names is kept as `META_<NAME>`.
    static let reserved: Set<String> = ["MESSAGE", "PRIORITY", "SYSLOG_IDENTIFIER", "CODE_FILE",
                                        "CODE_LINE", "CODE_FUNC", "MESSAGE_ID", "ERRNO",
                                        "SYSLOG_FACILITY", "SYSLOG_PID", "SYSLOG_TIMESTAMP"]

    public static func build(level: Logger.Level, message: String, metadata: Logger.Metadata,
                             file: String, function: String, line: UInt,
                             identifier: String = JournalFields.identifier) -> [JournalField] {
        var fields = [
            JournalField("MESSAGE", message),
            JournalField("PRIORITY", String(JournalPriority.of(level))),
            JournalField("SYSLOG_IDENTIFIER", identifier),
            JournalField("CODE_FILE", file),
            JournalField("CODE_LINE", String(line)),
            JournalField("CODE_FUNC", function),
        ]
        for key in metadata.keys.sorted() {
            guard let value = metadata[key] else { continue }
            fields.append(JournalField(fieldName(forMetadataKey: key), MetadataRendering.render(value)))
        }
        return fields
    }

    /// A metadata key as a valid journal field name: upper-case letters, digits and `_`, not
    /// starting with `_` (those are trusted fields set by journald) or a digit, at most 64.
    public static func fieldName(forMetadataKey key: String) -> String {
        var name = String(String.UnicodeScalarView(key.unicodeScalars.map { scalar -> Unicode.Scalar in
            switch scalar {
            case "a"..."z": return Unicode.Scalar(scalar.value - 32)!
            case "A"..."Z", "0"..."9": return scalar
            default: return "_"
            }
        }))
        while name.hasPrefix("_") { name.removeFirst() }
        if name.isEmpty || name.first!.isNumber || reserved.contains(name) {
            name = "META_" + name
        }
        return String(name.prefix(maximumNameLength))
    }
}
