import Foundation
import XCTest
@testable import StatusProtocol

final class TimestampTests: XCTestCase {
    func testFormatsUTCSeconds() {
        XCTAssertEqual(isoTimestamp(Date(timeIntervalSince1970: 0)), "1970-01-01T00:00:00Z")
        XCTAssertEqual(isoTimestamp(Date(timeIntervalSince1970: 1_795_370_400.999)), "2026-11-22T18:00:00Z")
        XCTAssertEqual(isoTimestamp(Date(timeIntervalSince1970: 951_782_400)), "2000-02-29T00:00:00Z")
        XCTAssertEqual(isoTimestamp(Date(timeIntervalSince1970: -1)), "1969-12-31T23:59:59Z")
    }

    func testAgreesWithFoundationFormatter() {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime]
        var generator = SystemRandomNumberGenerator()
        for _ in 0..<2000 {
            let date = Date(timeIntervalSince1970: Double(Int64.random(in: -2_000_000_000...8_000_000_000,
                                                                      using: &generator)))
            XCTAssertEqual(isoTimestamp(date), formatter.string(from: date))
            XCTAssertEqual(parseIsoTimestamp(isoTimestamp(date)), date)
        }
    }

    func testExtremeDatesDoNotCrash() {
        XCTAssertEqual(isoTimestamp(.distantFuture).count, 20)
        XCTAssertEqual(isoTimestamp(.distantPast).count, 20)
        XCTAssertEqual(isoTimestamp(Date(timeIntervalSince1970: .nan)), "1970-01-01T00:00:00Z")
    }

    func testParsing() {
        XCTAssertEqual(parseIsoTimestamp("2026-11-22T18:00:00Z"), Date(timeIntervalSince1970: 1_795_370_400))
        XCTAssertEqual(parseIsoTimestamp("2026-11-22T18:00:00.5Z"), Date(timeIntervalSince1970: 1_795_370_400.5))
        for bad in ["", "…", "2026-11-22 18:00:00Z", "2026-13-22T18:00:00Z", "2026-11-22T18:00:00",
                    "2026-11-22T18:00:00.Z", "2026-11-22T18:00:00." + String(repeating: "9", count: 40) + "Z",
                    "2026-11-22T18:00:00+01:00", "abcd-ef-ghTij:kl:mnZ"] {
            XCTAssertNil(parseIsoTimestamp(bad), bad)
        }
    }
}
