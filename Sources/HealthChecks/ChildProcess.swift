import BasicTypes
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Glibc's pipe2(2); the Swift Glibc module hides it behind _GNU_SOURCE.
@_silgen_name("pipe2")
private func c_pipe2(_ fds: UnsafeMutablePointer<Int32>, _ flags: Int32) -> Int32

/// Glibc's pidfd_open(2) (glibc 2.36, Linux 5.3): a descriptor that polls readable when the
/// process ends, so the exit is waited for in the same poll as the output, without time slices.
@_silgen_name("pidfd_open")
private func c_pidfd_open(_ pid: pid_t, _ flags: UInt32) -> Int32

/// How a child process ended.
enum ChildProcessResult: Sendable, Equatable {
    case exited(code: Int32, output: [UInt8])
    case signalled(signal: Int32, output: [UInt8])
    /// Still running at the deadline: its whole process group was sent SIGKILL.
    case killedAtDeadline(output: [UInt8])
    /// Killed at the deadline but not ended `reapWait` later (a process in uninterruptible
    /// sleep): left to a later run to reap.
    case killedNotReaped(output: [UInt8])
    /// posix_spawn failed (for instance ENOENT: no such program).
    case spawnFailed(errno: Int32)
}

/// Spawns `argv` in its own process group with stdin from /dev/null and stdout+stderr on one
/// pipe, collects up to `outputLimit` bytes of output (the rest is read and dropped so the child
/// never blocks on a full pipe), and kills the group with SIGKILL at `timeout`. Blocking: run it
/// on a dedicated thread.
enum ChildProcess {
    static let pollSlice: Int32 = 10  // ms between exit checks

    /// After SIGKILL at the deadline, how long the end of the child is waited for.
    static let reapWait: Duration = .milliseconds(100)
    /// Children killed but not yet ended (`killedNotReaped`): reaped by later runs.
    private static let unreaped = LockedBox<Set<pid_t>>([])

    static func run(_ argv: [String], timeout: Duration, outputLimit: Int = 4096) -> ChildProcessResult {
        reapLeftovers()
        let deadline = ContinuousClock.now + timeout
        var fds: [Int32] = [-1, -1]
        // Close-on-exec from birth, so a child spawned at the same moment by another check never inherits it.
        guard c_pipe2(&fds, O_CLOEXEC) == 0 else { return .spawnFailed(errno: errno) }
        let (readEnd, writeEnd) = (fds[0], fds[1])
        defer { close(readEnd) }
        _ = fcntl(readEnd, F_SETFL, fcntl(readEnd, F_GETFL) | O_NONBLOCK)

        let spawned = spawn(argv, outputFD: writeEnd)
        close(writeEnd)
        let pid: pid_t
        switch spawned {
        case let .failure(code): return .spawnFailed(errno: code)
        case let .success(child): pid = child
        }
        var output = OutputCollector(limit: outputLimit)
        let exit = c_pidfd_open(pid, 0)
        guard exit >= 0 else { return waitInSlices(pid, readEnd, deadline, &output) }
        defer { close(exit) }
        var pipeOpen = true
        while true {
            let remaining = deadline - ContinuousClock.now
            if remaining <= .zero {
                kill(-pid, SIGKILL)
                kill(pid, SIGKILL)
                // The end is waited for a little: a child in uninterruptible sleep must not hold
                // the check's thread (it is reaped by a later run).
                var ended = pollfd(fd: exit, events: Int16(POLLIN), revents: 0)
                let status = poll(&ended, 1, Int32(reapWait.wholeMilliseconds)) > 0 ? reap(pid, blocking: true) : reap(pid, blocking: false)
                if pipeOpen { output.drain(readEnd) }
                guard status != nil else {
                    unreaped.withLockedValue { _ = $0.insert(pid) }
                    return .killedNotReaped(output: output.bytes)
                }
                return .killedAtDeadline(output: output.bytes)
            }
            var watched = [pollfd(fd: exit, events: Int16(POLLIN), revents: 0),
                           pollfd(fd: pipeOpen ? readEnd : -1, events: Int16(POLLIN), revents: 0)]
            let ready = poll(&watched, 2, Int32(clamping: max(1, remaining.wholeMilliseconds)))
            guard ready > 0 else { continue }   // the deadline (or EINTR): looked at above
            if pipeOpen, watched[1].revents != 0 { pipeOpen = output.drain(readEnd) }
            if watched[0].revents != 0, let status = reap(pid, blocking: true) {
                if pipeOpen { output.drain(readEnd) }
                return result(status: status, output: output.bytes)
            }
        }
    }

    /// Without pidfd (a kernel before 5.3): the exit is looked for every `pollSlice` ms.
    private static func waitInSlices(_ pid: pid_t, _ readEnd: Int32, _ deadline: ContinuousClock.Instant,
                                     _ output: inout OutputCollector) -> ChildProcessResult {
        var pipeOpen = true
        while true {
            if let status = reap(pid, blocking: false) {
                if pipeOpen { output.drain(readEnd) }
                return result(status: status, output: output.bytes)
            }
            let remaining = deadline - ContinuousClock.now
            if remaining <= .zero {
                kill(-pid, SIGKILL)
                kill(pid, SIGKILL)
                _ = reap(pid, blocking: true)
                if pipeOpen { output.drain(readEnd) }
                return .killedAtDeadline(output: output.bytes)
            }
            let slice = Int32(min(Int64(pollSlice), max(1, remaining.wholeMilliseconds)))
            if pipeOpen {
                var pfd = pollfd(fd: readEnd, events: Int16(POLLIN), revents: 0)
                if poll(&pfd, 1, slice) > 0 {
                    pipeOpen = output.drain(readEnd)
                }
            } else {
                _ = poll(nil, 0, slice)
            }
        }
    }

    /// Reaps the children an earlier run killed but could not wait for.
    private static func reapLeftovers() {
        let pids = unreaped.withLockedValue { $0 }
        guard !pids.isEmpty else { return }
        for pid in pids where reap(pid, blocking: false) != nil {
            unreaped.withLockedValue { _ = $0.remove(pid) }
        }
    }

    private enum Spawned { case success(pid_t), failure(Int32) }

    private static func spawn(_ argv: [String], outputFD: Int32) -> Spawned {
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_adddup2(&actions, outputFD, 1)
        posix_spawn_file_actions_adddup2(&actions, outputFD, 2)

        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        posix_spawnattr_setpgroup(&attributes, 0)
        // The agent ignores SIGPIPE (NIO does); the child gets default dispositions and no mask.
        var defaults = sigset_t()
        sigemptyset(&defaults)
        sigaddset(&defaults, SIGPIPE)
        posix_spawnattr_setsigdefault(&attributes, &defaults)
        var mask = sigset_t()
        sigemptyset(&mask)
        posix_spawnattr_setsigmask(&attributes, &mask)
        let flags = POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETSIGMASK
        posix_spawnattr_setflags(&attributes, Int16(flags))

        var cArgs: [UnsafeMutablePointer<CChar>?] = argv.map { strdup($0) }
        cArgs.append(nil)
        defer { cArgs.forEach { free($0) } }
        guard let program = cArgs.first ?? nil else { return .failure(argv.isEmpty ? EINVAL : ENOMEM) }
        var pid: pid_t = 0
        let rc = posix_spawnp(&pid, program, &actions, &attributes, cArgs, environ)
        return rc == 0 ? .success(pid) : .failure(rc)
    }

    /// The raw wait status once the child has ended; nil while it runs (non-blocking mode).
    private static func reap(_ pid: pid_t, blocking: Bool) -> Int32? {
        var status: Int32 = 0
        while true {
            let rc = waitpid(pid, &status, blocking ? 0 : WNOHANG)
            if rc == pid { return status }
            if rc == -1, errno == EINTR { continue }
            if rc == -1 { return 255 << 8 }  // ECHILD: reaped elsewhere, status lost: report as exit 255
            return nil
        }
    }

    private static func result(status: Int32, output: [UInt8]) -> ChildProcessResult {
        let signal = status & 0x7f
        if signal == 0 { return .exited(code: (status >> 8) & 0xff, output: output) }
        return .signalled(signal: signal, output: output)
    }
}

/// Keeps the first `limit` bytes read from a pipe and discards the rest.
struct OutputCollector {
    let limit: Int
    private(set) var bytes: [UInt8] = []

    init(limit: Int) {
        self.limit = max(0, limit)
    }

    /// Reads everything available without blocking. Returns false at end of file.
    @discardableResult
    mutating func drain(_ fd: Int32) -> Bool {
        var buffer = [UInt8](repeating: 0, count: 4096)
        while true {
            let n = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            if n > 0 {
                append(buffer[0..<n])
                continue
            }
            if n == 0 { return false }
            if errno == EINTR { continue }
            return errno == EAGAIN || errno == EWOULDBLOCK
        }
    }

    mutating func append(_ chunk: ArraySlice<UInt8>) {
        let room = limit - bytes.count
        if room > 0 { bytes.append(contentsOf: chunk.prefix(room)) }
    }
}
