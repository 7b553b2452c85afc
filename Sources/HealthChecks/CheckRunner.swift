import Foundation
import Logging

/// Runs one check: its probe every `interval` (fixed rate, from the start of each run), each run
/// bounded by `timeout`, outcomes fed through rise/fall hysteresis, and `onReport` called after every
/// run with the report and whether the state changed. Runs of one check never overlap, and a probe
/// that hangs only fails its own check: the loop is a plain task that awaits, and probes do their
/// blocking work (waitpid, raw-socket receive) on dedicated threads.
public final class CheckRunner: Sendable {
    public let name: String
    public let interval: Duration
    public let timeout: Duration

    private let probe: GuardedProbe
    /// Set for a probe that blocks its thread (exec): the check then runs on a thread of its own.
    private let blocking: BlockingProbe?
    /// Wakes that thread early: the runner stopped or went away.
    private let wake = DispatchSemaphore(value: 0)
    private let schedule: RunSchedule
    private let onReport: @Sendable (CheckReport, Bool) -> Void
    private let logger: Logger
    private let tracker: LockedBox<CheckTracker>
    private let report: LockedBox<CheckReport>
    private let loop = LockedBox<(task: Task<Void, Never>?, started: Bool, stopped: Bool)>((nil, false, false))
    /// Held while `onReport` runs, so that once `stop()` returns no further report is delivered.
    /// Recursive: `onReport` may itself call `stop()`.
    private let delivery = NSRecursiveLock()

    public init(name: String, probe: Probe, interval: Duration, timeout: Duration, rise: Int, fall: Int,
                logger: Logger = Logger(label: "vip-agent.healthchecks"),
                onReport: @escaping @Sendable (CheckReport, Bool) -> Void) {
        let now = Date()
        self.name = name
        self.schedule = RunSchedule(interval: interval)
        self.interval = schedule.interval
        self.timeout = max(timeout, RunSchedule.minimumTimeout)
        self.probe = GuardedProbe(probe)
        self.blocking = probe as? BlockingProbe
        self.onReport = onReport
        var logger = logger
        logger[metadataKey: "check"] = "\(name)"
        self.logger = logger
        self.tracker = LockedBox(CheckTracker(name: name, rise: rise, fall: fall, startedAt: now))
        self.report = LockedBox(CheckReport(
            name: name, state: .unknown, detail: "not run yet", since: now, successes: 0, failures: 0,
            lastDuration: .zero, everPassed: false, changeReason: nil))
    }

    deinit {
        loop.withLockedValue { $0.task }?.cancel()
        wake.signal()
    }

    /// The last report; before the first run, an `.unknown` one with detail "not run yet".
    public var latest: CheckReport {
        report.withLockedValue { $0 }
    }

    /// Starts the runs: the first at once, then one every `interval`. Does nothing if already
    /// started or stopped (a stopped runner stays stopped).
    public func start() {
        loop.withLockedValue { state in
            guard !state.started, !state.stopped else { return }
            state.started = true
            if let blocking {
                startThread(blocking)
                return
            }
            // The task holds the runner only during a run, so a runner dropped without `stop()`
            // still goes away (its deinit cancels the task).
            state.task = Task { [weak self] in
                while !Task.isCancelled {
                    guard let next = await self?.runOnce() else { return }
                    do {
                        try await ContinuousClock().sleep(until: next, tolerance: nil)
                    } catch {
                        return
                    }
                }
            }
        }
    }

    /// Stops the runs. A run in progress is abandoned (its probe cancelled); no report is delivered
    /// after `stop()` returns. It waits for an `onReport` call already under way, so `onReport` must
    /// not block on whatever thread calls `stop()` (hop to an event loop with `execute`, not `wait`).
    public func stop() {
        let task = loop.withLockedValue { state -> Task<Void, Never>? in
            state.stopped = true
            defer { state.task = nil }
            return state.task
        }
        task?.cancel()
        wake.signal()
        delivery.lock()
        delivery.unlock()
    }

    private var isStopped: Bool {
        loop.withLockedValue { $0.stopped }
    }

    /// The check's own thread: run, report, sleep until the next run (or until stopped). It holds
    /// the runner only during a run, so a runner dropped without `stop()` still goes away.
    private func startThread(_ blocking: BlockingProbe) {
        let wake = self.wake
        let thread = Thread { [weak self] in
            Thread.current.name = "vip-agent check"  // named from inside: Linux names the running thread
            while let wait = self?.runOnThread(blocking) {
                let (seconds, attoseconds) = wait.components
                let nanoseconds = Int(clamping: seconds) &* 1_000_000_000 &+ Int(attoseconds / 1_000_000_000)
                _ = wake.wait(timeout: .now() + .nanoseconds(max(0, nanoseconds)))
            }
        }
        thread.start()
    }

    /// One run on the check's thread; the wait until the next one, nil once stopped.
    private func runOnThread(_ blocking: BlockingProbe) -> Duration? {
        guard !isStopped else { return nil }
        let started = ContinuousClock.now
        deliver(blocking.runBlocking(timeout: timeout))
        guard !isStopped else { return nil }
        let now = ContinuousClock.now
        return now.duration(to: schedule.nextStart(after: started, now: now))
    }

    /// One run and its report; returns when the next run is due, or nil when cancelled mid-run.
    private func runOnce() async -> ContinuousClock.Instant? {
        let started = ContinuousClock.now
        guard let outcome = await probe.run(timeout: timeout) else { return nil }
        deliver(outcome)
        return schedule.nextStart(after: started, now: ContinuousClock.now)
    }

    private func deliver(_ outcome: ProbeOutcome) {
        let (newReport, changed) = tracker.withLockedValue { $0.record(outcome, at: Date()) }
        delivery.lock()
        defer { delivery.unlock() }
        guard !isStopped else { return }
        report.withLockedValue { $0 = newReport }
        if changed {
            let reason = newReport.changeReason ?? newReport.detail
            switch newReport.state {
            case .healthy: logger.notice("health check passing: \(reason)")
            case .unhealthy: logger.warning("health check failing: \(reason)")
            case .unknown: break
            }
        } else if !outcome.success {
            logger.debug("health check \(name): run failed: \(outcome.detail)")
        }
        onReport(newReport, changed)
    }
}
