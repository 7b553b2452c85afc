import XCTest
@testable import AgentRuntime

/// Send failures are counted per peer and reported at most once a minute per peer.
final class SendErrorLedgerTests: XCTestCase {
    func testCountsEveryFailureAndReportsOncePerMinutePerPeer() {
        let ledger = SendErrorLedger(logIntervalNanoseconds: 60_000_000_000)
        var seen: [String] = []
        ledger.onFailure.append { seen.append($0) }
        let second: UInt64 = 1_000_000_000
        XCTAssertEqual(ledger.record(peer: "10.77.0.12", now: 0), 1, "the first failure is reported")
        for t in 1...599 {  // every 100 ms for a minute
            XCTAssertNil(ledger.record(peer: "10.77.0.12", now: UInt64(t) * second / 10))
        }
        XCTAssertEqual(ledger.record(peer: "10.77.0.13", now: 30 * second), 1, "another peer has its own minute")
        XCTAssertEqual(ledger.record(peer: "10.77.0.12", now: 60 * second), 600, "the report sums the quiet minute")
        XCTAssertEqual(ledger.count(for: "10.77.0.12"), 601)
        XCTAssertEqual(ledger.count(for: "10.77.0.13"), 1)
        XCTAssertEqual(ledger.count(for: "10.77.0.14"), 0)
        XCTAssertEqual(seen.count, 602, "metrics see every failure")
    }
}
