/// One thing wrong with a configuration, where it is and what is wrong.
public struct ConfigProblem: Equatable, Sendable, CustomStringConvertible {
    /// `cluster.peers[1]`, `vips[0].interface`; empty for the document as a whole.
    public var keyPath: String
    public var message: String

    public init(keyPath: String, message: String) {
        self.keyPath = keyPath
        self.message = message
    }

    /// `keyPath: message` (just the message when there is no key path).
    public var description: String {
        keyPath.isEmpty ? message : "\(keyPath): \(message)"
    }
}

/// Every problem found in one pass, in document order.
public struct ConfigProblems: Error, Equatable, Sendable, CustomStringConvertible {
    public var problems: [ConfigProblem]

    public init(problems: [ConfigProblem]) {
        self.problems = problems
    }

    /// One problem per line.
    public var description: String {
        problems.map(\.description).joined(separator: "\n")
    }
}
