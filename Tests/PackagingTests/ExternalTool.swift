import Foundation

/// Runs a command found on PATH and collects its output (stdout and stderr together).
enum ExternalTool {
    struct Result {
        let status: Int32
        let output: String
    }

    static func run(_ arguments: [String], environment: [String: String]? = nil) throws -> Result {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = arguments
        if let environment {
            process.environment = ProcessInfo.processInfo.environment.merging(environment) { _, new in new }
        }
        let output = Pipe()
        process.standardOutput = output
        process.standardError = output
        try process.run()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return Result(status: process.terminationStatus, output: String(decoding: data, as: UTF8.self))
    }

    /// Whether `program` is on PATH.
    static func exists(_ program: String) -> Bool {
        (try? run(["sh", "-c", "command -v \"$0\" >/dev/null", program]).status) == 0
    }

    static var isRoot: Bool { geteuid() == 0 }
}

/// `python3 -m kubernetes_validate --strict`, with no network when root (`unshare -n`), so the
/// schemas it uses are the ones it ships.
enum KubernetesValidate {
    static func run(file: String, kubernetesVersion: String) throws -> ExternalTool.Result {
        let check = try ExternalTool.run(["python3", "-c", "import kubernetes_validate"])
        guard check.status == 0 else {
            throw AnalyzeError("kubernetes-validate is not installed (scripts/test installs it: pip install kubernetes-validate): \(check.output)")
        }
        let command = ["python3", "-m", "kubernetes_validate", "--strict", "-k", kubernetesVersion, file]
        return try ExternalTool.run(ExternalTool.isRoot && ExternalTool.exists("unshare") ? ["unshare", "--net"] + command : command)
    }
}
