/// "did you mean" for unknown keys: the known key closest to a misspelling, if close enough.
enum KeySuggestion {
    static func nearest(to key: String, among known: [String]) -> String? {
        let folded = fold(key)
        if let exact = known.first(where: { fold($0) == folded }) { return exact }
        var best: (key: String, distance: Int)?
        for candidate in known {
            let distance = editDistance(Array(folded), Array(fold(candidate)))
            if best == nil || distance < best!.distance { best = (candidate, distance) }
        }
        guard let best else { return nil }
        let allowed = max(1, min(3, max(folded.count, best.key.count) / 3))
        return best.distance <= allowed ? best.key : nil
    }

    /// Case, `_` and `-` do not matter: `auth_key_file` ≈ `authKeyFile`.
    private static func fold(_ s: String) -> String {
        String(s.lowercased().filter { $0 != "_" && $0 != "-" })
    }

    /// Levenshtein distance.
    static func editDistance(_ a: [Character], _ b: [Character]) -> Int {
        if a.isEmpty { return b.count }
        if b.isEmpty { return a.count }
        var previous = Array(0...b.count)
        var current = [Int](repeating: 0, count: b.count + 1)
        for i in 1...a.count {
            current[0] = i
            for j in 1...b.count {
                let cost = a[i - 1] == b[j - 1] ? 0 : 1
                current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
            }
            swap(&previous, &current)
        }
        return previous[b.count]
    }
}
