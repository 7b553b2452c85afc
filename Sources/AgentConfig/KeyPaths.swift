/// Building and comparing key paths such as `vips[2].routerId`.
enum KeyPaths {
    static func child(_ parent: String, _ key: String) -> String {
        parent.isEmpty ? key : "\(parent).\(key)"
    }

    static func element(_ parent: String, _ index: Int) -> String {
        "\(parent)[\(index)]"
    }

    /// `vips[2].routerId` → `vips[2]` → `vips` → `""` → nil.
    static func parent(of path: String) -> String? {
        guard !path.isEmpty else { return nil }
        if path.hasSuffix("]"), let open = path.lastIndex(of: "[") {
            return String(path[..<open])
        }
        if let dot = path.lastIndex(of: ".") {
            return String(path[..<dot])
        }
        return ""
    }

    static func isSameOrBelow(_ path: String, _ ancestor: String) -> Bool {
        if ancestor.isEmpty || path == ancestor { return true }
        guard path.hasPrefix(ancestor) else { return false }
        let next = path[path.index(path.startIndex, offsetBy: ancestor.count)]
        return next == "." || next == "["
    }
}
