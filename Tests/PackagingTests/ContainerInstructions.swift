/// The `COPY`/`ADD` instructions of a Containerfile that read from the build context (not
/// `--from=` another stage), with continuation lines joined and flags removed.
struct ContextCopy: Equatable {
    let line: Int
    let sources: [String]
    let destination: String

    static func parse(_ containerfile: String) -> [ContextCopy] {
        var copies: [ContextCopy] = []
        var pending = ""
        var startLine = 0
        for (index, raw) in containerfile.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let line = raw.trimmingCharacters(in: .whitespaces)
            if pending.isEmpty {
                if line.hasPrefix("#") || line.isEmpty { continue }
                startLine = index + 1
            }
            if line.hasSuffix("\\") {
                pending += line.dropLast() + " "
                continue
            }
            let instruction = pending + line
            pending = ""
            let words = instruction.split(separator: " ").map(String.init)
            guard let keyword = words.first?.uppercased(), keyword == "COPY" || keyword == "ADD" else { continue }
            let arguments = words.dropFirst()
            if arguments.contains(where: { $0.hasPrefix("--from=") }) { continue }
            let paths = arguments.filter { !$0.hasPrefix("--") }
            guard let destination = paths.last, paths.count >= 2 else { continue }
            copies.append(ContextCopy(line: startLine, sources: Array(paths.dropLast()), destination: destination))
        }
        return copies
    }
}

/// `.containerignore` patterns (the Docker/Podman syntax subset this repository uses: one
/// pattern per line, `#` comments, `*` and `?` wildcards, no `!` exceptions).
struct ContainerIgnore {
    let patterns: [String]

    init(_ text: String) {
        patterns = text.split(separator: "\n").map { $0.trimmingCharacters(in: .whitespaces) }
            .filter { !$0.isEmpty && !$0.hasPrefix("#") }
    }

    /// Whether `path` (relative to the context root) or a directory above it is excluded.
    func excludes(_ path: String) -> Bool {
        let components = path.split(separator: "/").map(String.init)
        for depth in 1...max(1, components.count) {
            let prefix = components.prefix(depth).joined(separator: "/")
            if patterns.contains(where: { fnmatch($0, prefix, 0) == 0 }) { return true }
        }
        return false
    }
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation
