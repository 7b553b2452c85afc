import Foundation

/// A systemd unit file read as sections of `Key=value` assignments, in order (keys may
/// repeat). Comments and blank lines are skipped; continuation lines are not used by ours.
struct UnitFile {
    private(set) var assignments: [(section: String, key: String, value: String)] = []

    init(_ text: String) {
        var section = ""
        for raw in text.split(separator: "\n", omittingEmptySubsequences: false) {
            let line = raw.trimmingCharacters(in: .whitespaces)
            if line.isEmpty || line.hasPrefix("#") || line.hasPrefix(";") { continue }
            if line.hasPrefix("["), line.hasSuffix("]") {
                section = String(line.dropFirst().dropLast())
                continue
            }
            guard let equals = line.firstIndex(of: "=") else { continue }
            assignments.append((section, line[..<equals].trimmingCharacters(in: .whitespaces),
                                line[line.index(after: equals)...].trimmingCharacters(in: .whitespaces)))
        }
    }

    /// Every value given to `key` in `section`.
    func values(_ section: String, _ key: String) -> [String] {
        assignments.filter { $0.section == section && $0.key == key }.map(\.value)
    }

    /// The last value of `key`, which is the one systemd uses for single-valued settings.
    func value(_ section: String, _ key: String) -> String? {
        values(section, key).last
    }

    /// Space-separated list settings, accumulated over repeated assignments.
    func words(_ section: String, _ key: String) -> Set<String> {
        Set(values(section, key).flatMap { $0.split(separator: " ").map(String.init) })
    }
}
