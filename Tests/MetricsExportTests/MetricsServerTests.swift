import Foundation
import Logging
import MetricsExport
import NIOConcurrencyHelpers
import NIOCore
import NIOPosix
import XCTest
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

final class MetricsServerTests: XCTestCase {
    private func startServer(_ metrics: AgentMetrics, refresh: MetricsRefresh? = nil, liveness: LivenessProbe? = nil,
                             livenessTimeout: TimeAmount = .seconds(1)) async throws -> MetricsServer {
        var logger = Logger(label: "metrics-test")
        logger.logLevel = .critical
        let server = MetricsServer(host: "127.0.0.1", port: 0, metrics: metrics, logger: logger,
                                   refresh: refresh, liveness: liveness, livenessTimeout: livenessTimeout)
        try await server.start()
        addTeardownBlock { await server.stop() }
        return server
    }

    /// A raw HTTP/1.1 exchange (no client library between us and the server).
    private func get(_ port: Int, _ requestLine: String) async throws -> (status: Int, headers: String, body: String) {
        try await withCheckedThrowingContinuation { continuation in
            Thread.detachNewThread {
                continuation.resume(with: Result {
                    let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
                    defer { close(fd) }
                    var address = sockaddr_in()
                    address.sin_family = sa_family_t(AF_INET)
                    address.sin_port = in_port_t(UInt16(port).bigEndian)
                    address.sin_addr.s_addr = inet_addr("127.0.0.1")
                    let rc = withUnsafePointer(to: &address) {
                        $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                            connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
                        }
                    }
                    guard rc == 0 else { throw POSIXError(.ECONNREFUSED) }
                    var timeout = timeval(tv_sec: 5, tv_usec: 0)
                    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
                    let request = Array("\(requestLine)\r\nHost: localhost\r\nConnection: close\r\n\r\n".utf8)
                    _ = request.withUnsafeBytes { send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
                    var response: [UInt8] = []
                    var chunk = [UInt8](repeating: 0, count: 65_536)
                    while true {
                        let n = chunk.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
                        if n <= 0 { break }
                        response += chunk[..<n]
                    }
                    let text = String(decoding: response, as: UTF8.self)
                    guard let split = text.range(of: "\r\n\r\n") else { throw POSIXError(.EBADMSG) }
                    let head = String(text[..<split.lowerBound])
                    let status = Int(head.split(separator: " ").dropFirst().first ?? "") ?? 0
                    return (status, head, String(text[split.upperBound...]))
                })
            }
        }
    }

    func testGetMetricsServesTheExposition() async throws {
        let metrics = AgentMetrics()
        let server = try await startServer(metrics)
        let port = try XCTUnwrap(server.boundPort)
        XCTAssertNotEqual(port, 0)

        metrics.transition(vip: "api", to: "MASTER")
        metrics.advertSent(vip: "api")
        let first = try await get(port, "GET /metrics HTTP/1.1")
        XCTAssertEqual(first.status, 200)
        XCTAssertTrue(first.headers.lowercased().contains("content-type: text/plain; version=0.0.4"), first.headers)
        XCTAssertEqual(sample(first.body, #"vip_agent_adverts_sent_total{vip="api"}"#), 1)
        XCTAssertEqual(sample(first.body, #"vip_agent_vip_state{vip="api",state="MASTER"}"#), 1)

        // The counters move between scrapes.
        metrics.advertSent(vip: "api")
        metrics.advertSent(vip: "api")
        metrics.transition(vip: "api", to: "BACKUP")
        let second = try await get(port, "GET /metrics?x=1 HTTP/1.1")
        XCTAssertEqual(sample(second.body, #"vip_agent_adverts_sent_total{vip="api"}"#), 3)
        XCTAssertEqual(sample(second.body, #"vip_agent_vip_state{vip="api",state="MASTER"}"#), 0)
        XCTAssertEqual(sample(second.body, #"vip_agent_vip_state{vip="api",state="BACKUP"}"#), 1)
    }

    /// Counters kept elsewhere (the agent's advert tally) are brought in by `refresh` before every
    /// `/metrics` answer, on another loop, and only for `/metrics`; a failed refresh still answers.
    func testRefreshRunsBeforeEveryMetricsAnswer() async throws {
        let metrics = AgentMetrics()
        let elsewhere = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        addTeardownBlock { try? await elsewhere.shutdownGracefully() }
        let loop = elsewhere.next()
        let pending = NIOLockedValueBox(0), refreshes = NIOLockedValueBox(0), failNext = NIOLockedValueBox(false)
        let server = try await startServer(metrics, refresh: {
            loop.submit {
                refreshes.withLockedValue { $0 += 1 }
                if failNext.withLockedValue({ $0 }) { throw POSIXError(.EIO) }
                let counted = pending.withLockedValue { value in defer { value = 0 }; return value }
                metrics.advertsCounted(sent: ["api": Int64(counted)], received: [:])
            }
        })
        let port = try XCTUnwrap(server.boundPort)
        pending.withLockedValue { $0 = 4 }
        let first = try await get(port, "GET /metrics HTTP/1.1")
        XCTAssertEqual(sample(first.body, #"vip_agent_adverts_sent_total{vip="api"}"#), 4, "counted before the answer")
        pending.withLockedValue { $0 = 3 }
        let second = try await get(port, "GET /metrics HTTP/1.1")
        XCTAssertEqual(sample(second.body, #"vip_agent_adverts_sent_total{vip="api"}"#), 7)
        _ = try await get(port, "GET /healthz HTTP/1.1")
        XCTAssertEqual(refreshes.withLockedValue { $0 }, 2, "only /metrics refreshes")
        failNext.withLockedValue { $0 = true }
        pending.withLockedValue { $0 = 5 }
        let failed = try await get(port, "GET /metrics HTTP/1.1")
        XCTAssertEqual(failed.status, 200, "a failed refresh still answers with what is there")
        XCTAssertEqual(sample(failed.body, #"vip_agent_adverts_sent_total{vip="api"}"#), 7)
    }

    func testOtherPathsAre404AndOtherMethods405() async throws {
        let server = try await startServer(AgentMetrics())
        let port = try XCTUnwrap(server.boundPort)
        let missing = try await get(port, "GET / HTTP/1.1")
        XCTAssertEqual(missing.status, 404)
        XCTAssertFalse(missing.body.contains("vip_agent_"))
        let nested = try await get(port, "GET /metrics/extra HTTP/1.1")
        XCTAssertEqual(nested.status, 404)
        let post = try await get(port, "POST /metrics HTTP/1.1")
        XCTAssertEqual(post.status, 405)
    }

    // MARK: /healthz

    /// The probe hops onto a real event loop (as the runtime does with the agent's): 200 while
    /// the loop turns, 503 within the timeout while it is blocked, 200 again once it is free.
    func testHealthzFollowsTheWatchedEventLoop() async throws {
        let watched = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        let loop = watched.next()
        let server = try await startServer(AgentMetrics(), liveness: { loop.submit {} },
                                           livenessTimeout: .milliseconds(200))
        let port = try XCTUnwrap(server.boundPort)

        let alive = try await get(port, "GET /healthz HTTP/1.1")
        XCTAssertEqual(alive.status, 200, alive.body)
        XCTAssertEqual(alive.body, "ok\n")

        // Stick the loop for 1.5 s: the probe cannot run on it.
        let stuck = loop.submit { Thread.sleep(forTimeInterval: 1.5) }
        let started = Date()
        let blocked = try await get(port, "GET /healthz HTTP/1.1")
        let waited = Date().timeIntervalSince(started)
        XCTAssertEqual(blocked.status, 503, blocked.body)
        XCTAssertTrue(blocked.body.contains("did not answer within 200ms"), blocked.body)
        XCTAssertLessThan(waited, 1.0, "the answer came after the timeout, not after the loop freed up")
        XCTAssertGreaterThanOrEqual(waited, 0.19)
        // /metrics does not depend on the watched loop.
        let metricsWhileStuck = try await get(port, "GET /metrics HTTP/1.1")
        XCTAssertEqual(metricsWhileStuck.status, 200)
        try await stuck.get()
        // The late answers of the probes that timed out are ignored; a new probe passes.
        let again = try await get(port, "GET /healthz HTTP/1.1")
        XCTAssertEqual(again.status, 200, again.body)

        try await watched.shutdownGracefully()
    }

    /// A probe that fails (the runtime's loop refusing work) is a 503 at once, not a time-out.
    /// (A shut-down NIO loop never completes `submit`'s promise, and debug builds trap on that
    /// leak, so the failure is injected directly.)
    func testHealthzIsUnavailableWhenTheProbeFails() async throws {
        struct LoopGone: Error, CustomStringConvertible { var description: String { "event loop shut down" } }
        let server = try await startServer(AgentMetrics(), liveness: {
            MultiThreadedEventLoopGroup.singleton.next().makeFailedFuture(LoopGone())
        })
        let port = try XCTUnwrap(server.boundPort)
        let started = Date()
        let gone = try await get(port, "GET /healthz HTTP/1.1")
        XCTAssertEqual(gone.status, 503, gone.body)
        XCTAssertEqual(gone.body, "the agent's event loop is gone: event loop shut down\n")
        XCTAssertLessThan(Date().timeIntervalSince(started), 0.9, "a failure answers without waiting for the time-out")
    }

    func testHealthzWithoutAProbeAndItsMethods() async throws {
        let server = try await startServer(AgentMetrics())
        let port = try XCTUnwrap(server.boundPort)
        let ok = try await get(port, "GET /healthz HTTP/1.1")
        XCTAssertEqual(ok.status, 200)
        let head = try await get(port, "HEAD /healthz HTTP/1.1")
        XCTAssertEqual(head.status, 200)
        XCTAssertEqual(head.body, "")
        let post = try await get(port, "POST /healthz HTTP/1.1")
        XCTAssertEqual(post.status, 405)
    }

    func testGarbageRequestDoesNotTakeTheServerDown() async throws {
        let metrics = AgentMetrics()
        let server = try await startServer(metrics)
        let port = try XCTUnwrap(server.boundPort)
        _ = try? await get(port, "\u{01}\u{02} nonsense")
        let after = try await get(port, "GET /metrics HTTP/1.1")
        XCTAssertEqual(after.status, 200)
    }

    func testBindFailureNamesTheAddress() async throws {
        let metrics = AgentMetrics()
        let first = try await startServer(metrics)
        let port = try XCTUnwrap(first.boundPort)
        let second = MetricsServer(host: "127.0.0.1", port: port, metrics: metrics, logger: Logger(label: "x"))
        do {
            try await second.start()
            await second.stop()
            XCTFail("binding a port in use should fail")
        } catch let error as MetricsServerError {
            XCTAssertTrue(error.description.contains("127.0.0.1:\(port)"), error.description)
        }
        let invalid = MetricsServer(host: "127.0.0.1", port: 70_000, metrics: metrics, logger: Logger(label: "x"))
        do {
            try await invalid.start()
            XCTFail("port 70000 should be refused")
        } catch let error as MetricsServerError {
            XCTAssertTrue(error.description.contains("70000"), error.description)
        }
    }

    func testStopClosesTheListener() async throws {
        var logger = Logger(label: "metrics-test")
        logger.logLevel = .critical
        let server = MetricsServer(host: "127.0.0.1", port: 0, metrics: AgentMetrics(), logger: logger)
        try await server.start()
        let port = try XCTUnwrap(server.boundPort)
        await server.stop()
        XCTAssertNil(server.boundPort)
        do {
            _ = try await get(port, "GET /metrics HTTP/1.1")
            XCTFail("the listener should be closed")
        } catch {}
    }
}
