import BasicTypes
import AgentConfig
import XCTest

final class DurationParserTests: XCTestCase {
    func testAcceptedForms() {
        let table: [(String, Duration)] = [
            ("20ms", .milliseconds(20)), ("1s", .seconds(1)), ("1m", .seconds(60)), ("1h", .seconds(3600)),
            ("500us", .microseconds(500)), ("500µs", .microseconds(500)), ("750ns", .nanoseconds(750)),
            ("1m30s", .seconds(90)), ("1.5s", .milliseconds(1500)), ("0.5ms", .microseconds(500)),
            ("0s", .zero), ("1h2m3s4ms", .seconds(3723) + .milliseconds(4)), (".5s", .milliseconds(500)),
            ("100ms", .milliseconds(100)), ("2.25m", .seconds(135)),
        ]
        for (text, expected) in table {
            XCTAssertEqual(DurationParser.parse(text), expected, text)
        }
    }

    func testRefusals() {
        let table: [(String, String)] = [
            ("", "empty duration"), ("1", "a unit is required"), ("0", "a unit is required"),
            ("1.5", "a unit is required"), ("-1s", "negative"), ("+1s", "sign"), ("1 s", "unknown unit \" s\""),
            ("1sec", "unknown unit \"sec\""), ("1d", "unknown unit \"d\""), ("s", "expected a number"),
            ("1.s", "digits after"), ("abc", "expected a number"), ("1s2", "a unit is required after \"2\""),
            ("99999999999999999999h", "too large"), ("9999999999h", "too large"),
        ]
        for (text, fragment) in table {
            XCTAssertNil(DurationParser.parse(text), text)
            guard case .failure(let failure) = DurationParser.parseOrExplain(text) else { continue }
            XCTAssertTrue(failure.description.contains(fragment), "\(text): \(failure.description)")
        }
    }

    func testFormatting() {
        let table: [(Duration, String)] = [
            (.zero, "0s"), (.milliseconds(326), "326ms"), (.milliseconds(1500), "1.5s"), (.seconds(1), "1s"),
            (.microseconds(500), "500us"), (.nanoseconds(750), "750ns"), (.seconds(90), "1m30s"),
            (.seconds(3600), "1h"), (.seconds(3660), "1h1m"), (.microseconds(1500), "1.5ms"),
            (.milliseconds(-20), "-20ms"), (.milliseconds(60_500), "1m0.5s"),
        ]
        for (duration, text) in table {
            XCTAssertEqual(formatDuration(duration), text)
        }
    }

    func testFormattingRoundTrips() {
        for duration: Duration in [.nanoseconds(1), .microseconds(7), .milliseconds(123), .seconds(59),
                                   .seconds(3723) + .milliseconds(4), .seconds(86_400)] {
            XCTAssertEqual(DurationParser.parse(formatDuration(duration)), duration, formatDuration(duration))
        }
    }
}
