@testable import AgentRuntime
import StatusProtocol
import XCTest

/// The warm-up release waits for what runs once after start: every VIP out of INIT, every check
/// run once (failed runs count: a failing server is warmed up too), the northbound database
/// reached when the gateway group is configured.
final class WarmUpTests: XCTestCase {
    private func vip(_ state: String) -> VIPStatus {
        VIPStatus(name: "api", address: "10.0.0.100/24", state: state, interface: "eth0", configuredInterface: "eth0",
                  priority: 150, effectivePriority: 150, since: "", reason: "")
    }

    private func check(successes: UInt64 = 0, failures: UInt64 = 0) -> CheckStatus {
        CheckStatus(name: "apiserver", healthy: failures == 0, since: "", detail: "", successes: successes, failures: failures)
    }

    private func gateway(connected: Bool) -> GatewayStatus {
        GatewayStatus(routerId: 60, state: "BACKUP", nbConnected: connected, nbDetail: "")
    }

    func testEveryPartMustHaveRunOnce() {
        let settled = StatusDocument(node: "m1", version: "", vips: [vip("MASTER"), vip("BACKUP")],
                                     checks: [check(successes: 1)], gateway: gateway(connected: true))
        XCTAssertTrue(WarmUp.isSettled(settled))

        var starting = settled
        starting.vips[1] = vip("INIT")
        XCTAssertFalse(WarmUp.isSettled(starting), "a VIP still in INIT")

        var unchecked = settled
        unchecked.checks.append(check())
        XCTAssertFalse(WarmUp.isSettled(unchecked), "a check that has not run yet")

        var failing = settled
        failing.checks = [check(failures: 1)]
        XCTAssertTrue(WarmUp.isSettled(failing), "a failed run is a run")

        var offline = settled
        offline.gateway = gateway(connected: false)
        XCTAssertFalse(WarmUp.isSettled(offline), "the northbound database not reached yet")

        var faulted = settled
        faulted.vips = [vip("FAULT")]
        faulted.gateway = nil
        faulted.checks = []
        XCTAssertTrue(WarmUp.isSettled(faulted), "FAULT is a decision too; no checks, no gateway")
    }
}
