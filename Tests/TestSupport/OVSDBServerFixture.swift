import Foundation
import XCTest

/// A real `ovsdb-server` serving a fresh OVN northbound database in a temporary directory, listening on
/// a unix socket and on a TCP port of 127.0.0.1. Stopped (and the directory removed) by `shutdown()`.
public final class OVSDBServerFixture {
    public static let schema = "/usr/share/ovn/ovn-nb.ovsschema"
    public static let serverBinary = "/usr/sbin/ovsdb-server"

    public let directory: URL
    public let tcpPort: Int
    public let schema: String
    /// With `tls: true`: a `pssl:` listener and the PEM files of a test CA, the server and a client.
    public let sslPort: Int?
    private var process: Process?

    public var socketPath: String { directory.appendingPathComponent("nb.sock").path }
    public var unixRemote: String { "unix:\(socketPath)" }
    public var tcpRemote: String { "tcp:127.0.0.1:\(tcpPort)" }
    public var sslRemote: String { "ssl:127.0.0.1:\(sslPort ?? 0)" }
    public func file(_ name: String) -> String { directory.appendingPathComponent(name).path }

    /// Skips the test when the OVN packages are not installed.
    public static func skipUnlessInstalled() throws {
        for path in [serverBinary, "/usr/bin/ovsdb-tool", "/usr/bin/ovn-nbctl", schema]
        where !FileManager.default.fileExists(atPath: path) {
            throw XCTSkip("\(path) is missing: install Debian's ovn-central and openvswitch-common to run this test")
        }
    }

    public init(schema: String = OVSDBServerFixture.schema, tls: Bool = false) throws {
        try Self.skipUnlessInstalled()
        self.schema = schema
        directory = FileManager.default.temporaryDirectory
            .appendingPathComponent("ovsdb-test-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        tcpPort = try Self.freeTCPPort()
        sslPort = tls ? try Self.freeTCPPort() : nil
        if tls { try makePKI() }
        try Self.run("/usr/bin/ovsdb-tool", ["create", directory.appendingPathComponent("nb.db").path, schema])
        try start()
    }

    /// Starts the server (again, on the same database file and addresses) and waits until it answers.
    public func start() throws {
        guard process == nil else { return }
        let p = Process()
        p.executableURL = URL(fileURLWithPath: Self.serverBinary)
        var tlsArguments: [String] = []
        if let sslPort {
            tlsArguments = ["--remote=pssl:\(sslPort):127.0.0.1", "--private-key=\(file("server.key"))",
                            "--certificate=\(file("server.crt"))", "--ca-cert=\(file("ca.crt"))"]
        }
        p.arguments = tlsArguments + [
            "--remote=punix:\(socketPath)", "--remote=ptcp:\(tcpPort):127.0.0.1",
            "--unixctl=\(directory.appendingPathComponent("ctl").path)",
            "--log-file=\(directory.appendingPathComponent("server.log").path)", "--no-chdir",
            directory.appendingPathComponent("nb.db").path,
        ]
        p.standardOutput = FileHandle.nullDevice
        p.standardError = FileHandle.nullDevice
        try p.run()
        process = p
        let deadline = Date().addingTimeInterval(10)
        while Date() < deadline {
            if (try? Self.run("/usr/bin/ovsdb-client", ["list-dbs", unixRemote])) != nil { return }
            Thread.sleep(forTimeInterval: 0.05)
        }
        throw FixtureError("ovsdb-server did not answer on \(socketPath) within 10 s")
    }

    /// A CA, and a server and a client certificate it signed (as `ovs-pki` would make them).
    private func makePKI() throws {
        let openssl = "/usr/bin/openssl"
        let ec = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes"]
        try Self.run(openssl, ["req", "-x509"] + ec + ["-keyout", file("ca.key"), "-out", file("ca.crt"),
                                                     "-subj", "/CN=vip-agent test CA", "-days", "2"])
        for name in ["server", "client"] {
            try Self.run(openssl, ["req"] + ec + ["-keyout", file("\(name).key"), "-out", file("\(name).csr"),
                                                "-subj", "/CN=\(name)"])
            try Self.run(openssl, ["x509", "-req", "-in", file("\(name).csr"), "-CA", file("ca.crt"),
                                   "-CAkey", file("ca.key"), "-CAcreateserial", "-out", file("\(name).crt"),
                                   "-days", "2"])
        }
    }

    /// Kills the server (SIGKILL: a crash; a SIGTERM may be blocked in the mask the child inherits
    /// from a test thread) and waits for it to exit.
    public func stop() {
        guard let p = process else { return }
        kill(p.processIdentifier, SIGKILL)
        p.waitUntilExit()
        process = nil
        try? FileManager.default.removeItem(atPath: socketPath)
    }

    /// SIGSTOP / SIGCONT: a server that hangs with its sockets open.
    public func freeze() { if let p = process { kill(p.processIdentifier, SIGSTOP) } }
    public func thaw() { if let p = process { kill(p.processIdentifier, SIGCONT) } }

    public func shutdown() {
        stop()
        try? FileManager.default.removeItem(at: directory)
    }

    /// Runs `ovn-nbctl --db=unix:… args` and returns its standard output.
    @discardableResult
    public func nbctl(_ args: [String]) throws -> String {
        try Self.run("/usr/bin/ovn-nbctl", ["--db=\(unixRemote)", "--timeout=5"] + args)
    }

    @discardableResult
    public static func run(_ tool: String, _ args: [String]) throws -> String {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: tool)
        p.arguments = args
        let out = Pipe()
        let err = Pipe()
        p.standardOutput = out
        p.standardError = err
        try p.run()
        let output = out.fileHandleForReading.readDataToEndOfFile()
        let errors = err.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        guard p.terminationStatus == 0 else {
            throw FixtureError("\(tool) \(args.joined(separator: " ")) exited \(p.terminationStatus): "
                               + String(decoding: errors, as: UTF8.self))
        }
        return String(decoding: output, as: UTF8.self)
    }

    /// A port the kernel just handed out and released (good enough on a test machine).
    public static func freeTCPPort() throws -> Int {
        let (fd, port) = try boundTCPSocket()
        close(fd)
        return port
    }

    /// A TCP socket bound to 127.0.0.1 on a port of the kernel's choice.
    public static func boundTCPSocket() throws -> (Int32, Int) {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw FixtureError("socket() failed") }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { sa -> Bool in
                bind(fd, sa, length) == 0 && getsockname(fd, sa, &length) == 0
            }
        }
        guard bound else {
            close(fd)
            throw FixtureError("cannot bind a TCP port on 127.0.0.1")
        }
        return (fd, Int(UInt16(bigEndian: address.sin_port)))
    }
}

/// A TCP listener that never accepts and never answers: the kernel completes the handshake, so a client
/// connects, and then hears nothing — a hung server.
public final class SilentServer {
    public let fd: Int32
    public let port: Int

    public init() throws {
        (fd, port) = try OVSDBServerFixture.boundTCPSocket()
        guard listen(fd, 16) == 0 else { throw FixtureError("listen() failed") }
    }

    public func close() { _ = Glibc.close(fd) }
}

public struct FixtureError: Error, CustomStringConvertible {
    public let description: String
    public init(_ description: String) { self.description = description }
}

/// Polls `condition` every 20 ms until it holds or `timeout` passes; returns whether it held.
public func eventually(timeout: Duration = .seconds(5), _ condition: () async throws -> Bool) async rethrows -> Bool {
    let deadline = ContinuousClock.now + timeout
    while ContinuousClock.now < deadline {
        if try await condition() { return true }
        try? await Task.sleep(for: .milliseconds(20))
    }
    return try await condition()
}

/// A value shared with `@Sendable` callbacks (every access holds the lock).
public final class Locked<Value>: @unchecked Sendable {
    private var value: Value
    private let lock = NSLock()
    public init(_ value: Value) { self.value = value }
    public func get() -> Value { lock.lock(); defer { lock.unlock() }; return value }
    public func set(_ newValue: Value) { lock.lock(); value = newValue; lock.unlock() }
}
