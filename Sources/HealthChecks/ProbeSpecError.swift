/// Why a `ProbeSpec` cannot be turned into a probe. The message names the key or file concerned.
public struct ProbeSpecError: Error, Sendable, Equatable, CustomStringConvertible {
    public var message: String

    public init(_ message: String) {
        self.message = message
    }

    public var description: String { message }
}
