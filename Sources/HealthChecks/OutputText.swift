/// Text helpers for turning raw output into one-line details.
enum OutputText {
    /// The first non-empty line of `bytes` (lossy UTF-8), whitespace-trimmed, cut to `limit` characters.
    static func firstLine(_ bytes: some Sequence<UInt8>, limit: Int = 120) -> String {
        firstLine(String(decoding: Array(bytes), as: UTF8.self), limit: limit)
    }

    /// The first non-empty line of `text`, whitespace-trimmed, cut to `limit` characters.
    static func firstLine(_ text: String, limit: Int = 120) -> String {
        let line = text.split(whereSeparator: { $0 == "\n" || $0 == "\r" })
            .lazy
            .map { trim($0) }
            .first(where: { !$0.isEmpty }) ?? ""
        guard line.count > limit else { return line }
        return String(line.prefix(max(0, limit)))
    }

    /// "detail" or "prefix: detail" when detail is non-empty.
    static func joined(_ prefix: String, _ detail: String) -> String {
        detail.isEmpty ? prefix : "\(prefix): \(detail)"
    }

    private static func trim(_ s: Substring) -> String {
        let isSpace: (Character) -> Bool = { $0.isWhitespace || $0.isNewline }
        guard let start = s.firstIndex(where: { !isSpace($0) }),
              let end = s.lastIndex(where: { !isSpace($0) }) else { return "" }
        return String(s[start...end])
    }
}
