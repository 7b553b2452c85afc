import Foundation
import HealthChecks

/// A probe that plays a script of outcomes ("+" pass, "-" fail), then keeps repeating the last one,
/// and counts how many runs are in progress at once. Each run takes `delay`, whatever its timeout.
final class ScriptedProbe: Probe, @unchecked Sendable {
    private let lock = NSLock()
    private var script: [Bool]
    private var running = 0
    private(set) var maxConcurrent = 0
    private(set) var runs = 0
    let delay: Duration

    init(_ pattern: String, delay: Duration = .zero) {
        script = pattern.map { $0 == "+" }
        self.delay = delay
    }

    func run(timeout: Duration) async -> ProbeOutcome {
        let success = lock.withLock { () -> Bool in
            runs += 1
            running += 1
            maxConcurrent = max(maxConcurrent, running)
            return script.count > 1 ? script.removeFirst() : (script.first ?? true)
        }
        if delay > .zero {
            // Deliberately deaf to cancellation, like a probe that overstays its timeout.
            let nanoseconds = Int(delay.components.seconds) * 1_000_000_000
                + Int(delay.components.attoseconds / 1_000_000_000)
            await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
                DispatchQueue.global().asyncAfter(deadline: .now() + .nanoseconds(nanoseconds)) {
                    continuation.resume()
                }
            }
        }
        lock.withLock { running -= 1 }
        return ProbeOutcome(success: success, detail: success ? "fine" : "broken", duration: delay)
    }

    var counts: (runs: Int, maxConcurrent: Int) { lock.withLock { (runs, maxConcurrent) } }
}

/// A probe that breaks the contract: it never returns and ignores cancellation. Its waiters are
/// released by `release()` at the end of the test.
final class StuckProbe: Probe, @unchecked Sendable {
    private let lock = NSLock()
    private var waiters: [CheckedContinuation<Void, Never>] = []
    private(set) var started = 0
    private var released = false

    func run(timeout: Duration) async -> ProbeOutcome {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let resumeNow = lock.withLock { () -> Bool in
                started += 1
                if released { return true }
                waiters.append(continuation)
                return false
            }
            if resumeNow { continuation.resume() }
        }
        return ProbeOutcome(success: false, detail: "released", duration: .zero)
    }

    var startedCount: Int { lock.withLock { started } }

    func release() {
        let pending = lock.withLock { () -> [CheckedContinuation<Void, Never>] in
            released = true
            defer { waiters = [] }
            return waiters
        }
        pending.forEach { $0.resume() }
    }
}

/// Collects a runner's reports with the time each arrived.
final class ReportLog: @unchecked Sendable {
    private let lock = NSLock()
    private var entries: [(report: CheckReport, changed: Bool, at: ContinuousClock.Instant)] = []

    func append(_ report: CheckReport, _ changed: Bool) {
        lock.withLock { entries.append((report, changed, ContinuousClock.now)) }
    }

    var all: [(report: CheckReport, changed: Bool, at: ContinuousClock.Instant)] { lock.withLock { entries } }

    /// Gaps between consecutive arrivals.
    var gaps: [Duration] {
        let times = all.map(\.at)
        return zip(times.dropFirst(), times).map { $0 - $1 }
    }

    /// Waits (polling) until `condition` holds for the log, or `limit` passes.
    func wait(upTo limit: Duration, until condition: ([(report: CheckReport, changed: Bool, at: ContinuousClock.Instant)]) -> Bool) async -> Bool {
        let deadline = ContinuousClock.now + limit
        while ContinuousClock.now < deadline {
            if condition(all) { return true }
            try? await Task.sleep(for: .milliseconds(10))
        }
        return condition(all)
    }
}
