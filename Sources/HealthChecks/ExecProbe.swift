import BasicTypes
/// `exec` check: runs the command; healthy on exit 0. Output (stdout and stderr, first 4 KiB) gives
/// the detail: "exit 3: boom". At the timeout the whole process group gets SIGKILL: "killed after 500ms".
public final class ExecProbe: BlockingProbe {
    public let command: [String]
    /// Extra wait past the timeout for the reaper thread itself, should the kernel be slow to kill.
    static let reaperSlack: Duration = .milliseconds(100)

    init(command: [String]) throws {
        guard let program = command.first, !program.isEmpty else {
            throw ProbeSpecError("exec.command is empty")
        }
        guard !command.contains(where: { $0.utf8.contains(0) }) else {
            throw ProbeSpecError("exec.command contains a NUL byte")
        }
        self.command = command
    }

    public func run(timeout: Duration) async -> ProbeOutcome {
        let start = ContinuousClock.now
        let result = await withDeadline(timeout + Self.reaperSlack) { [command] in
            await onDedicatedThread("vip-agent exec") {
                ChildProcess.run(command, timeout: timeout)
            }
        }
        let (success, detail) = result.map { Self.judge($0, command: command, timeout: timeout) }
            ?? (false, Self.notReaped(timeout))
        return ProbeOutcome(success: success, detail: detail, duration: ContinuousClock.now - start)
    }

    /// On the check's own thread (CheckRunner): the child is spawned, waited for and killed at
    /// the timeout there, without a task or a thread per run.
    public func runBlocking(timeout: Duration) -> ProbeOutcome {
        let start = ContinuousClock.now
        let (success, detail) = Self.judge(ChildProcess.run(command, timeout: timeout), command: command, timeout: timeout)
        return ProbeOutcome(success: success, detail: detail, duration: ContinuousClock.now - start)
    }

    private static func notReaped(_ timeout: Duration) -> String {
        "killed after \(formatDuration(timeout)), still not reaped"
    }

    /// Pure: a child result as success and detail.
    static func judge(_ result: ChildProcessResult, command: [String], timeout: Duration) -> (Bool, String) {
        switch result {
        case let .exited(code, output):
            return (code == 0, OutputText.joined("exit \(code)", OutputText.firstLine(output)))
        case let .signalled(signal, output):
            return (false, OutputText.joined("killed by signal \(signal)", OutputText.firstLine(output)))
        case .killedAtDeadline:
            return (false, "killed after \(formatDuration(timeout))")
        case .killedNotReaped:
            return (false, notReaped(timeout))
        case let .spawnFailed(code):
            return (false, "cannot run \(command.first ?? ""): \(String(cString: strerror(code)))")
        }
    }
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
