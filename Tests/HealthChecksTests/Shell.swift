import Foundation

/// Runs a command for test set-up and returns its exit status and combined output.
@discardableResult
func shell(_ arguments: [String]) throws -> (status: Int32, output: String) {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    process.arguments = arguments
    let pipe = Pipe()
    process.standardOutput = pipe
    process.standardError = pipe
    try process.run()
    let data = pipe.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    return (process.terminationStatus, String(decoding: data, as: UTF8.self))
}

/// Like `shell`, but throws with the command and its output when it fails.
@discardableResult
func mustRun(_ arguments: [String]) throws -> String {
    let (status, output) = try shell(arguments)
    guard status == 0 else {
        throw TestSetupError("`\(arguments.joined(separator: " "))` exited \(status): \(output)")
    }
    return output
}

struct TestSetupError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

/// A fresh directory under /tmp, removed by `remove()`.
struct ScratchDirectory {
    let path: String

    init(_ label: String) throws {
        path = NSTemporaryDirectory() + "vip-agent-\(label)-\(UUID().uuidString.prefix(8))"
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    }

    func file(_ name: String) -> String { path + "/" + name }

    func remove() { try? FileManager.default.removeItem(atPath: path) }
}
