/// One result of checking this host against a configuration: a problem (the agent cannot
/// serve as configured) or a warning (it can, but should not). Printed as `keyPath: message`,
/// like configuration problems, warnings prefixed with `warning: `.
public struct PreflightFinding: Equatable, Sendable, CustomStringConvertible {
    public enum Severity: Equatable, Sendable { case problem, warning }

    public var severity: Severity
    public var keyPath: String
    public var message: String

    public static func problem(_ keyPath: String, _ message: String) -> PreflightFinding {
        PreflightFinding(severity: .problem, keyPath: keyPath, message: message)
    }

    public static func warning(_ keyPath: String, _ message: String) -> PreflightFinding {
        PreflightFinding(severity: .warning, keyPath: keyPath, message: message)
    }

    public var description: String {
        (severity == .warning ? "warning: " : "") + (keyPath.isEmpty ? message : "\(keyPath): \(message)")
    }

    /// A reason text as an error value.
    public struct Text: Error, Equatable, Sendable, CustomStringConvertible {
        public var description: String
        public init(_ description: String) { self.description = description }
    }
}
