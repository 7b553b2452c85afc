import Foundation
import Glibc
import Logging
import XCTest
@testable import SystemdIntegration

/// `sd_journal_sendv` writes to /run/systemd/journal/socket. Where no journald runs (a build
/// container), the test binds that socket itself and decodes what libsystemd sent.
final class JournalWriterTests: XCTestCase {
    private static let socketPath = "/run/systemd/journal/socket"

    private func fakeJournal() throws -> (DatagramListener, cleanup: () -> Void) {
        if FileManager.default.fileExists(atPath: Self.socketPath) {
            throw XCTSkip("a journal socket exists at \(Self.socketPath); not replacing a real journald")
        }
        let directory = (Self.socketPath as NSString).deletingLastPathComponent
        let created = !FileManager.default.fileExists(atPath: directory)
        do {
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        } catch {
            throw XCTSkip("cannot create \(directory) for a stand-in journal: \(error)")
        }
        let listener = try DatagramListener(path: Self.socketPath)
        return (listener, {
            unlink(Self.socketPath)
            if created { rmdir(directory) }
        })
    }

    func testFieldsReachTheJournalSocketIntact() throws {
        let (journal, cleanup) = try fakeJournal()
        defer { cleanup() }
        let fields = [JournalField("MESSAGE", "line one\nline two"), JournalField("PRIORITY", "4"),
                      JournalField("VIP", "api"), JournalField("REASON", "")]
        XCTAssertEqual(JournalWriter.send(fields), 0)
        let datagram = try XCTUnwrap(journal.receive(), "nothing arrived on the journal socket")
        let decoded = try XCTUnwrap(JournalNativeProtocol.decode(datagram))
        // libsystemd appends SYSLOG_IDENTIFIER= (the program name) when the entry has none.
        XCTAssertEqual(decoded.prefix(4).map(\.name), ["MESSAGE", "PRIORITY", "VIP", "REASON"])
        XCTAssertEqual(decoded.prefix(4).map(\.value), ["line one\nline two", "4", "api", ""])
        XCTAssertEqual(decoded.dropFirst(4).map(\.name), ["SYSLOG_IDENTIFIER"])
    }

    func testHandlerSendsStructuredEntry() throws {
        let (journal, cleanup) = try fakeJournal()
        defer { cleanup() }
        var logger = Logger(label: "test") { JournalLogHandler(label: $0, level: .debug) }
        logger[metadataKey: "node"] = "m1"
        logger.warning("health check failing", metadata: ["check": "apiserver", "vip": "api"])
        let decoded = try XCTUnwrap(journal.receive().flatMap(JournalNativeProtocol.decode))
        let byName = Dictionary(decoded.map { ($0.name, $0.value) }, uniquingKeysWith: { first, _ in first })
        XCTAssertEqual(byName["MESSAGE"], "health check failing")
        XCTAssertEqual(byName["PRIORITY"], "4")
        XCTAssertEqual(byName["SYSLOG_IDENTIFIER"], "vip-agent")
        XCTAssertEqual(byName["CHECK"], "apiserver")
        XCTAssertEqual(byName["VIP"], "api")
        XCTAssertEqual(byName["NODE"], "m1")
        XCTAssertEqual(byName["CODE_FUNC"], #function)
        XCTAssertTrue(byName["CODE_FILE"]?.hasSuffix("JournalWriterTests.swift") ?? false, "\(byName)")
    }

    func testHandlerFallsBackToStderrWhenTheJournalRefuses() {
        let logger = Logger(label: "test") { label in
            JournalLogHandler(label: label, level: .info, identifier: "vip-agent", metadataProvider: nil,
                              send: { _ in -EAGAIN })
        }
        let output = captureStderr {
            logger.error("cannot add 10.77.0.100/24 to eno1", metadata: ["vip": "api"])
        }
        XCTAssertTrue(output.hasSuffix(" error cannot add 10.77.0.100/24 to eno1 vip=api\n"),
                      "stderr: \(output.debugDescription)")
    }

    func testHandlerWritesNothingToStderrWhenTheJournalAccepts() {
        let logger = Logger(label: "test") { label in
            JournalLogHandler(label: label, level: .info, identifier: "vip-agent", metadataProvider: nil,
                              send: { _ in 0 })
        }
        XCTAssertEqual(captureStderr { logger.error("accepted") }, "")
    }
}
