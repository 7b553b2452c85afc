import HealthChecks
import NIOPosix
import XCTest

final class TCPProbeTests: XCTestCase {
    private func probe(host: String = "127.0.0.1", port: Int) throws -> Probe {
        try makeProbe(.tcp(host: host, port: port), eventLoopGroup: MultiThreadedEventLoopGroup.singleton)
    }

    func testConnectsToAListener() async throws {
        let listener = try PlainListener()
        defer { listener.close() }
        let outcome = try await probe(port: listener.port).run(timeout: .seconds(2))
        XCTAssertTrue(outcome.success, outcome.detail)
        XCTAssertEqual(outcome.detail, "connected to 127.0.0.1:\(listener.port)")
    }

    func testClosedPortIsConnectionRefused() async throws {
        let port = try closedTCPPort()
        let started = ContinuousClock.now
        let outcome = try await probe(port: port).run(timeout: .seconds(2))
        XCTAssertFalse(outcome.success)
        XCTAssertEqual(outcome.detail, "connection refused")
        XCTAssertLessThan(ContinuousClock.now - started, .seconds(1), "a refusal is reported at once, not at the timeout")
    }

    func testUnroutableAddressTimesOutAtTheTimeout() async throws {
        // 192.0.2.0/24 (TEST-NET-1) is never routed; without a default route the connect fails at once
        // instead, which is also a failure: only the timing is conditional.
        let started = ContinuousClock.now
        let outcome = try await probe(host: "192.0.2.1", port: 6443).run(timeout: .milliseconds(300))
        let elapsed = ContinuousClock.now - started
        XCTAssertFalse(outcome.success)
        XCTAssertLessThan(elapsed, .milliseconds(300 + 200))
        if elapsed >= .milliseconds(290) {
            XCTAssertEqual(outcome.detail, "timed out after 300ms")
        }
    }

    func testBadSpecsAreRefused() {
        XCTAssertThrowsError(try probe(host: "", port: 80)) { error in
            XCTAssertEqual("\(error)", "tcp.address: the host is empty")
        }
        XCTAssertThrowsError(try probe(port: 0)) { error in
            XCTAssertEqual("\(error)", "tcp.address: port 0 is outside 1..65535")
        }
        XCTAssertThrowsError(try probe(port: 70000))
    }
}
