import Foundation

/// Files of the repository, found from this source file's location (symlinks resolved, so a
/// throwaway package linking Tests/PackagingTests still reads the real tree).
enum RepositoryFiles {
    static let root: URL = URL(fileURLWithPath: #filePath).resolvingSymlinksInPath()
        .deletingLastPathComponent()  // PackagingTests
        .deletingLastPathComponent()  // Tests
        .deletingLastPathComponent()

    static func url(_ relativePath: String) -> URL {
        root.appendingPathComponent(relativePath)
    }

    static func text(_ relativePath: String) throws -> String {
        try String(contentsOf: url(relativePath), encoding: .utf8)
    }
}

/// What a clean clone of the repository holds: the files committed at HEAD (`git ls-tree`),
/// not the working tree, so an untracked or ignored file (Package.resolved, .build) never counts.
enum CleanClone {
    /// The committed paths, or nil when this is not a git checkout or git is missing.
    static func committedPaths() -> Set<String>? {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["git", "-C", RepositoryFiles.root.path, "ls-tree", "-r", "--name-only", "-z", "HEAD"]
        let output = Pipe()
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        do { try process.run() } catch { return nil }
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else { return nil }
        return Set(data.split(separator: 0).map { String(decoding: $0, as: UTF8.self) })
    }

    /// Whether `path` (a file or a directory, relative to the root) exists in the clean clone.
    static func contains(_ path: String, in committed: Set<String>) -> Bool {
        var trimmed = path
        while trimmed.hasPrefix("./") { trimmed.removeFirst(2) }
        while trimmed.hasSuffix("/") { trimmed.removeLast() }
        if trimmed.isEmpty || trimmed == "." { return !committed.isEmpty }
        return committed.contains(trimmed) || committed.contains { $0.hasPrefix(trimmed + "/") }
    }
}
