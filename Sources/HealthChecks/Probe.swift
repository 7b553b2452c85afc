/// The result of one probe run.
public struct ProbeOutcome: Sendable, Equatable {
    public var success: Bool
    /// Human-readable, one line: "200 OK", "HTTP 500: …", "connection refused",
    /// "timed out after 500ms", "exit 1: …", "reply from aa:bb:…", "no ARP reply from … on …".
    public var detail: String
    /// Wall time the run took.
    public var duration: Duration

    public init(success: Bool, detail: String, duration: Duration) {
        self.success = success
        self.detail = detail
        self.duration = duration
    }
}

/// One kind of health probe. `run` never throws and returns within `timeout` plus a few
/// milliseconds, whatever the probed thing does.
public protocol Probe: Sendable {
    func run(timeout: Duration) async -> ProbeOutcome
}

/// A probe whose run blocks its thread (spawning and reaping a child). `CheckRunner` gives such
/// a check a thread of its own that sleeps between runs and runs it there: one run wakes that
/// thread, not a task, a timer task and a new thread per run. `runBlocking` ends within
/// `timeout` plus a little, like `run`.
public protocol BlockingProbe: Probe {
    func runBlocking(timeout: Duration) -> ProbeOutcome
}
