import ControlSocket
import Foundation
import StatusProtocol
import XCTest

/// Runs the built `vipctl` against a real ControlServer. Skipped when the binary was not built
/// next to the test bundle (e.g. `swift build --target ControlSocketTests` only).
final class VipctlBinaryTests: XCTestCase {
    struct Run {
        var status: Int32
        var stdout: String
        var stderr: String
    }

    private func vipctlURL() throws -> URL {
        let directory = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath().deletingLastPathComponent()
        let url = directory.appendingPathComponent("vipctl")
        guard FileManager.default.isExecutableFile(atPath: url.path) else {
            throw XCTSkip("vipctl is not built in \(directory.path)")
        }
        return url
    }

    private func makeProcess(_ arguments: [String], environment: [String: String] = [:],
                             prefix: [String] = []) throws -> (Process, Pipe, Pipe) {
        let process = Process()
        let binary = try vipctlURL()
        if prefix.isEmpty {
            process.executableURL = binary
            process.arguments = arguments
        } else {
            process.executableURL = URL(fileURLWithPath: prefix[0])
            process.arguments = Array(prefix.dropFirst()) + [binary.path] + arguments
        }
        var env = ProcessInfo.processInfo.environment
        env.removeValue(forKey: "VIPCTL_SOCKET")
        env.merge(environment) { $1 }
        process.environment = env
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        return (process, out, err)
    }

    private func vipctl(_ arguments: [String], environment: [String: String] = [:],
                        prefix: [String] = []) async throws -> Run {
        let (process, out, err) = try makeProcess(arguments, environment: environment, prefix: prefix)
        return try await offPool {
            try process.run()
            let stdout = out.fileHandleForReading.readDataToEndOfFile()
            let stderr = err.fileHandleForReading.readDataToEndOfFile()
            process.waitUntilExit()
            return Run(status: process.terminationStatus, stdout: String(decoding: stdout, as: UTF8.self),
                       stderr: String(decoding: stderr, as: UTF8.self))
        }
    }

    func testStatusJSONIsTheDocumentExactly() async throws {
        let harness = try await startServer()
        let run = try await vipctl(["status", "--json", "--socket", harness.path])
        XCTAssertEqual(run.status, 0, run.stderr)
        XCTAssertEqual(run.stdout, ControlCodec.prettyJSON(Fixture.document()) + "\n")
        XCTAssertEqual(try JSONDecoder().decode(StatusDocument.self, from: Data(run.stdout.utf8)), Fixture.document())
    }

    func testStatusTableAndHistoryViaEnvironment() async throws {
        let harness = try await startServer()
        let env = ["VIPCTL_SOCKET": harness.path]
        let status = try await vipctl(["status"], environment: env)
        XCTAssertEqual(status.status, 0, status.stderr)
        let header = try XCTUnwrap(status.stdout.split(separator: "\n").first { $0.hasPrefix("VIP ") })
        for column in ["STATE", "INTERFACE", "MASTER", "PRIORITY", "HEALTH", "SINCE"] {
            XCTAssertTrue(header.contains(column), "missing \(column) in \(header)")
        }
        XCTAssertTrue(status.stdout.contains("m1 (10.77.0.11)"), status.stdout)

        let history = try await vipctl(["history"], environment: env)
        XCTAssertEqual(history.status, 0, history.stderr)
        XCTAssertEqual(history.stdout, StatusFormatter.history(Fixture.history))

        let json = try await vipctl(["history", "--json"], environment: env)
        XCTAssertEqual(try JSONDecoder().decode([HistoryEntry].self, from: Data(json.stdout.utf8)), Fixture.history)
    }

    func testStepDown() async throws {
        let harness = try await startServer()
        let ok = try await vipctl(["step-down", "--vip", "api", "--socket", harness.path])
        XCTAssertEqual(ok.status, 0, ok.stderr)
        XCTAssertEqual(ok.stdout, "api: handed over\n")
        let refused = try await vipctl(["step-down", "--vip", "unknown", "--socket", harness.path])
        XCTAssertEqual(refused.status, 1)
        XCTAssertTrue(refused.stderr.contains("no VIP named \"unknown\""), refused.stderr)
        XCTAssertEqual(harness.handler.stepDownRequests, ["api", "unknown"])
    }

    func testUnreachableAgentExitsOneWithAClearMessage() async throws {
        let directory = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let missing = try await vipctl(["status", "--socket", "\(directory)/status.sock"])
        XCTAssertEqual(missing.status, 1)
        XCTAssertEqual(missing.stderr, "vipctl: no agent socket at \(directory)/status.sock: is vip-agent running?\n")
        XCTAssertEqual(missing.stdout, "")

        let fromEnvironment = try await vipctl(["history"], environment: ["VIPCTL_SOCKET": "\(directory)/env.sock"])
        XCTAssertEqual(fromEnvironment.status, 1)
        XCTAssertTrue(fromEnvironment.stderr.contains("\(directory)/env.sock"), fromEnvironment.stderr)
    }

    func testPermissionDeniedIsExplained() async throws {
        guard getuid() == 0, FileManager.default.isExecutableFile(atPath: "/usr/bin/setpriv") else {
            throw XCTSkip("needs root and setpriv to run vipctl as another user")
        }
        let harness = try await startServer()
        // The harness directory is 0700 and the socket 0660 root-owned: nobody may not connect.
        let run = try await vipctl(["status", "--socket", harness.path],
                                   prefix: ["/usr/bin/setpriv", "--reuid=65534", "--regid=65534", "--clear-groups"])
        XCTAssertEqual(run.status, 1)
        XCTAssertTrue(run.stderr.contains("permission denied on \(harness.path): run as root or a member of the "
                                          + "socket's group"), run.stderr)
    }

    func testUsageErrorsExitTwo() async throws {
        for arguments in [["status", "--bogus"], ["frobnicate"], [], ["step-down", "--vip"]] {
            let run = try await vipctl(arguments)
            XCTAssertEqual(run.status, 2, "\(arguments): \(run.stderr)")
            XCTAssertFalse(run.stderr.isEmpty)
        }
        let help = try await vipctl(["--help"])
        XCTAssertEqual(help.status, 0)
        XCTAssertTrue(help.stdout.contains("step-down"))
    }

    func testWatchJSONPrintsOneDocumentPerUpdate() async throws {
        let harness = try await startServer()
        let (process, out, _) = try makeProcess(["status", "--watch", "--json", "--socket", harness.path])
        try process.run()
        defer { if process.isRunning { process.terminate() } }
        let reader = LineReader(out.fileHandleForReading)

        let first = try await offPool { reader.next() }
        XCTAssertEqual(first, ControlCodec.compactJSON(Fixture.document()))
        let subscribed = await eventually { harness.handler.subscriberCount == 1 }
        XCTAssertTrue(subscribed)

        let failedOver = Fixture.document(state: "BACKUP")
        harness.handler.publish(failedOver)
        let second = try await offPool { reader.next() }
        XCTAssertEqual(try JSONDecoder().decode(StatusDocument.self, from: Data(XCTUnwrap(second).utf8)), failedOver)

        process.terminate()
        try await offPool { process.waitUntilExit() }
        XCTAssertEqual(process.terminationReason, .uncaughtSignal, "vipctl --watch stops on SIGTERM")
        let unsubscribed = await eventually { harness.handler.subscriberCount == 0 }
        XCTAssertTrue(unsubscribed, "the agent should notice the watcher leaving")
    }

    func testWatchTableRedrawsOnEveryUpdate() async throws {
        let harness = try await startServer()
        let (process, out, _) = try makeProcess(["status", "--watch", "--socket", harness.path])
        try process.run()
        defer { if process.isRunning { process.terminate() } }
        let reader = LineReader(out.fileHandleForReading)
        let clear = "\u{1B}[H\u{1B}[2J"

        /// Lines up to and including the first VIP row of the next redraw.
        @Sendable func nextScreen() -> [String] {
            var lines: [String] = []
            while let line = reader.next() {
                lines.append(line)
                if lines.contains(where: { $0.contains(clear) }), line.hasPrefix("api ") { break }
            }
            return lines
        }
        let first = try await offPool { nextScreen() }
        XCTAssertTrue(first.first?.hasPrefix(clear) == true, "each redraw starts by clearing the screen")
        XCTAssertTrue(first.last?.contains("MASTER") == true, "\(first)")
        _ = await eventually { harness.handler.subscriberCount == 1 }

        harness.handler.publish(Fixture.document(state: "BACKUP"))
        let second = try await offPool { nextScreen() }
        XCTAssertTrue(second.contains { $0.contains(clear) })
        XCTAssertTrue(second.last?.contains("BACKUP") == true, "\(second)")
    }

    func testAgentOfAnotherProtocolVersionIsReported() async throws {
        let directory = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let path = "\(directory)/future.sock"
        let listener = try FakeAgentSocket(path: path, reply: "{\"version\":2,\"ok\":true,\"message\":\"hi\"}\n")
        defer { listener.close() }
        let run = try await vipctl(["status", "--socket", path])
        XCTAssertEqual(run.status, 1)
        XCTAssertTrue(run.stderr.contains("speaks control protocol version 2"), run.stderr)
    }
}

/// Reads lines from a pipe, blocking.
final class LineReader: @unchecked Sendable {
    private let handle: FileHandle
    private var buffer = Data()

    init(_ handle: FileHandle) { self.handle = handle }

    func next() -> String? {
        while true {
            if let newline = buffer.firstIndex(of: UInt8(ascii: "\n")) {
                let line = String(decoding: buffer[buffer.startIndex..<newline], as: UTF8.self)
                buffer = Data(buffer[(newline + 1)...])
                return line
            }
            let chunk = handle.availableData
            if chunk.isEmpty { return nil }
            buffer.append(chunk)
        }
    }
}

/// A one-shot unix socket server that answers any request with a fixed line.
final class FakeAgentSocket: @unchecked Sendable {
    private let fd: Int32

    init(path: String, reply: String) throws {
        fd = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0)
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        withUnsafeMutableBytes(of: &address.sun_path) { raw in
            for (i, byte) in path.utf8.enumerated() { raw[i] = byte }
        }
        let rc = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) }
        }
        guard rc == 0, listen(fd, 4) == 0 else { throw TestClient.Failure.io(errno) }
        let listening = fd
        Thread.detachNewThread {
            let client = accept(listening, nil, nil)
            guard client >= 0 else { return }
            var byte: UInt8 = 0
            while recv(client, &byte, 1, 0) == 1, byte != UInt8(ascii: "\n") {}
            let bytes = Array(reply.utf8)
            _ = bytes.withUnsafeBytes { send(client, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            Glibc.close(client)
        }
    }

    func close() { shutdown(fd, Int32(SHUT_RDWR)); Glibc.close(fd) }
}
