import Yams

/// One YAML mapping being read. Unknown and duplicate keys are reported when it is opened;
/// typed fields report wrong types and ranges at their own key path and return `nil`, so the
/// caller falls back to the default and the pass goes on.
struct MappingReader {
    let path: String
    let diag: Diagnostics
    private var values: [String: Node] = [:]

    /// `nil` (after reporting) when `node` is not a mapping. A null node reads as an empty mapping.
    init?(_ node: Node, path: String, known: [String], diag: Diagnostics) {
        self.path = path
        self.diag = diag
        diag.locate(path, node)
        if YAMLValue.isNull(node) { return }
        guard case .mapping(let mapping) = node else {
            diag.report(path, "expected a mapping of \(known.joined(separator: ", ")), got \(YAMLValue.describe(node))")
            return nil
        }
        for (keyNode, value) in mapping {
            let key = keyNode.scalar?.string ?? YAMLValue.describe(keyNode)
            let keyPath = KeyPaths.child(path, key)
            if values[key] != nil {
                let first = diag.line(of: keyPath).map { " (first at line \($0))" } ?? ""
                diag.report(keyPath, "duplicate key\(first)", line: keyNode.mark?.line ?? 0,
                            column: keyNode.mark?.column ?? 0)
                continue
            }
            diag.locate(keyPath, keyNode)
            guard known.contains(key) else {
                var message = "unknown key"
                if let suggestion = KeySuggestion.nearest(to: key, among: known) {
                    message += "; did you mean \"\(suggestion)\"?"
                } else {
                    message += "; expected one of \(known.joined(separator: ", "))"
                }
                diag.report(keyPath, message)
                continue
            }
            values[key] = value
        }
    }

    func path(_ key: String) -> String { KeyPaths.child(path, key) }

    /// The value under `key`, null included; `nil` when the key is absent.
    func node(_ key: String) -> Node? { values[key] }

    func has(_ key: String) -> Bool { values[key] != nil }

    func string(_ key: String, required: Bool = false) -> String? {
        guard let node = values[key] else {
            if required { diag.report(path(key), "required") }
            return nil
        }
        return YAMLValue.string(node, path: path(key), diag: diag)
    }

    func int(_ key: String, in range: ClosedRange<Int>, required: Bool = false) -> Int? {
        guard let node = values[key] else {
            if required { diag.report(path(key), "required") }
            return nil
        }
        return YAMLValue.int(node, path: path(key), in: range, diag: diag)
    }

    func bool(_ key: String) -> Bool? {
        guard let node = values[key] else { return nil }
        return YAMLValue.bool(node, path: path(key), diag: diag)
    }

    func duration(_ key: String, in range: ClosedRange<Duration>) -> Duration? {
        guard let node = values[key] else { return nil }
        return YAMLValue.duration(node, path: path(key), in: range, diag: diag)
    }

    /// Elements of a list under `key`, each with its key path; null reads as empty.
    func list(_ key: String) -> [(path: String, node: Node)]? {
        guard let node = values[key] else { return nil }
        return YAMLValue.list(node, path: path(key), diag: diag)
    }

    /// A list of strings, each element checked for type.
    func stringList(_ key: String) -> [(path: String, value: String)]? {
        guard let elements = list(key) else { return nil }
        return elements.compactMap { element in
            YAMLValue.string(element.node, path: element.path, diag: diag).map { (element.path, $0) }
        }
    }

    func mapping(_ key: String, known: [String]) -> MappingReader? {
        guard let node = values[key] else { return nil }
        return MappingReader(node, path: path(key), known: known, diag: diag)
    }
}
