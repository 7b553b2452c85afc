import Foundation
import Glibc
import XCTest
@testable import SystemdIntegration

/// `WATCHDOG_USEC` / `WATCHDOG_PID` as systemd sets them, read through `sd_watchdog_enabled`.
final class WatchdogIntervalTests: XCTestCase {
    override func setUp() {
        setenv("NOTIFY_SOCKET", "/run/vip-agent-test-unused.sock", 1)
        unsetenv("WATCHDOG_USEC")
        unsetenv("WATCHDOG_PID")
    }

    override func tearDown() {
        unsetenv("NOTIFY_SOCKET")
        unsetenv("WATCHDOG_USEC")
        unsetenv("WATCHDOG_PID")
    }

    func testNoWatchdogWhenUnset() throws {
        let notifier = try XCTUnwrap(SystemdNotifier.fromEnvironment())
        XCTAssertNil(notifier.watchdogInterval)
        XCTAssertNil(notifier.watchdogTimeout)
    }

    func testIntervalIsHalfTheWatchdogForThisProcess() throws {
        setenv("WATCHDOG_USEC", "10000000", 1)
        setenv("WATCHDOG_PID", "\(getpid())", 1)
        let notifier = try XCTUnwrap(SystemdNotifier.fromEnvironment())
        XCTAssertEqual(notifier.watchdogTimeout, .seconds(10))
        XCTAssertEqual(notifier.watchdogInterval, .seconds(5))
    }

    func testWatchdogPidMayBeAbsent() throws {
        setenv("WATCHDOG_USEC", "3000000", 1)
        let notifier = try XCTUnwrap(SystemdNotifier.fromEnvironment())
        XCTAssertEqual(notifier.watchdogInterval, .milliseconds(1500))
    }

    func testWatchdogMeantForAnotherProcessIsIgnored() throws {
        setenv("WATCHDOG_USEC", "10000000", 1)
        setenv("WATCHDOG_PID", "\(getpid() + 1)", 1)
        XCTAssertNil(try XCTUnwrap(SystemdNotifier.fromEnvironment()).watchdogInterval)
    }

    func testMalformedWatchdogSettingsAreIgnored() throws {
        for (usec, pid) in [("ten seconds", "\(getpid())"), ("0", "\(getpid())"), ("-5", "\(getpid())"),
                            ("10000000", "not-a-pid"), ("", "")] {
            setenv("WATCHDOG_USEC", usec, 1)
            setenv("WATCHDOG_PID", pid, 1)
            let notifier = try XCTUnwrap(SystemdNotifier.fromEnvironment())
            XCTAssertNil(notifier.watchdogInterval, "WATCHDOG_USEC=\(usec) WATCHDOG_PID=\(pid)")
        }
    }

    func testPingIntervalArithmetic() {
        XCTAssertEqual(WatchdogTiming.pingInterval(timeout: .seconds(10)), .seconds(5))
        XCTAssertEqual(WatchdogTiming.pingInterval(timeout: .milliseconds(1)), .microseconds(500))
        XCTAssertEqual(WatchdogTiming.timeout(microseconds: 2_500_000), .milliseconds(2500))
        XCTAssertEqual(WatchdogTiming.timeout(microseconds: .max), .microseconds(Int64.max))
    }
}
