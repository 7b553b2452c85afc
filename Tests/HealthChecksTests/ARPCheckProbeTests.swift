@testable import HealthChecks
import NIOPosix
import XCTest

/// The `arp` check against a real kernel answering ARP, in a pair of network namespaces.
final class ARPCheckProbeTests: XCTestCase {
    private var pair: NetworkNamespacePair?

    override func setUpWithError() throws {
        if let reason = NetworkNamespacePair.unavailableReason() {
            throw XCTSkip("network namespaces unavailable, ARP namespace test skipped: \(reason)")
        }
        pair = try NetworkNamespacePair()
    }

    override func tearDown() {
        pair?.destroy()
        pair = nil
    }

    private func probe(_ pair: NetworkNamespacePair, target: [UInt8]? = nil) throws -> ARPCheckProbe {
        try ARPCheckProbe(target: target ?? pair.gatewayAddress, interface: pair.probeInterface,
                          prepareThread: pair.enterProbeNamespace)
    }

    func testTheGatewayAnswersWithItsMAC() async throws {
        let pair = try XCTUnwrap(pair)
        let outcome = try await probe(pair).run(timeout: .milliseconds(500))
        XCTAssertTrue(outcome.success, outcome.detail)
        XCTAssertEqual(outcome.detail, "reply from \(try pair.gatewayMAC())")
    }

    func testAnAddressNobodyHasGetsNoReplyWithinTheTimeout() async throws {
        let pair = try XCTUnwrap(pair)
        var silent = pair.gatewayAddress
        silent[3] = 77
        let started = ContinuousClock.now
        let outcome = try await probe(pair, target: silent).run(timeout: .milliseconds(300))
        let elapsed = ContinuousClock.now - started
        XCTAssertFalse(outcome.success)
        XCTAssertEqual(outcome.detail, "no ARP reply from \(ARPText.ipv4(silent)) on \(pair.probeInterface)")
        XCTAssertLessThan(elapsed, .milliseconds(300 + 200))
    }

    func testAMissingInterfaceIsAFailedRunNamingIt() async throws {
        let pair = try XCTUnwrap(pair)
        let probe = try ARPCheckProbe(target: pair.gatewayAddress, interface: "vck-missing",
                                      prepareThread: pair.enterProbeNamespace)
        let outcome = await probe.run(timeout: .milliseconds(300))
        XCTAssertFalse(outcome.success)
        XCTAssertTrue(outcome.detail.hasPrefix("ARP"), outcome.detail)
        XCTAssertTrue(outcome.detail.contains("vck-missing"), "the detail must name the interface: \(outcome.detail)")
    }

    /// Acceptance: the check turns unhealthy within fall × interval once the gateway stops answering.
    func testRunnerTurnsUnhealthyWithinFallTimesIntervalWhenTheGatewayGoesAway() async throws {
        let pair = try XCTUnwrap(pair)
        let interval: Duration = .milliseconds(200), fall = 3
        let log = ReportLog()
        let runner = CheckRunner(name: "uplink", probe: try probe(pair), interval: interval,
                                 timeout: .milliseconds(150), rise: 2, fall: fall,
                                 onReport: { report, changed in log.append(report, changed) })
        runner.start()
        defer { runner.stop() }
        let healthy = await log.wait(upTo: .seconds(3)) { $0.last?.report.state == .healthy }
        XCTAssertTrue(healthy, "uplink never became healthy: \(log.all.map(\.report.detail))")

        try pair.removeGatewayAddress()
        let removed = ContinuousClock.now
        let unhealthy = await log.wait(upTo: .seconds(5)) { $0.last?.report.state == .unhealthy }
        let elapsed = ContinuousClock.now - removed
        XCTAssertTrue(unhealthy, "uplink never became unhealthy: \(log.all.map(\.report.detail))")
        // fall × interval, plus one run's timeout for the run already under way, plus polling slack.
        XCTAssertLessThanOrEqual(elapsed, interval * fall + .milliseconds(150 + 100), "took \(elapsed)")
        let change = try XCTUnwrap(log.all.last { $0.changed })
        let noReply = "no ARP reply from \(ARPText.ipv4(pair.gatewayAddress)) on \(pair.probeInterface)"
        XCTAssertEqual(change.report.changeReason, "uplink: 3 failures: \(noReply)")
    }
}
