import Foundation
import HealthChecks
import NIOPosix
import XCTest

final class ExecProbeTests: XCTestCase {
    private func probe(_ command: [String]) throws -> Probe {
        try makeProbe(.exec(command: command), eventLoopGroup: MultiThreadedEventLoopGroup.singleton)
    }

    func testExitZeroIsHealthy() async throws {
        let outcome = try await probe(["/bin/true"]).run(timeout: .seconds(5))
        XCTAssertTrue(outcome.success, outcome.detail)
        XCTAssertEqual(outcome.detail, "exit 0")
    }

    func testExitOneFailsWithItsCapturedOutput() async throws {
        let outcome = try await probe(["/bin/sh", "-c", "echo; echo 'etcd is not ready' >&2; exit 1"])
            .run(timeout: .seconds(5))
        XCTAssertFalse(outcome.success)
        XCTAssertEqual(outcome.detail, "exit 1: etcd is not ready")
    }

    func testCommandIsLookedUpInPath() async throws {
        let outcome = try await probe(["sh", "-c", "echo fine"]).run(timeout: .seconds(5))
        XCTAssertTrue(outcome.success, outcome.detail)
        XCTAssertEqual(outcome.detail, "exit 0: fine")
    }

    func testMissingProgramIsNamed() async throws {
        let outcome = try await probe(["/nonexistent/check-script"]).run(timeout: .seconds(5))
        XCTAssertFalse(outcome.success)
        XCTAssertEqual(outcome.detail, "cannot run /nonexistent/check-script: No such file or directory")
    }

    func testLargeOutputDoesNotBlockTheChild() async throws {
        let outcome = try await probe(["/bin/sh", "-c", "head -c 3000000 /dev/zero | tr '\\0' x; exit 0"])
            .run(timeout: .seconds(10))
        XCTAssertTrue(outcome.success, outcome.detail)
        XCTAssertTrue(outcome.detail.hasPrefix("exit 0: xxxx"))
        XCTAssertLessThanOrEqual(outcome.detail.count, "exit 0: ".count + 120)
    }

    func testSleepIsKilledAtTheTimeoutAndTheRunReturnsPromptly() async throws {
        let started = ContinuousClock.now
        let outcome = try await probe(["sleep", "60"]).run(timeout: .milliseconds(300))
        let elapsed = ContinuousClock.now - started
        XCTAssertFalse(outcome.success)
        XCTAssertEqual(outcome.detail, "killed after 300ms")
        XCTAssertGreaterThanOrEqual(elapsed, .milliseconds(300))
        XCTAssertLessThan(elapsed, .milliseconds(300 + 200))
    }

    /// The whole process group dies, grandchildren included, and the child is reaped (no zombie).
    func testTheProcessGroupIsKilledAndTheChildReaped() async throws {
        let scratch = try ScratchDirectory("exec")
        defer { scratch.remove() }
        let pids = scratch.file("pids")
        let script = "sleep 60 & echo $$ $! > \(pids); wait"
        let outcome = try await probe(["/bin/sh", "-c", script]).run(timeout: .milliseconds(500))
        XCTAssertEqual(outcome.detail, "killed after 500ms")

        let written = try String(contentsOfFile: pids, encoding: .utf8)
        let numbers = written.split(whereSeparator: \.isWhitespace).compactMap { Int32($0) }
        XCTAssertEqual(numbers.count, 2, "the script should have written its pid and its child's: \(written)")
        let (shell, grandchild) = (numbers[0], numbers[1])
        XCTAssertFalse(FileManager.default.fileExists(atPath: "/proc/\(shell)"),
                       "the direct child \(shell) must be reaped, not left a zombie")
        // The grandchild is reparented and reaped by init; it must at least be dead.
        let deadline = ContinuousClock.now + .seconds(2)
        while isAlive(grandchild), ContinuousClock.now < deadline {
            try await Task.sleep(for: .milliseconds(20))
        }
        XCTAssertFalse(isAlive(grandchild), "the grandchild \(grandchild) in the same process group must be killed")
    }

    func testBadSpecsAreRefused() {
        XCTAssertThrowsError(try probe([])) { XCTAssertEqual("\($0)", "exec.command is empty") }
        XCTAssertThrowsError(try probe([""])) { XCTAssertEqual("\($0)", "exec.command is empty") }
        XCTAssertThrowsError(try probe(["/bin/echo", "a\u{0}b"])) {
            XCTAssertEqual("\($0)", "exec.command contains a NUL byte")
        }
    }

    /// Running (or stopped) rather than gone or a zombie.
    private func isAlive(_ pid: Int32) -> Bool {
        guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
              let close = stat.lastIndex(of: ")") else { return false }
        let state = stat[stat.index(after: close)...].trimmingCharacters(in: .whitespaces).first
        return state != "Z" && state != "X"
    }
}
