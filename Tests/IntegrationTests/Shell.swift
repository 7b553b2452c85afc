import Foundation

/// Runs a shell command and returns its exit status and output (stdout and stderr together).
@discardableResult
func sh(_ command: String) -> (status: Int32, output: String) {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/bin/sh")
    process.arguments = ["-c", command]
    let pipe = Pipe()
    process.standardOutput = pipe
    process.standardError = pipe
    do { try process.run() } catch { return (127, "\(error)") }
    let data = pipe.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    return (process.terminationStatus, String(decoding: data, as: UTF8.self))
}

/// Polls `condition` every 10 ms until it holds or `timeout` seconds pass; returns the seconds
/// it took, or nil on timeout.
func waitFor(_ timeout: Double, _ condition: () -> Bool) -> Double? {
    let start = Date()
    while Date().timeIntervalSince(start) < timeout {
        if condition() { return Date().timeIntervalSince(start) }
        usleep(10_000)
    }
    return condition() ? Date().timeIntervalSince(start) : nil
}

/// Where `swift build` put vip-agent and vipctl: next to the test bundle.
enum Products {
    static var directory: URL {
        var url = URL(fileURLWithPath: CommandLine.arguments.first ?? ".")
        while url.pathExtension != "xctest" && url.path != "/" { url.deleteLastPathComponent() }
        return url.deletingLastPathComponent()
    }

    /// The repository checkout this test file belongs to.
    static var repository: URL {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    }

    static var agent: String { directory.appendingPathComponent("vip-agent").path }
    static var vipctl: String { directory.appendingPathComponent("vipctl").path }
}
