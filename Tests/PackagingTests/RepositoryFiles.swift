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
