import Foundation
import Logging
import XCTest
@testable import SystemdIntegration

final class PlainTextFormatterTests: XCTestCase {
    private let instant = Date(timeIntervalSince1970: 1_795_370_400.123)  // 2026-11-22T18:00:00.123Z

    func testOneLineWithTimeLevelMessageAndSortedMetadata() {
        let line = PlainTextFormatter.format(date: instant, level: .notice, message: "became MASTER",
                                             metadata: ["vip": "api", "state": "MASTER",
                                                        "reason": "no advert for 326ms"])
        XCTAssertEqual(line, #"2026-11-22T18:00:00.123Z notice became MASTER reason="no advert for 326ms" state=MASTER vip=api"#)
    }

    func testNoMetadata() {
        XCTAssertEqual(PlainTextFormatter.format(date: instant, level: .info, message: "ready", metadata: [:]),
                       "2026-11-22T18:00:00.123Z info ready")
    }

    func testLineBreaksAndQuotesAreEscaped() {
        let line = PlainTextFormatter.format(date: instant, level: .error, message: "first\nsecond",
                                             metadata: ["detail": "say \"hi\"\nnow", "empty": "", "eq": "a=b"])
        XCTAssertFalse(line.contains("\n"))
        XCTAssertEqual(line, #"2026-11-22T18:00:00.123Z error first\nsecond detail="say \"hi\"\nnow" empty="" eq="a=b""#)
    }

    func testTerminalControlCharactersAreEscaped() {
        let line = PlainTextFormatter.format(date: instant, level: .warning, message: "peer\u{1B}[2J says\thi",
                                             metadata: ["node": "m2\u{1B}[31m", "tab": "a\tb"])
        XCTAssertEqual(line, #"2026-11-22T18:00:00.123Z warning peer\u{1b}[2J says\thi node=m2\u{1b}[31m tab="a\tb""#)
    }

    func testStrangeClocksDoNotTrap() {
        XCTAssertEqual(PlainTextFormatter.timestamp(Date(timeIntervalSince1970: .nan)), "1970-01-01T00:00:00.000Z")
        XCTAssertTrue(PlainTextFormatter.timestamp(Date(timeIntervalSince1970: .infinity)).hasSuffix("Z"))
        XCTAssertTrue(PlainTextFormatter.timestamp(Date(timeIntervalSince1970: -.infinity)).hasSuffix("Z"))
    }

    func testTimestampIsUTCWithMilliseconds() {
        XCTAssertEqual(PlainTextFormatter.timestamp(Date(timeIntervalSince1970: 0)), "1970-01-01T00:00:00.000Z")
        XCTAssertEqual(PlainTextFormatter.timestamp(Date(timeIntervalSince1970: 86_399.999)), "1970-01-01T23:59:59.999Z")
        XCTAssertEqual(PlainTextFormatter.timestamp(Date(timeIntervalSince1970: -0.5)), "1969-12-31T23:59:59.500Z")
    }

    func testStderrHandlerWritesOneLinePerRecord() {
        var logger = Logger(label: "test") { StderrLogHandler(label: $0, level: .info) }
        logger[metadataKey: "node"] = "m1"
        let output = captureStderr {
            logger.info("joined", metadata: ["peer": "10.77.0.12"])
            logger.debug("not shown at info")
            logger.warning("lost", error: ListenerError("timed out"))
        }
        let lines = output.split(separator: "\n", omittingEmptySubsequences: false)
        XCTAssertEqual(lines.count, 3, output)
        XCTAssertTrue(lines[0].hasSuffix(" info joined node=m1 peer=10.77.0.12"), output)
        XCTAssertTrue(lines[1].hasSuffix(#" warning lost error="timed out" node=m1"#), output)
        XCTAssertEqual(lines[2], "")
    }
}
