import BasicTypes
/// Runs a probe so that one run never outlasts `timeout` plus `slack` for the caller, and runs never
/// overlap: when an earlier run is still going (a misbehaving probe that ignored its timeout), the next
/// call does not start another one and fails at once with a detail that says so.
final class GuardedProbe: Sendable {
    /// Grace past the timeout for the probe's own clean-up (killing and reaping a child, closing a socket).
    static let slack: Duration = .milliseconds(150)

    private let probe: Probe
    private let inFlight = LockedBox<ContinuousClock.Instant?>(nil)

    init(_ probe: Probe) {
        self.probe = probe
    }

    /// nil only when the calling task was cancelled mid-run.
    func run(timeout: Duration) async -> ProbeOutcome? {
        let start = ContinuousClock.now
        let busySince = inFlight.withLockedValue { slot -> ContinuousClock.Instant? in
            if let since = slot { return since }
            slot = start
            return nil
        }
        if let busySince {
            let detail = "previous run still running after \(formatDuration(start - busySince))"
            return ProbeOutcome(success: false, detail: detail, duration: .zero)
        }
        let outcome = await withDeadline(timeout + Self.slack) { [probe, inFlight] in
            let outcome = await probe.run(timeout: timeout)
            inFlight.withLockedValue { $0 = nil }
            return outcome
        }
        if let outcome { return outcome }
        if Task.isCancelled { return nil }
        return ProbeOutcome(success: false, detail: "timed out after \(formatDuration(timeout))",
                            duration: ContinuousClock.now - start)
    }
}
