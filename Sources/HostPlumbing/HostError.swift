/// A failed host operation. Its text names the operation, the interface, the address and the
/// library's own error text, e.g.
/// `adding 10.77.0.100/32 to eno1: libnl error -31 "Object not found" (no such interface)`.
public struct HostError: Error, CustomStringConvertible, Sendable {
    /// What was attempted, e.g. "adding", "removing", "reading links", "subscribing".
    public var operation: String
    /// The interface concerned, if any.
    public var interface: String?
    /// The address concerned (with prefix, e.g. "10.77.0.100/32"), if any.
    public var address: String?
    /// The library's error text (nl_geterror or strerror).
    public var libraryError: String
    /// The library's error code (negative libnl code, or errno); 0 if none.
    public var code: Int32
    /// An extra plain-words hint, e.g. "no such interface".
    public var hint: String?

    public init(operation: String, interface: String? = nil, address: String? = nil,
                libraryError: String, code: Int32 = 0, hint: String? = nil) {
        self.operation = operation
        self.interface = interface
        self.address = address
        self.libraryError = libraryError
        self.code = code
        self.hint = hint
    }

    public var description: String {
        var subject = operation
        switch (address, interface) {
        case let (address?, interface?):
            let preposition = operation == "removing" ? "from" : (operation == "adding" ? "to" : "on")
            subject += " \(address) \(preposition) \(interface)"
        case let (address?, nil):
            subject += " \(address)"
        case let (nil, interface?):
            subject += " on \(interface)"
        case (nil, nil):
            break
        }
        var text = "\(subject): \(libraryError)"
        if code != 0 { text += " (code \(code))" }
        if let hint { text += "; \(hint)" }
        return text
    }
}
