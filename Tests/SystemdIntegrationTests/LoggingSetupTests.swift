import Glibc
import Logging
import XCTest
@testable import SystemdIntegration

final class LoggingSetupTests: XCTestCase {
    override func tearDown() {
        unsetenv("JOURNAL_STREAM")
    }

    func testJournalStreamParsing() {
        XCTAssertTrue(JournalStream.matches("64769:123456", device: 64769, inode: 123456))
        XCTAssertFalse(JournalStream.matches("64769:123457", device: 64769, inode: 123456))
        XCTAssertFalse(JournalStream.matches(nil, device: 1, inode: 2))
        for bad in ["", ":", "1:", ":2", "1:2:3", "a:b", "-1:2", "1 :2"] {
            XCTAssertNil(JournalStream.parse(bad), bad)
        }
    }

    func testStderrIsTheJournalOnlyWhenDeviceAndInodeMatch() {
        var info = stat()
        XCTAssertEqual(fstat(2, &info), 0)
        unsetenv("JOURNAL_STREAM")
        XCTAssertEqual(LoggingSetup.detectDestination(), .stderr(.text))
        setenv("JOURNAL_STREAM", "\(info.st_dev):\(info.st_ino)", 1)
        XCTAssertEqual(LoggingSetup.detectDestination(), .journal)
        setenv("JOURNAL_STREAM", "\(info.st_dev):\(info.st_ino + 1)", 1)
        XCTAssertEqual(LoggingSetup.detectDestination(), .stderr(.text))
        setenv("JOURNAL_STREAM", "garbage", 1)
        XCTAssertEqual(LoggingSetup.detectDestination(), .stderr(.text))
    }

    func testHandlersForEachDestination() {
        let journal = LoggingSetup.makeHandler(label: "l", level: .debug, destination: .journal)
        XCTAssertTrue(journal is JournalLogHandler)
        XCTAssertEqual(journal.logLevel, .debug)
        let plain = LoggingSetup.makeHandler(label: "l", level: .warning, destination: .stderr(.text))
        XCTAssertTrue(plain is StderrLogHandler)
        XCTAssertEqual(plain.logLevel, .warning)
    }
}
