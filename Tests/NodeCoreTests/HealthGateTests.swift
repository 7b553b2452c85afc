import ElectionProtocol
import XCTest
@testable import NodeCore

/// The health a VIP group advertises, from its checks and its interface's carrier.
final class HealthGateTests: XCTestCase {
    private func input(_ checks: [(String, Health)], carrier: Bool? = true) -> HealthGate.Input {
        HealthGate.Input(checks: checks.map { (name: $0.0, state: $0.1) }, carrier: carrier, interface: "eno1")
    }

    func testNoChecksAndCarrierIsHealthy() {
        let (health, why) = HealthGate.evaluate(input([]))
        XCTAssertEqual(health, .healthy)
        XCTAssertNil(why)
    }

    func testLostCarrierIsAnImplicitFailingCheck() {
        let (health, why) = HealthGate.evaluate(input([("apiserver", .healthy)], carrier: false))
        XCTAssertEqual(health, .unhealthy)
        XCTAssertEqual(why, "eno1: no carrier")
    }

    func testAnyFailingCheckNamesEveryFailingOne() {
        let (health, why) = HealthGate.evaluate(input([("apiserver", .unhealthy), ("etcd", .healthy), ("uplink", .unhealthy)]))
        XCTAssertEqual(health, .unhealthy)
        XCTAssertEqual(why, "failing: apiserver, uplink")
    }

    func testFailingOutranksPendingAndPendingOutranksHealthy() {
        XCTAssertEqual(HealthGate.evaluate(input([("a", .unknown), ("b", .unhealthy)])).health, .unhealthy)
        let (health, why) = HealthGate.evaluate(input([("a", .unknown), ("b", .healthy)]))
        XCTAssertEqual(health, .unknown)
        XCTAssertEqual(why, "no result yet: a")
    }

    func testUnknownCarrierDoesNotCountAsLost() {
        XCTAssertEqual(HealthGate.evaluate(input([("a", .healthy)], carrier: nil)).health, .healthy)
    }
}
