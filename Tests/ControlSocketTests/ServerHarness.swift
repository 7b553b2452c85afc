import ControlSocket
import Foundation
import Logging
import NIOCore
import StatusProtocol
import XCTest

/// A started ControlServer in its own temporary directory.
final class ServerHarness: Sendable {
    let directory: String
    let path: String
    let handler: FakeControlHandler
    let server: ControlServer

    init(handler: FakeControlHandler = FakeControlHandler(document: Fixture.document(), history: Fixture.history),
         group: String = "", writeTimeout: TimeAmount = .seconds(10), subdirectory: String = "run") throws {
        directory = try makeTemporaryDirectory()
        path = "\(directory)/\(subdirectory)/status.sock"
        self.handler = handler
        var logger = Logger(label: "control-socket-test")
        logger.logLevel = .critical
        server = ControlServer(path: path, group: group, handler: handler, logger: logger, writeTimeout: writeTimeout)
    }

    func start() async throws -> ServerHarness {
        try await server.start()
        return self
    }

    func connect() throws -> TestClient {
        try TestClient(path: path)
    }

    func shutdown() async {
        await server.stop()
        try? FileManager.default.removeItem(atPath: directory)
    }
}

func decodeResponse(_ line: String?, file: StaticString = #filePath, line number: UInt = #line) throws -> ControlResponse {
    let text = try XCTUnwrap(line, "connection closed before a response", file: file, line: number)
    return try ControlCodec.decodeResponse(text)
}

extension XCTestCase {
    /// Starts a server for this test; it is stopped and its directory removed after the test.
    func startServer(_ harness: @autoclosure () throws -> ServerHarness = try ServerHarness()) async throws -> ServerHarness {
        let started = try harness()
        addTeardownBlock { await started.shutdown() }
        return try await started.start()
    }
}
