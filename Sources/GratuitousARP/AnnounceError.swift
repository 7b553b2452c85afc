/// A failed announcement or probe. Its text names the interface, the address and the library's
/// error text, e.g. `sending gratuitous ARP for 10.77.0.100 on eno1: libnet_write(): ...`.
public struct AnnounceError: Error, CustomStringConvertible, Sendable {
    /// What was attempted, e.g. "opening", "sending gratuitous ARP", "probing".
    public var operation: String
    public var interface: String
    /// The address concerned, if any.
    public var address: String?
    /// libnet_geterror / the libnet error buffer / strerror.
    public var libraryError: String

    public init(operation: String, interface: String, address: String? = nil, libraryError: String) {
        self.operation = operation
        self.interface = interface
        self.address = address
        self.libraryError = libraryError
    }

    public var description: String {
        var subject = operation
        if let address { subject += " for \(address)" }
        return "\(subject) on \(interface): \(libraryError)"
    }
}

/// Renders 4 or 16 address bytes as text for error messages (never fails).
func addressText(_ bytes: [UInt8]) -> String {
    switch bytes.count {
    case 4:
        return bytes.map(String.init).joined(separator: ".")
    case 16:
        return stride(from: 0, to: 16, by: 2)
            .map { String(UInt16(bytes[$0]) << 8 | UInt16(bytes[$0 + 1]), radix: 16) }
            .joined(separator: ":")
    default:
        return "<\(bytes.count) bytes: \(bytes.map { String($0, radix: 16) }.joined(separator: " "))>"
    }
}

/// "02:00:00:00:00:01"
func macText(_ bytes: [UInt8]) -> String {
    bytes.map { $0 < 16 ? "0" + String($0, radix: 16) : String($0, radix: 16) }.joined(separator: ":")
}

/// Linux interface names are 1..15 bytes without '/' or whitespace.
func isValidInterfaceName(_ name: String) -> Bool {
    !name.isEmpty && name.utf8.count < 16 && !name.contains("/") && !name.contains(where: \.isWhitespace)
}
