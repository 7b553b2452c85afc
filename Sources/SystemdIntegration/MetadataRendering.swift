import Logging

/// Metadata values as text for humans and the journal: strings as they are (no quotes),
/// lists as `[a, b]`, dictionaries as `[k: v]` with sorted keys.
public enum MetadataRendering {
    public static func render(_ value: Logger.MetadataValue) -> String {
        switch value {
        case .string(let text):
            return text
        case .stringConvertible(let convertible):
            return convertible.description
        case .array(let items):
            return "[" + items.map(render).joined(separator: ", ") + "]"
        case .dictionary(let entries):
            return "[" + entries.keys.sorted().map { "\($0): \(render(entries[$0]!))" }.joined(separator: ", ") + "]"
        }
    }
}
