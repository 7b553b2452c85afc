import ControlSocket
import Foundation
import StatusProtocol
import XCTest

final class ControlServerWatchTests: XCTestCase {
    func testWatchSendsTheCurrentStatusThenEveryUpdateUntilTheClientLeaves() async throws {
        let harness = try await startServer()
        let client = try harness.connect()
        try client.send(ControlCodec.encode(ControlRequest.watch))
        let first = try await offPool { try decodeResponse(client.readLine()) }
        XCTAssertEqual(first, .status(Fixture.document()))
        let subscribed = await eventually { harness.handler.subscriberCount == 1 }
        XCTAssertTrue(subscribed, "the server should subscribe to status updates for a watch")

        let backup = Fixture.document(state: "BACKUP")
        harness.handler.publish(backup)
        let second = try await offPool { try decodeResponse(client.readLine()) }
        XCTAssertEqual(second, .status(backup))

        let fault = Fixture.document(state: "FAULT")
        harness.handler.publish(fault)
        let third = try await offPool { try decodeResponse(client.readLine()) }
        XCTAssertEqual(third, .status(fault))

        close(client.fd)  // the client goes away: the subscription must end
        let unsubscribed = await eventually { harness.handler.subscriberCount == 0 }
        XCTAssertTrue(unsubscribed, "the watch subscription should end when the client closes")
    }

    func testLinesSentAfterWatchAreIgnoredAndTheClientLeavingIsStillNoticed() async throws {
        let harness = try await startServer()
        let client = try harness.connect()
        var requests = ControlCodec.encode(ControlRequest.watch)
        for _ in 0..<50 { requests.append(ControlCodec.encode(ControlRequest.history)) }
        try client.send(requests)
        let first = try await offPool { try decodeResponse(client.readLine()) }
        XCTAssertEqual(first, .status(Fixture.document()))
        _ = await eventually { harness.handler.subscriberCount == 1 }

        let update = Fixture.document(state: "FAULT")
        harness.handler.publish(update)
        let second = try await offPool { try decodeResponse(client.readLine()) }
        XCTAssertEqual(second, .status(update), "a watch stream only carries status documents")

        close(client.fd)
        let unsubscribed = await eventually { harness.handler.subscriberCount == 0 }
        XCTAssertTrue(unsubscribed)
    }

    func testAClientThatNeverReadsDoesNotBlockOthersAndIsEventuallyDropped() async throws {
        let harness = try await startServer(try ServerHarness(writeTimeout: .milliseconds(500)))
        let stuck = try harness.connect()
        stuck.shrinkReceiveBuffer()
        try stuck.send(ControlCodec.encode(ControlRequest.watch))
        let subscribed = await eventually { harness.handler.subscriberCount == 1 }
        XCTAssertTrue(subscribed)

        // Flood the stuck watcher with large documents; publishing must never wait for it.
        let big = Fixture.document(vips: 400)
        let started = Date()
        for i in 0..<200 {
            var doc = big
            doc.counters.advertsSent = UInt64(i)
            harness.handler.publish(doc)
        }
        XCTAssertLessThan(Date().timeIntervalSince(started), 2, "publishing must not wait for a slow watcher")

        // Another client is served promptly meanwhile.
        let answer = try await offPool { () -> ControlResponse in
            let other = try harness.connect()
            try other.send(ControlCodec.encode(ControlRequest.status))
            return try decodeResponse(other.readLine())
        }
        guard case .status(let doc) = answer else { return XCTFail("expected a status, got \(answer)") }
        XCTAssertEqual(doc.counters.advertsSent, 199)

        // Keep publishing: the stuck client's pending write times out and it is disconnected.
        let dropped = await eventually(10) {
            harness.handler.publish(big)
            return harness.handler.subscriberCount == 0
        }
        XCTAssertTrue(dropped, "a watcher that never reads should be disconnected after the write timeout")
    }

    func testStopEndsWatchStreamsAndRemovesTheSocket() async throws {
        let harness = try ServerHarness()
        try await harness.server.start()
        let client = try harness.connect()
        try client.send(ControlCodec.encode(ControlRequest.watch))
        _ = try await offPool { try decodeResponse(client.readLine()) }

        await harness.server.stop()
        let end = try await offPool { try client.readLine() }
        XCTAssertNil(end, "the watch stream should end when the server stops")
        XCTAssertFalse(FileManager.default.fileExists(atPath: harness.path))
        let unsubscribed = await eventually { harness.handler.subscriberCount == 0 }
        XCTAssertTrue(unsubscribed)
        XCTAssertThrowsError(try harness.connect())
        await harness.shutdown()  // idempotent
    }
}
