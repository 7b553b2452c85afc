import Foundation
import HealthChecks
import NIOPosix
import XCTest

final class CheckRunnerTests: XCTestCase {
    private func runner(_ name: String, _ probe: Probe, interval: Duration, timeout: Duration,
                        rise: Int = 1, fall: Int = 1, log: ReportLog) -> CheckRunner {
        CheckRunner(name: name, probe: probe, interval: interval, timeout: timeout, rise: rise, fall: fall,
                    onReport: { report, changed in log.append(report, changed) })
    }

    func testLatestIsUnknownBeforeTheFirstRun() {
        let runner = runner("apiserver", ScriptedProbe("+"), interval: .seconds(1), timeout: .milliseconds(500),
                            log: ReportLog())
        XCTAssertEqual(runner.latest.name, "apiserver")
        XCTAssertEqual(runner.latest.state, .unknown)
        XCTAssertEqual(runner.latest.detail, "not run yet")
        XCTAssertEqual(runner.latest.successes + runner.latest.failures, 0)
        XCTAssertFalse(runner.latest.everPassed)
    }

    func testReportsArriveEveryIntervalThroughTheHysteresis() async {
        let log = ReportLog()
        let runner = runner("apiserver", ScriptedProbe("--++---"), interval: .milliseconds(100),
                            timeout: .milliseconds(50), rise: 2, fall: 2, log: log)
        runner.start()
        let done = await log.wait(upTo: .seconds(3)) { $0.count >= 7 }
        runner.stop()
        XCTAssertTrue(done, "7 reports expected within 3s, got \(log.all.count)")

        let reports = Array(log.all.prefix(7))
        XCTAssertEqual(reports.map(\.report.state),
                       [.unknown, .unhealthy, .unhealthy, .healthy, .healthy, .unhealthy, .unhealthy])
        XCTAssertEqual(reports.map(\.changed), [false, true, false, true, false, true, false])
        XCTAssertEqual(reports[1].report.changeReason, "apiserver: 2 failures: broken")
        XCTAssertEqual(reports[3].report.changeReason, "apiserver: 2 successes: fine")
        XCTAssertEqual(runner.latest.successes, 2)
        XCTAssertGreaterThanOrEqual(runner.latest.failures, 5)

        let gaps = Array(log.gaps.prefix(6))
        let mean = gaps.reduce(Duration.zero, +) / gaps.count
        XCTAssertGreaterThan(mean, .milliseconds(85), "gaps: \(gaps)")
        XCTAssertLessThan(mean, .milliseconds(140), "gaps: \(gaps)")
        XCTAssertLessThan(gaps.max() ?? .zero, .milliseconds(300), "gaps: \(gaps)")
    }

    func testAStuckProbeTimesOutWithoutOverlappingRuns() async {
        let stuck = StuckProbe()
        defer { stuck.release() }
        let log = ReportLog()
        let runner = runner("apiserver", stuck, interval: .milliseconds(100), timeout: .milliseconds(50),
                            fall: 2, log: log)
        let started = ContinuousClock.now
        runner.start()
        let gotThree = await log.wait(upTo: .seconds(3)) { $0.count >= 3 }
        runner.stop()
        XCTAssertTrue(gotThree)

        let reports = log.all
        XCTAssertEqual(reports[0].report.detail, "timed out after 50ms")
        XCTAssertLessThan(reports[0].at - started, .milliseconds(50 + 300),
                          "the first report must come at the timeout, not when the probe returns")
        XCTAssertTrue(reports.dropFirst().allSatisfy { $0.report.detail.hasPrefix("previous run still running after") },
                      "\(reports.map(\.report.detail))")
        XCTAssertTrue(reports.allSatisfy { !$0.report.everPassed })
        XCTAssertEqual(reports[1].report.state, .unhealthy)
        XCTAssertEqual(stuck.startedCount, 1, "a run must not start while the previous one is still going")
    }

    func testRunsNeverOverlapWhenAProbeOverstaysItsTimeout() async {
        let slow = ScriptedProbe("+", delay: .milliseconds(250))
        let log = ReportLog()
        let runner = runner("slow", slow, interval: .milliseconds(40), timeout: .milliseconds(20), log: log)
        runner.start()
        _ = await log.wait(upTo: .seconds(3)) { $0.count >= 12 }
        runner.stop()
        XCTAssertGreaterThanOrEqual(slow.counts.runs, 2, "the probe must be run again once the slow run ended")
        XCTAssertEqual(slow.counts.maxConcurrent, 1)
    }

    /// One check hanging (a stuck probe, and a command that never exits) does not slow down the
    /// reports of another.
    func testAHangingCheckDoesNotDelayAnother() async throws {
        let stuck = StuckProbe()
        defer { stuck.release() }
        let exec = try makeProbe(.exec(command: ["sleep", "60"]), eventLoopGroup: MultiThreadedEventLoopGroup.singleton)
        let stuckLog = ReportLog(), execLog = ReportLog(), healthyLog = ReportLog()
        let runners = [
            runner("stuck", stuck, interval: .milliseconds(100), timeout: .milliseconds(80), log: stuckLog),
            runner("sleeper", exec, interval: .milliseconds(100), timeout: .milliseconds(300), log: execLog),
            runner("healthy", ScriptedProbe("+"), interval: .milliseconds(50), timeout: .milliseconds(40),
                   log: healthyLog),
        ]
        runners.forEach { $0.start() }
        try await Task.sleep(for: .milliseconds(1500))
        runners.forEach { $0.stop() }

        let gaps = healthyLog.gaps
        XCTAssertGreaterThanOrEqual(healthyLog.all.count, 20, "about 30 reports expected in 1.5s")
        XCTAssertLessThan(gaps.max() ?? .seconds(9), .milliseconds(150), "gaps of the healthy check: \(gaps)")
        XCTAssertTrue(healthyLog.all.allSatisfy { $0.report.state == .healthy })
        XCTAssertTrue(stuckLog.all.allSatisfy { $0.report.state == .unhealthy })
        XCTAssertGreaterThanOrEqual(execLog.all.count, 3)
        XCTAssertTrue(execLog.all.allSatisfy { $0.report.detail == "killed after 300ms" },
                      "\(execLog.all.map(\.report.detail))")
    }

    /// An exec check runs on a thread of its own: one long-lived thread per check (not one per
    /// run), runs every interval through the hysteresis, the child's exit seen at once (no
    /// polling slices), and after `stop()` no report and no thread are left.
    func testAnExecCheckRunsOnItsOwnThreadUntilStopped() async throws {
        func checkThreads() -> Int {
            let tasks = (try? FileManager.default.contentsOfDirectory(atPath: "/proc/self/task")) ?? []
            return tasks.filter {
                (try? String(contentsOfFile: "/proc/self/task/\($0)/comm", encoding: .utf8))?.hasPrefix("vip-agent check") == true
            }.count
        }
        let before = checkThreads()
        let exec = try makeProbe(.exec(command: ["/bin/sh", "-c", "exit 0"]), eventLoopGroup: MultiThreadedEventLoopGroup.singleton)
        let log = ReportLog()
        let runner = runner("exec", exec, interval: .milliseconds(50), timeout: .seconds(2), rise: 2, log: log)
        runner.start()
        let done = await log.wait(upTo: .seconds(5)) { $0.count >= 10 }
        XCTAssertTrue(done, "10 reports expected, got \(log.all.count)")
        XCTAssertEqual(checkThreads(), before + 1, "one thread for the check, whatever the number of runs")
        runner.stop()
        let count = log.all.count
        XCTAssertEqual(log.all.map(\.report.state).prefix(3), [.unknown, .healthy, .healthy])
        XCTAssertTrue(log.all.allSatisfy { $0.report.detail == "exit 0" }, "\(log.all.map(\.report.detail))")
        // Each run takes the time of the child, not a 10 ms slice more: 50 ms apart on average.
        let gaps = log.gaps
        let mean = gaps.reduce(Duration.zero, +) / max(1, gaps.count)
        XCTAssertGreaterThan(mean, .milliseconds(45), "gaps: \(gaps)")
        XCTAssertLessThan(mean, .milliseconds(58), "gaps: \(gaps)")
        try await Task.sleep(for: .milliseconds(200))
        XCTAssertEqual(log.all.count, count, "no report after stop")
        XCTAssertEqual(checkThreads(), before, "the check's thread ends with it")
    }

    func testNoReportAfterStop() async throws {
        let log = ReportLog()
        let runner = runner("quick", ScriptedProbe("+"), interval: .milliseconds(20), timeout: .milliseconds(10),
                            log: log)
        runner.start()
        runner.start()  // a second start is ignored
        _ = await log.wait(upTo: .seconds(2)) { $0.count >= 3 }
        runner.stop()
        let count = log.all.count
        runner.start()  // a stopped runner stays stopped
        try await Task.sleep(for: .milliseconds(200))
        XCTAssertEqual(log.all.count, count)
        XCTAssertEqual(runner.latest.state, .healthy)
        XCTAssertEqual(runner.latest.successes, UInt64(count))
    }

    func testZeroIntervalAndTimeoutDoNotSpinOrCrash() async throws {
        let log = ReportLog()
        let runner = runner("odd", ScriptedProbe("+"), interval: .zero, timeout: .seconds(-1), log: log)
        XCTAssertEqual(runner.interval, RunSchedule.minimumInterval)
        runner.start()
        try await Task.sleep(for: .milliseconds(200))
        runner.stop()
        XCTAssertGreaterThan(log.all.count, 0)
        XCTAssertLessThanOrEqual(log.all.count, 200 / 10 + 2)
    }
}
