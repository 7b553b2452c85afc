@testable import HealthChecks
import XCTest

final class DeadlineTests: XCTestCase {
    func testAQuickOperationWins() async {
        let value = await withDeadline(.seconds(5)) { 42 }
        XCTAssertEqual(value, 42)
    }

    func testTheDeadlineWinsOverAnOperationThatIgnoresCancellation() async {
        let stuck = StuckProbe()
        defer { stuck.release() }
        let started = ContinuousClock.now
        let value = await withDeadline(.milliseconds(100)) { await stuck.run(timeout: .zero) }
        XCTAssertNil(value)
        XCTAssertLessThan(ContinuousClock.now - started, .milliseconds(100 + 150))
    }

    func testCancellingTheCallerEndsTheWait() async {
        let stuck = StuckProbe()
        defer { stuck.release() }
        let started = ContinuousClock.now
        let task = Task { await withDeadline(.seconds(30)) { await stuck.run(timeout: .zero) } }
        try? await Task.sleep(for: .milliseconds(50))
        task.cancel()
        let value = await task.value
        XCTAssertNil(value)
        XCTAssertLessThan(ContinuousClock.now - started, .seconds(2))
    }

    /// Blocking work on dedicated threads neither queues behind the (small) cooperative pool nor
    /// stalls it: eight 300 ms blocking calls at once finish together, and a sleeper keeps its time.
    func testBlockingWorkRunsOnDedicatedThreads() async {
        let started = ContinuousClock.now
        let sleeper = Task { () -> Duration in
            let before = ContinuousClock.now
            try? await Task.sleep(for: .milliseconds(100))
            return ContinuousClock.now - before
        }
        let results = await withTaskGroup(of: Int.self) { group in
            for index in 0..<8 {
                group.addTask { await onDedicatedThread("vip-agent test") { usleep(300_000); return index } }
            }
            return await group.reduce(into: []) { $0.append($1) }
        }
        let elapsed = ContinuousClock.now - started
        XCTAssertEqual(results.sorted(), Array(0..<8))
        XCTAssertLessThan(elapsed, .milliseconds(300 * 2), "the blocking calls must run side by side")
        let slept = await sleeper.value
        XCTAssertLessThan(slept, .milliseconds(250), "the cooperative pool must stay free")
    }
}
