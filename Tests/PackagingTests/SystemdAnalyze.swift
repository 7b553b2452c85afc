import Foundation

/// Runs `systemd-analyze verify` on a copy of a unit whose ExecStart binary is replaced by
/// one that exists here (verify refuses units whose binary is missing).
enum SystemdAnalyze {
    static let candidates = ["/usr/bin/systemd-analyze", "/bin/systemd-analyze"]

    static var executable: String? {
        candidates.first { FileManager.default.isExecutableFile(atPath: $0) }
    }

    /// The unit text with the program of every `ExecStart=` replaced; arguments are kept.
    static func withExecutable(_ unitText: String, program: String) -> String {
        unitText.split(separator: "\n", omittingEmptySubsequences: false).map { line -> String in
            // ExecStart= and ExecStopPost= (`vip-agent cleanup`) both name the binary.
            guard let key = ["ExecStart=", "ExecStopPost="].first(where: { line.hasPrefix($0) }) else { return String(line) }
            let command = line.dropFirst(key.count)
            let arguments = command.split(separator: " ", maxSplits: 1).dropFirst().first.map { " " + $0 } ?? ""
            return key + program + arguments
        }.joined(separator: "\n")
    }

    /// Lines of `systemd-analyze verify` output that concern the unit, plus the exit status.
    static func verify(unitText: String, unitName: String) throws -> (status: Int32, problems: [String]) {
        guard let analyze = executable else {
            throw AnalyzeError("systemd-analyze is not installed (apt-get install systemd)")
        }
        let directory = FileManager.default.temporaryDirectory
            .appendingPathComponent("vip-agent-unit-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let unitURL = directory.appendingPathComponent(unitName)
        try withExecutable(unitText, program: "/bin/true").write(to: unitURL, atomically: true, encoding: .utf8)

        let process = Process()
        process.executableURL = URL(fileURLWithPath: analyze)
        process.arguments = ["verify", "--man=no", unitURL.path]
        let output = Pipe()
        process.standardOutput = output
        process.standardError = output
        try process.run()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        let lines = String(decoding: data, as: UTF8.self).split(separator: "\n").map(String.init)
        return (process.terminationStatus, lines.filter { $0.contains(unitName) })
    }
}

struct AnalyzeError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
