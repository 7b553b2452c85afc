import Foundation
import XCTest
import HostPlumbing

final class NetlinkMonitorNamespaceTests: XCTestCase {
    private var ns: NetworkNamespace!

    override func setUpWithError() throws {
        ns = try NetworkNamespace()
        try ns.addLink("dummy0")
    }

    override func tearDown() {
        ns?.destroy()
        ns = nil
    }

    func testCallsBackSoonAfterAddressAndLinkEvents() throws {
        let events = DispatchSemaphore(value: 0)
        let monitor = try ns.enter { try NetlinkMonitor { events.signal() } }
        defer { monitor.stop() }
        while events.wait(timeout: .now() + .milliseconds(100)) == .success {}  // settle

        try ns.ip("addr", "add", "10.77.0.5/24", "dev", "dummy0")
        XCTAssertEqual(events.wait(timeout: .now() + .milliseconds(200)), .success, "IPv4 address event")
        while events.wait(timeout: .now() + .milliseconds(50)) == .success {}

        try ns.ip("addr", "add", "fd00:77::5/64", "dev", "dummy0", "nodad")
        XCTAssertEqual(events.wait(timeout: .now() + .milliseconds(200)), .success, "IPv6 address event")
        while events.wait(timeout: .now() + .milliseconds(50)) == .success {}

        try ns.ip("link", "set", "dummy0", "down")
        XCTAssertEqual(events.wait(timeout: .now() + .milliseconds(200)), .success, "link event")
    }

    func testStopEndsCallbacksAndIsIdempotent() throws {
        let count = Counter()
        let monitor = try ns.enter { try NetlinkMonitor { count.increment() } }
        monitor.stop()
        monitor.stop()
        let before = count.value
        try ns.ip("addr", "add", "10.77.0.6/24", "dev", "dummy0")
        Thread.sleep(forTimeInterval: 0.1)
        XCTAssertEqual(count.value, before)
    }

    func testDroppingTheMonitorWithoutStopIsSafe() throws {
        for _ in 0..<20 {
            _ = try ns.enter { try NetlinkMonitor {} }
        }
    }

    func testStopFromInsideTheCallbackDoesNotDeadlock() throws {
        let done = DispatchSemaphore(value: 0)
        let box = MonitorBox()
        box.monitor = try ns.enter {
            try NetlinkMonitor {
                box.monitor?.stop()
                done.signal()
            }
        }
        try ns.ip("addr", "add", "10.77.0.7/24", "dev", "dummy0")
        XCTAssertEqual(done.wait(timeout: .now() + .seconds(2)), .success)
        box.monitor = nil
    }
}

private final class Counter: @unchecked Sendable {
    private let lock = NSLock()
    private var count = 0
    func increment() { lock.lock(); count += 1; lock.unlock() }
    var value: Int { lock.lock(); defer { lock.unlock() }; return count }
}

private final class MonitorBox: @unchecked Sendable {
    private let lock = NSLock()
    private var stored: NetlinkMonitor?
    var monitor: NetlinkMonitor? {
        get { lock.lock(); defer { lock.unlock() }; return stored }
        set { lock.lock(); stored = newValue; lock.unlock() }
    }
}
