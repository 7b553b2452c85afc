import Logging
import XCTest
@testable import SystemdIntegration

final class JournalFieldsTests: XCTestCase {
    func testRecordBecomesFieldsWithUpperCasedMetadata() {
        let fields = JournalFields.build(
            level: .notice, message: "became MASTER",
            metadata: ["vip": "api", "state": "MASTER", "reason": "no advert for 326ms"],
            file: "AgentRuntime/Group/VIPGroup.swift", function: "apply(_:)", line: 42)
        XCTAssertEqual(fields.map(\.description), [
            "MESSAGE=became MASTER",
            "PRIORITY=5",
            "SYSLOG_IDENTIFIER=vip-agent",
            "CODE_FILE=AgentRuntime/Group/VIPGroup.swift",
            "CODE_LINE=42",
            "CODE_FUNC=apply(_:)",
            "REASON=no advert for 326ms",
            "STATE=MASTER",
            "VIP=api",
        ])
    }

    func testPriorityFollowsTheLevel() {
        let expected: [(Logger.Level, Int)] = [(.trace, 7), (.debug, 7), (.info, 6), (.notice, 5),
                                               (.warning, 4), (.error, 3), (.critical, 2)]
        for (level, priority) in expected {
            let fields = JournalFields.build(level: level, message: "m", metadata: [:],
                                             file: "f", function: "g", line: 1)
            XCTAssertEqual(fields.first { $0.name == "PRIORITY" }?.value, String(priority), "\(level)")
        }
    }

    func testMetadataKeysBecomeValidFieldNames() {
        XCTAssertEqual(JournalFields.fieldName(forMetadataKey: "vip"), "VIP")
        XCTAssertEqual(JournalFields.fieldName(forMetadataKey: "check-name"), "CHECK_NAME")
        XCTAssertEqual(JournalFields.fieldName(forMetadataKey: "peer.address"), "PEER_ADDRESS")
        XCTAssertEqual(JournalFields.fieldName(forMetadataKey: "_trusted"), "TRUSTED")
        XCTAssertEqual(JournalFields.fieldName(forMetadataKey: "9lives"), "META_9LIVES")
        XCTAssertEqual(JournalFields.fieldName(forMetadataKey: ""), "META_")
        XCTAssertEqual(JournalFields.fieldName(forMetadataKey: "état"), "TAT")
        XCTAssertEqual(JournalFields.fieldName(forMetadataKey: String(repeating: "k", count: 100)).count, 64)
    }

    func testMetadataCannotOverrideTheRecordsOwnFields() {
        let fields = JournalFields.build(level: .info, message: "real", metadata: ["message": "fake", "priority": "0"],
                                         file: "f", function: "g", line: 1)
        XCTAssertEqual(fields.filter { $0.name == "MESSAGE" }.map(\.value), ["real"])
        XCTAssertEqual(fields.filter { $0.name == "PRIORITY" }.map(\.value), ["6"])
        XCTAssertEqual(fields.first { $0.name == "META_MESSAGE" }?.value, "fake")
        XCTAssertEqual(fields.first { $0.name == "META_PRIORITY" }?.value, "0")
    }

    func testNestedMetadataIsRendered() {
        let fields = JournalFields.build(level: .info, message: "m",
                                         metadata: ["peers": ["10.77.0.12", "10.77.0.13"]],
                                         file: "f", function: "g", line: 1)
        XCTAssertEqual(fields.last, JournalField("PEERS", "[10.77.0.12, 10.77.0.13]"))
    }
}
