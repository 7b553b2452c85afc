import Foundation

/// Both cores saturated by `stress-ng --cpu 0` (one worker per online CPU, every CPU method in
/// turn) at the agents' own niceness, with the proof that the load was real: the workers' CPU
/// time and bogo ops (stress-ng's metrics) and how busy the host's CPUs were meanwhile
/// (`/proc/stat`, which namespaces share).
struct CPUStress {
    let lab: Lab
    let seconds: Int
    private let process: Process
    private let startTicks: (busy: Int, total: Int)

    /// What one run did.
    struct Report: CustomStringConvertible {
        /// stress-ng's `cpu` row: bogo ops, and the workers' user + system seconds.
        let bogoOps: Int
        let cpuSeconds: Double
        /// The host's CPUs busy over the run (0…1), and the 1-minute load average at its end.
        let busy: Double
        let loadAverage: Double

        var description: String {
            String(format: "stress-ng %d bogo ops, %.1f CPU s in %d workers; host CPUs %.0f %% busy, load average %.2f",
                   bogoOps, cpuSeconds, ProcessInfo.processInfo.activeProcessorCount, busy * 100, loadAverage)
        }
    }

    /// Starts stress-ng (in the lab's client namespace, so the lab kills it on teardown).
    init(lab: Lab, seconds: Int) throws {
        guard FileManager.default.isExecutableFile(atPath: "/usr/bin/stress-ng") else {
            throw LabError("stress-ng is missing: bash -c 'source scripts/lib/packages.sh; need_packages test'")
        }
        self.lab = lab
        self.seconds = seconds
        startTicks = Self.cpuTicks()
        process = try lab.helper(in: "client", ["stress-ng", "--cpu", "0", "--cpu-method", "all", "--timeout", "\(seconds)s",
                                                "--metrics-brief"], log: "stress-ng.log")
    }

    /// Waits for stress-ng to finish and reads what it did.
    func finish() throws -> Report {
        let deadline = Date().addingTimeInterval(Double(seconds) + 30)
        while process.isRunning && Date() < deadline { usleep(100_000) }
        if process.isRunning { kill(process.processIdentifier, SIGKILL) }
        let end = Self.cpuTicks()
        let log = (try? String(contentsOf: lab.dir.appendingPathComponent("stress-ng.log"), encoding: .utf8)) ?? ""
        // "stress-ng: metrc: [pid] cpu  755  2.01  0.47  0.01  374.85  1574.34"
        guard let row = log.split(separator: "\n").first(where: { $0.contains("metrc:") && $0.split(separator: " ").dropFirst(3).first == "cpu" })
        else { throw LabError("stress-ng printed no metrics:\n\(log)") }
        let fields = row.split(separator: " ").dropFirst(4).compactMap { Double($0) }
        guard fields.count >= 4 else { throw LabError("stress-ng's metrics row is not understood: \(row)") }
        let load = (try? String(contentsOfFile: "/proc/loadavg", encoding: .utf8)).flatMap { Double($0.split(separator: " ").first ?? "") } ?? 0
        let total = max(1, end.total - startTicks.total)
        return Report(bogoOps: Int(fields[0]), cpuSeconds: fields[2] + fields[3],
                      busy: Double(end.busy - startTicks.busy) / Double(total), loadAverage: load)
    }

    /// The host's CPU ticks so far: busy (everything but idle and iowait) and in all.
    private static func cpuTicks() -> (busy: Int, total: Int) {
        let line = ((try? String(contentsOfFile: "/proc/stat", encoding: .utf8)) ?? "").split(separator: "\n").first ?? ""
        let ticks = line.split(separator: " ").dropFirst().compactMap { Int($0) }
        guard ticks.count >= 5 else { return (0, 0) }
        let total = ticks.prefix(8).reduce(0, +)
        return (total - ticks[3] - ticks[4], total)
    }
}
