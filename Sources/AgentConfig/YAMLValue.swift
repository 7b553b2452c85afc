import BasicTypes
import Yams

/// Typed reads of single YAML nodes. Each reports a problem at `path` and returns `nil`
/// when the node has the wrong type or value.
enum YAMLValue {
    static func isNull(_ node: Node) -> Bool {
        guard case .scalar = node else { return false }
        return node.tag.description == Tag.Name.null.rawValue
    }

    /// How a node is named in "expected …, got …" messages.
    static func describe(_ node: Node) -> String {
        switch node {
        case .mapping: return "a mapping"
        case .sequence: return "a list"
        case .scalar(let scalar):
            return isNull(node) ? "nothing" : "\"\(scalar.string)\""
        }
    }

    static func string(_ node: Node, path: String, diag: Diagnostics) -> String? {
        diag.locate(path, node)
        guard case .scalar(let scalar) = node, !isNull(node) else {
            diag.report(path, "expected a string, got \(describe(node))")
            return nil
        }
        return scalar.string
    }

    static func int(_ node: Node, path: String, in range: ClosedRange<Int>, diag: Diagnostics) -> Int? {
        diag.locate(path, node)
        guard case .scalar(let scalar) = node, !isNull(node),
              let value = Int.construct(from: scalar) else {
            diag.report(path, "expected an integer, got \(describe(node))")
            return nil
        }
        guard range.contains(value) else {
            diag.report(path, "\(value) is out of range; allowed \(range.lowerBound)..\(range.upperBound)")
            return nil
        }
        return value
    }

    static func bool(_ node: Node, path: String, diag: Diagnostics) -> Bool? {
        diag.locate(path, node)
        guard case .scalar(let scalar) = node, !isNull(node),
              let value = Bool.construct(from: scalar) else {
            diag.report(path, "expected true or false, got \(describe(node))")
            return nil
        }
        return value
    }

    static func duration(_ node: Node, path: String, in range: ClosedRange<Duration>,
                         diag: Diagnostics) -> Duration? {
        guard let text = string(node, path: path, diag: diag) else { return nil }
        switch DurationParser.parseOrExplain(text) {
        case .failure(let failure):
            diag.report(path, failure.description)
            return nil
        case .success(let value):
            guard range.contains(value) else {
                let allowed = range.upperBound >= DurationLimits.unbounded
                    ? "must be at least \(formatDuration(range.lowerBound))"
                    : "allowed \(formatDuration(range.lowerBound))..\(formatDuration(range.upperBound))"
                diag.report(path, "\(text) is out of range; \(allowed)")
                return nil
            }
            return value
        }
    }

    /// Elements of a list with their key paths; null reads as an empty list.
    static func list(_ node: Node, path: String, diag: Diagnostics) -> [(path: String, node: Node)]? {
        diag.locate(path, node)
        if isNull(node) { return [] }
        guard case .sequence(let sequence) = node else {
            diag.report(path, "expected a list, got \(describe(node))")
            return nil
        }
        return sequence.enumerated().map { index, element in
            let elementPath = KeyPaths.element(path, index)
            diag.locate(elementPath, element)
            return (elementPath, element)
        }
    }
}
