import Foundation
import Logging
import XCTest
@testable import SystemdIntegration

final class LogSettingsTests: XCTestCase {
    func testFlagWinsOverTheEnvironmentWhichWinsOverTheDefault() throws {
        XCTAssertEqual(try LogSettings.resolve(level: nil, format: nil, environment: [:]).get(), LogSettings(level: .info, format: nil))
        let env = ["VIP_AGENT_LOG_LEVEL": "warning", "VIP_AGENT_LOG_FORMAT": "logfmt"]
        XCTAssertEqual(try LogSettings.resolve(level: nil, format: nil, environment: env).get(), LogSettings(level: .warning, format: .logfmt))
        XCTAssertEqual(try LogSettings.resolve(level: .debug, format: .json, environment: env).get(), LogSettings(level: .debug, format: .json))
        XCTAssertEqual(LogLevelName.allCases.map(\.rawValue), ["debug", "info", "notice", "warning", "error"])
        XCTAssertEqual(LogLevelName.notice.level, .notice)
        XCTAssertEqual(LogFormat.allCases.map(\.rawValue), ["text", "logfmt", "json"])
    }

    /// A bad value used to become `info` without a word.
    func testBadEnvironmentValuesAreRefusedAndNamed() {
        let result = LogSettings.resolve(level: nil, format: nil,
                                         environment: ["VIP_AGENT_LOG_LEVEL": "verbose", "VIP_AGENT_LOG_FORMAT": "xml\n"])
        guard case .failure(let error) = result else { return XCTFail("accepted \(result)") }
        XCTAssertEqual(error.problems, [
            #"VIP_AGENT_LOG_LEVEL: "verbose" is not one of debug, info, notice, warning, error"#,
            #"VIP_AGENT_LOG_FORMAT: "xml\n" is not one of text, logfmt, json"#,
        ])
        // Case matters, as for the flags; a flag makes a bad variable irrelevant.
        XCTAssertThrowsError(try LogSettings.resolve(level: nil, format: nil, environment: ["VIP_AGENT_LOG_LEVEL": "INFO"]).get())
        XCTAssertNoThrow(try LogSettings.resolve(level: .info, format: nil, environment: ["VIP_AGENT_LOG_LEVEL": "INFO"]).get())
    }

    private let date = Date(timeIntervalSince1970: 1_795_370_400.123)

    func testLogfmtLines() {
        let line = LogfmtFormatter.format(date: date, level: .notice, message: "became MASTER",
                                          metadata: ["vip": "api", "reason": "no advert for 326ms", "msg": "x", "empty": ""])
        XCTAssertEqual(line, #"time=2026-11-22T18:00:00.123Z level=notice msg="became MASTER" empty="" meta_msg=x reason="no advert for 326ms" vip=api"#)
        let hostile = LogfmtFormatter.format(date: date, level: .info, message: "a\nb=\"c\"", metadata: [:])
        XCTAssertFalse(hostile.contains("\n"))
        XCTAssertTrue(hostile.hasSuffix(#"msg="a\nb=\"c\"""#), hostile)
    }

    func testJSONLinesParseAndKeepTheirTypes() throws {
        let line = JSONLineFormatter.format(date: date, level: .error, message: "cannot add \"10.77.0.100/24\"\n\u{1}",
                                            metadata: ["vip": "api", "peers": ["m2", "m3"], "time": "shadow",
                                                       "detail": ["errno": "17"]])
        XCTAssertFalse(line.contains("\n"))
        let object = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
        XCTAssertEqual(object["time"] as? String, "2026-11-22T18:00:00.123Z")
        XCTAssertEqual(object["level"] as? String, "error")
        XCTAssertEqual(object["msg"] as? String, "cannot add \"10.77.0.100/24\"\n\u{1}")
        XCTAssertEqual(object["vip"] as? String, "api")
        XCTAssertEqual(object["peers"] as? [String], ["m2", "m3"])
        XCTAssertEqual(object["meta_time"] as? String, "shadow")
        XCTAssertEqual((object["detail"] as? [String: Any])?["errno"] as? String, "17")
        XCTAssertTrue(line.hasPrefix(#"{"time":"2026-11-22T18:00:00.123Z","level":"error","msg":"#), line)
    }

    func testStderrHandlerUsesItsFormat() {
        let handler = LoggingSetup.makeHandler(label: "l", level: .info, destination: .stderr(.json))
        XCTAssertEqual((handler as? StderrLogHandler)?.format, .json)
        XCTAssertTrue(StderrLogHandler.line(format: .logfmt, level: .info, message: "m", metadata: [:]).contains(" level=info msg=m"))
        XCTAssertTrue(StderrLogHandler.line(format: .text, level: .info, message: "m", metadata: [:]).hasSuffix(" info m"))
    }
}
