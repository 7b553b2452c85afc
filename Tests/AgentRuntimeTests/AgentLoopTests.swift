@testable import AgentRuntime
import BasicTypes
import ElectionProtocol
import Logging
import NIOConcurrencyHelpers
import NIOCore
import Dispatch
import XCTest
#if canImport(Glibc)
import Glibc
#endif

final class AgentLoopTests: XCTestCase {
    private var loop: AgentLoop!

    override func setUpWithError() throws {
        loop = try AgentLoop(name: "test-loop")
    }

    override func tearDown() {
        try? loop.syncShutdownGracefully()
        loop = nil
    }

    func testWorkHandedOverRunsOnTheLoopInOrder() throws {
        XCTAssertFalse(loop.inEventLoop)
        let seen = NIOLockedValueBox<[Int]>([])
        let onLoop = NIOLockedValueBox<[Bool]>([])
        let loop = self.loop!
        for n in 0..<100 {
            loop.execute {
                seen.withLockedValue { $0.append(n) }
                onLoop.withLockedValue { $0.append(loop.inEventLoop) }
            }
        }
        let name = try loop.submit { () -> String in
            String(decoding: (try? Data(contentsOf: URL(fileURLWithPath: "/proc/thread-self/comm"))) ?? Data(), as: UTF8.self)
        }.wait()
        XCTAssertEqual(seen.withLockedValue { $0 }, Array(0..<100))
        XCTAssertEqual(onLoop.withLockedValue { $0 }, Array(repeating: true, count: 100))
        XCTAssertEqual(name.trimmingCharacters(in: .whitespacesAndNewlines), "test-loop")
    }

    func testScheduledTasksRunAtTheirDeadlineEarliestFirstAndACancelledOneNever() throws {
        let order = NIOLockedValueBox<[String]>([])
        let start = NIODeadline.now()
        let late = loop.scheduleTask(in: .milliseconds(60)) { order.withLockedValue { $0.append("60") }; return NIODeadline.now() }
        let early = loop.scheduleTask(in: .milliseconds(20)) { order.withLockedValue { $0.append("20") }; return NIODeadline.now() }
        let cancelled = loop.scheduleTask(in: .milliseconds(40)) { order.withLockedValue { $0.append("40") } }
        cancelled.cancel()
        let ranEarly = try early.futureResult.wait(), ranLate = try late.futureResult.wait()
        XCTAssertEqual(order.withLockedValue { $0 }, ["20", "60"])
        XCTAssertGreaterThanOrEqual(ranEarly - start, .milliseconds(20), "never before the deadline")
        XCTAssertGreaterThanOrEqual(ranLate - start, .milliseconds(60))
        XCTAssertLessThan(ranLate - start, .milliseconds(500))
        XCTAssertThrowsError(try cancelled.futureResult.wait()) { error in
            XCTAssertEqual(error as? EventLoopError, .cancelled)
        }
    }

    func testATaskScheduledFromTheLoopForLaterShortensNoSleepAndAnEarlierOneWakesIt() throws {
        // The loop sleeps towards a task 5 s away; one scheduled from another thread for 10 ms
        // must wake it, not wait behind the long sleep.
        let far = loop.scheduleTask(in: .seconds(5)) {}
        let start = NIODeadline.now()
        let ran = try loop.scheduleTask(in: .milliseconds(10)) { NIODeadline.now() }.futureResult.wait()
        XCTAssertLessThan(ran - start, .milliseconds(500))
        far.cancel()
    }

    func testAWatchedSocketIsReadOnTheLoopUntilUnwatched() throws {
        let receiver = socket(AF_INET, Int32(SOCK_DGRAM.rawValue) | Int32(SOCK_NONBLOCK.rawValue), 0)
        let sender = socket(AF_INET, Int32(SOCK_DGRAM.rawValue), 0)
        defer { close(receiver); close(sender) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = UInt32(0x7f00_0001).bigEndian
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        XCTAssertEqual(withUnsafeMutablePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(receiver, $0, length) } }, 0)
        XCTAssertEqual(withUnsafeMutablePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(receiver, $0, &length) } }, 0)
        let received = NIOLockedValueBox<[String]>([])
        let loop = self.loop!
        try loop.submit {
            loop.watch(receiver) {
                var buffer = [UInt8](repeating: 0, count: 64)
                while true {
                    let n = recv(receiver, &buffer, buffer.count, 0)
                    guard n > 0 else { return }
                    received.withLockedValue { $0.append(String(decoding: buffer[0..<n], as: UTF8.self) + (loop.inEventLoop ? "" : "!")) }
                }
            }
        }.wait()
        func send(_ text: String) {
            _ = withUnsafePointer(to: &address) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { sendto(sender, text, text.utf8.count, 0, $0, length) }
            }
        }
        send("one")
        send("two")
        try waitUntil { received.withLockedValue { $0.count } == 2 }
        XCTAssertEqual(received.withLockedValue { $0 }, ["one", "two"], "read on the loop, in order")
        try loop.submit { loop.unwatch(receiver) }.wait()
        send("three")
        Thread.sleep(forTimeInterval: 0.1)
        try loop.submit {}.wait()
        XCTAssertEqual(received.withLockedValue { $0 }, ["one", "two"], "not read once unwatched")
    }

    func testShutdownFailsWhatIsScheduledAndRunsNothingMore() throws {
        let pending = loop.scheduleTask(in: .seconds(30)) {}
        let failure = NIOLockedValueBox<Error?>(nil)
        let failed = DispatchSemaphore(value: 0)
        pending.futureResult.whenFailure { error in
            failure.withLockedValue { $0 = error }
            failed.signal()
        }
        try loop.submit {}.wait()  // the callback is in place (registered through the loop)
        try loop.syncShutdownGracefully()
        XCTAssertEqual(failed.wait(timeout: .now() + 5), .success)
        XCTAssertEqual(failure.withLockedValue { $0 } as? EventLoopError, .shutdown)
        let ran = NIOLockedValueBox(false)
        loop.execute { ran.withLockedValue { $0 = true } }
        Thread.sleep(forTimeInterval: 0.1)
        XCTAssertFalse(ran.withLockedValue { $0 }, "a stopped loop runs nothing more")
    }

    /// The election socket on the loop: the sender's address as bytes, the datagram whole, and
    /// one longer than any advert cut to one byte more than the longest (dropped as oversized).
    func testTheElectionSocketHandsOverSenderAndBytes() throws {
        let loop = self.loop!
        let got = NIOLockedValueBox<[(NodeAddress?, Int, UInt8)]>([])
        let transport = try loop.submit {
            NIOLoopBound(try AdvertTransport.bind(on: loop, port: 0, bind: IPAddress(bytes: [127, 0, 0, 1]), logger: Logger(label: "test")) { source, bytes in
                got.withLockedValue { $0.append((source, bytes.count, bytes.first ?? 0)) }
            }, eventLoop: loop)
        }.wait()
        let port = try XCTUnwrap(try loop.submit { transport.value.localPort }.wait())
        let sender = socket(AF_INET, Int32(SOCK_DGRAM.rawValue), 0)
        defer { close(sender) }
        var to = sockaddr_in()
        to.sin_family = sa_family_t(AF_INET)
        to.sin_port = port.bigEndian
        to.sin_addr.s_addr = UInt32(0x7f00_0001).bigEndian
        for (size, first) in [(40, UInt8(1)), (9000, UInt8(2))] {
            let bytes = [UInt8](repeating: first, count: size)
            _ = withUnsafePointer(to: &to) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { sendto(sender, bytes, size, 0, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
            }
        }
        try waitUntil { got.withLockedValue { $0.count } == 2 }
        let seen = got.withLockedValue { $0 }
        XCTAssertEqual(seen[0].0, NodeAddress(bytes: [127, 0, 0, 1]))
        XCTAssertEqual(seen[0].1, 40)
        XCTAssertEqual(seen[0].2, 1)
        XCTAssertEqual(seen[1].1, AdvertCodec.maxLength + 1, "cut one byte past the longest advert")
        XCTAssertEqual(seen[1].2, 2)
        try loop.submit { transport.value.close() }.wait()
    }

    private func waitUntil(_ condition: () -> Bool, file: StaticString = #filePath, line: UInt = #line) throws {
        let deadline = Date().addingTimeInterval(5)
        while !condition() {
            guard Date() < deadline else { return XCTFail("timed out", file: file, line: line) }
            Thread.sleep(forTimeInterval: 0.01)
        }
    }
}
