import Yams

/// Collects problems during one pass over the document, remembering where each key path
/// sits so that problems found later (cross-checks) still sort in document order.
final class Diagnostics {
    private struct Entry {
        var problem: ConfigProblem
        var line: Int
        var column: Int
        var sequence: Int
    }

    private var entries: [Entry] = []
    private var marks: [String: Mark] = [:]

    /// Remembers where `path` is in the document.
    func locate(_ path: String, _ node: Node) {
        if let mark = node.mark, marks[path] == nil { marks[path] = mark }
    }

    func locate(_ path: String, _ mark: Mark?) {
        if let mark, marks[path] == nil { marks[path] = mark }
    }

    /// Records a problem at `path`, positioned at `path` or its nearest located ancestor.
    func report(_ path: String, _ message: String) {
        let mark = nearestMark(path)
        entries.append(Entry(problem: ConfigProblem(keyPath: path, message: message),
                             line: mark?.line ?? 0, column: mark?.column ?? 0,
                             sequence: entries.count))
    }

    /// Records a problem positioned at an explicit document location.
    func report(_ path: String, _ message: String, line: Int, column: Int) {
        entries.append(Entry(problem: ConfigProblem(keyPath: path, message: message),
                             line: line, column: column, sequence: entries.count))
    }

    /// True when a problem was recorded at `path` or anywhere below it.
    func hasProblem(at path: String) -> Bool {
        entries.contains { KeyPaths.isSameOrBelow($0.problem.keyPath, path) }
    }

    var isEmpty: Bool { entries.isEmpty }

    /// Problems sorted by their position in the document, then by discovery order.
    var problems: [ConfigProblem] {
        entries.sorted { a, b in
            (a.line, a.column, a.sequence) < (b.line, b.column, b.sequence)
        }.map(\.problem)
    }

    func line(of path: String) -> Int? { marks[path]?.line }

    private func nearestMark(_ path: String) -> Mark? {
        var current = path
        while true {
            if let mark = marks[current] { return mark }
            guard let parent = KeyPaths.parent(of: current) else { return nil }
            current = parent
        }
    }
}
