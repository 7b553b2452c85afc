import Foundation
import Glibc
import XCTest
@testable import SystemdIntegration

final class SystemdNotifierTests: XCTestCase {
    private var directory = ""

    override func setUpWithError() throws {
        directory = try makeTemporaryDirectory()
        unsetenv("WATCHDOG_USEC")
        unsetenv("WATCHDOG_PID")
    }

    override func tearDown() {
        unsetenv("NOTIFY_SOCKET")
        unsetenv("WATCHDOG_USEC")
        unsetenv("WATCHDOG_PID")
        try? FileManager.default.removeItem(atPath: directory)
    }

    func testNoNotifierWithoutNotifySocket() {
        unsetenv("NOTIFY_SOCKET")
        XCTAssertNil(SystemdNotifier.fromEnvironment())
        setenv("NOTIFY_SOCKET", "", 1)
        XCTAssertNil(SystemdNotifier.fromEnvironment())
    }

    func testMessagesArriveOnTheNotifySocket() throws {
        let listener = try DatagramListener(path: directory + "/notify.sock")
        setenv("NOTIFY_SOCKET", listener.path, 1)
        let notifier = try XCTUnwrap(SystemdNotifier.fromEnvironment())
        XCTAssertEqual(notifier.socketPath, listener.path)

        XCTAssertTrue(notifier.ready(status: "api MASTER on eno1"))
        XCTAssertEqual(listener.receiveText(), "READY=1\nSTATUS=api MASTER on eno1")

        XCTAssertTrue(notifier.status("api BACKUP (master m2)"))
        XCTAssertEqual(listener.receiveText(), "STATUS=api BACKUP (master m2)")

        XCTAssertTrue(notifier.watchdogPing())
        XCTAssertEqual(listener.receiveText(), "WATCHDOG=1")

        XCTAssertTrue(notifier.stopping())
        XCTAssertEqual(listener.receiveText(), "STOPPING=1")
    }

    func testStatusWithLineBreaksStaysOneAssignment() throws {
        let listener = try DatagramListener(path: directory + "/notify.sock")
        setenv("NOTIFY_SOCKET", listener.path, 1)
        let notifier = try XCTUnwrap(SystemdNotifier.fromEnvironment())
        notifier.status("api MASTER\nREADY=1")
        XCTAssertEqual(listener.receiveText(), "STATUS=api MASTER READY=1")
    }

    func testSendingToAMissingSocketReportsFailureWithoutCrashing() throws {
        setenv("NOTIFY_SOCKET", directory + "/nobody-listens.sock", 1)
        let notifier = try XCTUnwrap(SystemdNotifier.fromEnvironment())
        XCTAssertFalse(notifier.ready(status: "starting"))
        XCTAssertFalse(notifier.watchdogPing())
    }

    func testNotifyMessageText() {
        XCTAssertEqual(NotifyMessage.ready(status: nil), "READY=1")
        XCTAssertEqual(NotifyMessage.ready(status: "ok"), "READY=1\nSTATUS=ok")
        XCTAssertEqual(NotifyMessage.status("a\tb\r\nc"), "STATUS=a b  c")
    }
}
