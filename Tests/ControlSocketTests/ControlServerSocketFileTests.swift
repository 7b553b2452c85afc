import ControlSocket
import Foundation
import Logging
import StatusProtocol
import XCTest

final class ControlServerSocketFileTests: XCTestCase {
    private func fileStat(_ path: String) throws -> stat {
        var info = stat()
        guard lstat(path, &info) == 0 else { throw TestClient.Failure.io(errno) }
        return info
    }

    func testSocketIsCreatedInAMissingDirectoryWithMode0660() async throws {
        let harness = try await startServer(try ServerHarness(subdirectory: "deep/er/run"))
        let info = try fileStat(harness.path)
        XCTAssertEqual(info.st_mode & S_IFMT, S_IFSOCK)
        XCTAssertEqual(info.st_mode & 0o7777, 0o660)
        XCTAssertFalse(FileManager.default.fileExists(atPath: harness.path + ".new"))
    }

    func testSocketIsOwnedByTheConfiguredGroup() async throws {
        // Any group other than our own primary one shows that chown happened.
        let candidates = ["daemon", "bin", "sys", "adm", "nogroup"]
        guard let name = candidates.first(where: { getgrnam($0) != nil && getgrnam($0)!.pointee.gr_gid != getgid() })
        else { throw XCTSkip("no secondary group on this host") }
        let expected = getgrnam(name)!.pointee.gr_gid
        let harness = try await startServer(try ServerHarness(group: name))
        XCTAssertEqual(try fileStat(harness.path).st_gid, expected)

        let numeric = try await startServer(try ServerHarness(group: String(expected)))
        XCTAssertEqual(try fileStat(numeric.path).st_gid, expected)
    }

    func testUnknownGroupIsAnErrorNamingIt() async throws {
        let harness = try ServerHarness(group: "no-such-group-4711")
        addTeardownBlock { await harness.shutdown() }
        do {
            try await harness.server.start()
            XCTFail("start should fail for an unknown group")
        } catch let error as ControlServerError {
            XCTAssertEqual(error, .unknownGroup("no-such-group-4711"))
            XCTAssertTrue(error.description.contains("\"no-such-group-4711\""))
        }
        XCTAssertFalse(FileManager.default.fileExists(atPath: harness.path))
    }

    func testStaleSocketIsReplaced() async throws {
        let harness = try ServerHarness()
        addTeardownBlock { await harness.shutdown() }
        try FileManager.default.createDirectory(atPath: (harness.path as NSString).deletingLastPathComponent,
                                                withIntermediateDirectories: true)
        // A socket file nobody listens on, as a crashed agent leaves behind.
        let fd = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0)
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        withUnsafeMutableBytes(of: &address.sun_path) { raw in
            for (i, byte) in harness.path.utf8.enumerated() { raw[i] = byte }
        }
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) }
        }
        XCTAssertEqual(bound, 0)
        close(fd)
        XCTAssertEqual(try fileStat(harness.path).st_mode & S_IFMT, S_IFSOCK)

        try await harness.server.start()
        let answer = try await offPool { () -> ControlResponse in
            let client = try harness.connect()
            try client.send(ControlCodec.encode(ControlRequest.status))
            return try decodeResponse(client.readLine())
        }
        XCTAssertEqual(answer, .status(Fixture.document()))
    }

    func testLiveSocketIsRefusedAndLeftWorking() async throws {
        let first = try await startServer()
        var logger = Logger(label: "second")
        logger.logLevel = .critical
        let second = ControlServer(path: first.path, group: "", handler: FakeControlHandler(document: Fixture.document(node: "m9")),
                                   logger: logger)
        do {
            try await second.start()
            XCTFail("a second agent must not take over a live socket")
        } catch let error as ControlServerError {
            XCTAssertEqual(error, .alreadyServed(path: first.path))
            XCTAssertTrue(error.description.contains(first.path))
        }
        await second.stop()  // never started: no-op, must not remove the first agent's socket
        let answer = try await offPool { () -> ControlResponse in
            let client = try first.connect()
            try client.send(ControlCodec.encode(ControlRequest.status))
            return try decodeResponse(client.readLine())
        }
        XCTAssertEqual(answer, .status(Fixture.document()))
    }

    func testSomethingElseAtThePathIsLeftAlone() async throws {
        let harness = try ServerHarness()
        addTeardownBlock { await harness.shutdown() }
        try FileManager.default.createDirectory(atPath: (harness.path as NSString).deletingLastPathComponent,
                                                withIntermediateDirectories: true)
        try Data("precious".utf8).write(to: URL(fileURLWithPath: harness.path))
        do {
            try await harness.server.start()
            XCTFail("start should refuse a regular file at the socket path")
        } catch let error as ControlServerError {
            XCTAssertEqual(error, .notASocket(path: harness.path))
        }
        XCTAssertEqual(try String(contentsOfFile: harness.path, encoding: .utf8), "precious")
    }

    func testTooLongPathIsAnErrorNamingIt() async throws {
        let path = "/tmp/" + String(repeating: "x", count: 120) + "/status.sock"
        var logger = Logger(label: "long")
        logger.logLevel = .critical
        let server = ControlServer(path: path, group: "", handler: FakeControlHandler(document: Fixture.document()),
                                   logger: logger)
        do {
            try await server.start()
            XCTFail("start should refuse a path longer than sockaddr_un allows")
        } catch let error as ControlServerError {
            guard case .pathTooLong = error else { return XCTFail("unexpected \(error)") }
            XCTAssertTrue(error.description.contains(path))
        }
    }
}
