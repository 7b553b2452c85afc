import Foundation

/// A plain-text table with left-aligned, space-separated columns. Pure.
struct TextTable {
    let headers: [String]
    private(set) var rows: [[String]] = []

    init(_ headers: [String]) {
        self.headers = headers
    }

    mutating func add(_ cells: [String]) {
        var row = cells.map(TextTable.sanitize)
        if row.count < headers.count {
            row += Array(repeating: "", count: headers.count - row.count)
        }
        rows.append(Array(row.prefix(headers.count)))
    }

    /// The rendered table, one line per row, header first, no trailing newline.
    func render(indent: String = "") -> String {
        let all = [headers] + rows
        var widths = Array(repeating: 0, count: headers.count)
        for row in all {
            for (i, cell) in row.enumerated() { widths[i] = max(widths[i], cell.count) }
        }
        return all.map { row -> String in
            let padded = row.enumerated().map { i, cell -> String in
                i == row.count - 1 ? cell : cell + String(repeating: " ", count: widths[i] - cell.count)
            }
            return indent + padded.joined(separator: "  ").trimmingTrailingSpaces()
        }.joined(separator: "\n")
    }

    /// Replaces control characters (newlines, escape sequences from a confused peer) so that one
    /// value stays on one line and cannot drive the terminal.
    static func sanitize(_ text: String) -> String {
        String(String.UnicodeScalarView(text.unicodeScalars.map { scalar in
            scalar.properties.generalCategory == .control ? " " : scalar
        }))
    }
}

extension String {
    func trimmingTrailingSpaces() -> String {
        var result = self
        while result.last == " " { result.removeLast() }
        return result
    }
}
